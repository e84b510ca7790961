import Foundation
import TensorBundle
import TensorFlowHubTraining
import Tensors
import Testing
import TestSupport

/// K steps of `ClassifierTrainer` against TensorFlow's TF1 loop on the same module, data and options
/// (`Tests/Fixtures/training/make_training.py`): per-step losses within 1e-4 relative, and the change of
/// every variable (body, moving averages, head) and every optimizer slot within 1e-3 of TensorFlow's
/// change over the run, relative to the largest element of TF's change of that variable.
///
/// Two floors below which a difference is rounding, not a discrepancy:
/// - float32 resolution: a change that is small next to the variable's own magnitude is the difference
///   of two rounded values, so 2 ulp of the variable's largest element is always accepted;
/// - TensorFlow's own disagreement (its oneDNN and Eigen kernels on the same loop): twice that is
///   accepted; the report counts the tensors that needed it.
/// A variable whose gradient is zero in exact arithmetic (a batch-norm offset whose every path to the
/// loss is removed by a later training-mode batch norm) receives rounding noise as its gradient, 1e-6
/// of the largest gradient or less, and Adam turns noise into steps of full size; for these (and their
/// slots) only the size of the change is compared: at most twice TF's.
@Test(arguments: TrainingCase.committed)
func trainingMatchesTensorFlow(_ configuration: TrainingCase) throws {
    let report = try compareTraining(configuration, threads: 2)
    print(report.summary)
    #expect(report.worstLossError <= 1e-4, "\(configuration): \(report.summary)")
    #expect(report.worstChange.error <= 1e-3, "\(configuration): \(report.summary)")
    #expect(report.missing.isEmpty, "keys TF saved that the trainer lacks: \(report.missing)")
}

@Test func theCommittedConfigurationsAreRead() {
    #expect(TrainingCase.committed.count >= 8)
}

struct TrainingReport {
    var worstLossError: Float = 0
    var worstChange: (error: Float, name: String) = (0, "")
    var compared = 0
    /// Tensors whose difference exceeded 1e-3 of TF's change but stayed within twice TF's own spread.
    var withinSpread: [String] = []
    /// Variables (with their slots) whose TF gradient is rounding noise; compared by size only.
    var noiseGradients: [String] = []
    var missing: [String] = []
    var losses: [(ours: Float, tf: Float)] = []

    var summary: String {
        let pairs = losses.map { String(format: "%.6f/%.6f", $0.ours, $0.tf) }.joined(separator: " ")
        return "losses ours/TF \(pairs); worst loss error \(worstLossError); \(compared) tensors compared, worst change "
            + "error \(worstChange.error) (\(worstChange.name)); \(withinSpread.count) within TF's own spread only; "
            + "\(noiseGradients.count) with a rounding-noise gradient"
    }
}

/// Trains as the configuration says and compares losses, variables and slots with TensorFlow's.
func compareTraining(_ configuration: TrainingCase, threads: Int) throws -> TrainingReport {
    let trainer = try ClassifierTrainer(
        url: configuration.moduleURL, options: configuration.options, planOptions: PlanOptions(threads: threads))
    let initial = trainer.variables
    let initialSlots = trainer.optimizerState.checkpointEntries
    if configuration.headInit == "glorot" {
        // TF's glorot draw for the same seeds, saved before training.
        let tfHead = try BundleReader(prefix: configuration.folder.appendingPathComponent("initial/variables"))
        let expected = try tfHead.tensor(forKey: "classifier/weights").floats()
        #expect(trainer.headWeights.scalars(as: Float.self) == expected, "glorot head differs from TF's draw")
    }
    let images = Fixtures.formulaImages(
        batch: configuration.examples, height: configuration.imageSize, width: configuration.imageSize)
    let tfLosses = try NumpyFile.read(configuration.folder.appendingPathComponent("losses.npy"))
        .scalars(as: Float.self)
    var report = TrainingReport()
    let context = ExecutionContext(threads: threads)
    for step in 0..<configuration.steps {
        let (batch, labels) = configuration.batch(step: step, from: images)
        let loss = try trainer.step(images: batch, labels: labels, context: context)
        report.losses.append((loss, tfLosses[step]))
        report.worstLossError = max(report.worstLossError, abs(loss - tfLosses[step]) / abs(tfLosses[step]))
    }

    let final = try BundleReader(prefix: configuration.folder.appendingPathComponent("final/variables"))
    let slots = trainer.optimizerState.checkpointEntries
    let spread = try configuration.spread()
    let gradientSizes = try configuration.gradientSizes()
    let largestGradient = gradientSizes.values.max() ?? 0
    /// The trained variable a checkpoint key belongs to (itself, or the variable of a slot).
    func variable(of key: String) -> String {
        gradientSizes[key] != nil ? key : String(key[..<(key.lastIndex(of: "/") ?? key.endIndex)])
    }
    for key in final.keys where !key.isEmpty {
        let tf = try final.tensor(forKey: key).floats()
        let ours: Tensor, start: Tensor
        if let value = trainer.variables[key], let before = initial[key] {
            (ours, start) = (value, before)
        } else if let value = slots[key], let before = initialSlots[key] {
            (ours, start) = (value, before)
        } else {
            report.missing.append(key)
            continue
        }
        let oursValues = ours.scalars(as: Float.self), startValues = start.scalars(as: Float.self)
        report.compared += 1
        if let size = gradientSizes[variable(of: key)], size <= 1e-6 * largestGradient {
            report.noiseGradients.append(key)
            let (ourChange, _) = changeDifference(ours: oursValues, tf: startValues, start: startValues)
            let (_, tfChange) = changeDifference(ours: oursValues, tf: tf, start: startValues)
            if ourChange > 2 * tfChange + 2 * ulpOfLargest(tf) { report.worstChange = (.infinity, key) }
            continue
        }
        let (difference, scale) = changeDifference(ours: oursValues, tf: tf, start: startValues)
        if difference <= 2 * ulpOfLargest(tf) { continue }
        var error = scale > 0 ? difference / scale : .infinity
        if error > 1e-3, ProcessInfo.processInfo.environment["TRAINING_VERBOSE"] != nil {
            let worst = tf.indices.max { abs(oursValues[$0] - tf[$0]) < abs(oursValues[$1] - tf[$1]) } ?? 0
            print("  \(key): difference \(difference), TF change \(scale), TF spread \(spread[key] ?? -1); "
                  + "element \(worst): start \(startValues[worst]) ours \(oursValues[worst]) TF \(tf[worst])")
        }
        if error > 1e-3, let own = spread[key], difference <= 2 * own {
            report.withinSpread.append(key)
            error = 0
        }
        if error > report.worstChange.error { report.worstChange = (error, key) }
    }
    return report
}

/// `max |(ours - start) - (tf - start)|` and `max |tf - start|`.
func changeDifference(ours: [Float], tf: [Float], start: [Float]) -> (difference: Float, scale: Float) {
    var difference: Float = 0, scale: Float = 0
    for i in 0..<tf.count {
        difference = max(difference, abs((ours[i] - start[i]) - (tf[i] - start[i])))
        scale = max(scale, abs(tf[i] - start[i]))
    }
    return (difference, scale)
}

/// The spacing of float32 values at the largest magnitude of `values`.
func ulpOfLargest(_ values: [Float]) -> Float {
    (values.map(abs).max() ?? 0).ulp
}
