import Foundation
import Interpreter
import TensorFlowHub
import Tensors

/// `tfhub bench --gradients`: one forward+backward step of a softmax classifier on the module's
/// features (`Module.classifierGradientStep`): the loss and its gradient with respect to every
/// trainable variable and the head's weights and bias, timed per step (median of --runs after a
/// warm-up), with peak RSS; optionally TensorFlow's same step (scripts/bench_tf_gradients.py) in the
/// same run.
///
/// Head values (TensorFlow's side uses the same formulas): images by `formulaImages`, weights
/// `(u(i, 777) - 0.5) * 0.1` over the flat `[features, classes]` matrix, bias `(u(i, 999) - 0.5) * 0.1`,
/// labels `(7 * n) mod classes`, where `u(i, seed) = ((i * 2654435761 + seed) mod 2^32 >> 8) / 2^24`.
struct GradientBenchmark {
    let module: Module
    let signature: String
    let batch: Int
    let classes: Int
    let runs: Int
    let threads: Int
    /// When given, receives the step times of --runs more runs, after the timed ones.
    var profile: PlanProfile? = nil

    struct Result: Codable {
        var command: String = ""
        var plan_seconds: Double
        var batch: Int
        var classes: Int
        var targets: Int
        var median_ms: Double
        var min_ms: Double
        var max_ms: Double
        var images_per_second: Double
        var loss: Double
        /// sqrt of the sum of squares of every gradient: a cheap check that both sides computed the same.
        var gradient_norm: Double
        var peak_rss_bytes: Int
        /// The plan's largest live set of step results (liveness order; ours only).
        var peak_step_result_bytes: Int? = nil
        var peak_step_result_node: String? = nil
        var steps: Int? = nil
    }

    func measure() throws -> Result {
        let planStart = Date()
        let step = try module.classifierGradientStep(signature: signature, classes: classes, batch: batch, threads: threads)
        let planSeconds = Date().timeIntervalSince(planStart)
        let s = step.imageShape
        let images = formulaImages(batch: batch, height: s[1], width: s[2])
        let weights = Tensor(shape: step.weightShape, of: Float.self) { out in
            for i in 0..<out.count { out[i] = (formulaValue(i, seed: 777) - 0.5) * 0.1 }
        }
        let bias = Tensor(shape: [classes], of: Float.self) { out in
            for i in 0..<out.count { out[i] = (formulaValue(i, seed: 999) - 0.5) * 0.1 }
        }
        let labels = Tensor(shape: [batch], scalars: (0..<batch).map { Int64((7 * $0) % classes) })
        let context = ExecutionContext(threads: threads)
        let (loss, gradients) = try step(images: images, weights: weights, bias: bias, labels: labels, context: context)
        var times: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try step(images: images, weights: weights, bias: bias, labels: labels, context: context)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        if let profile {
            for _ in 0..<runs {
                _ = try step(images: images, weights: weights, bias: bias, labels: labels, context: context, profile: profile)
            }
        }
        let norm = gradients.reduce(0.0) { total, g in
            total + g.scalars(as: Float.self).reduce(0.0) { $0 + Double($1) * Double($1) }
        }.squareRoot()
        let medianMs = median(times)
        return Result(
            plan_seconds: planSeconds, batch: batch, classes: classes, targets: step.targets.count, median_ms: medianMs,
            min_ms: times.min() ?? .nan, max_ms: times.max() ?? .nan, images_per_second: Double(batch) / medianMs * 1000,
            loss: Double(loss), gradient_norm: norm, peak_rss_bytes: peakRSSBytes(),
            peak_step_result_bytes: step.plan.peakStepResultBytes.bytes,
            peak_step_result_node: step.plan.peakStepResultBytes.node, steps: step.plan.stepCount)
    }
}

/// `((i * 2654435761 + seed) mod 2^32 >> 8) / 2^24`, in [0, 1).
func formulaValue(_ i: Int, seed: UInt32) -> Float {
    Float((UInt32(truncatingIfNeeded: i) &* 2_654_435_761 &+ seed) >> 8) / 16_777_216
}

extension Bench {
    /// `--gradients`: our step, then TensorFlow's in its own process (--compare-tf), side by side.
    func runGradients() throws {
        let tags = module.tagSet.isEmpty ? ["train"] : module.tagSet
        let batch = batches.first ?? 32
        let threadCount = PlanOptions().threads
        let moduleHandle = try handle ?? DefaultModule.handle()
        let loadStart = Date()
        let loaded = try Module(handle: moduleHandle, tags: tags, resolver: module.resolver)
        let loadSeconds = Date().timeIntervalSince(loadStart)
        let recorder = profile ? PlanProfile() : nil
        var ours = try GradientBenchmark(
            module: loaded, signature: signature, batch: batch, classes: classes ?? 1000, runs: runs, threads: threadCount,
            profile: recorder
        ).measure()
        ours.command = CommandLine.arguments.joined(separator: " ")
        var theirs: GradientBenchmark.Result?
        if compareTf {
            var arguments = [loaded.directory.path, "--batch", String(batch), "--classes", String(classes ?? 1000), "--runs",
                             String(runs), "--threads", String(threadCount), "--signature", signature, "--json"]
            for tag in tags.sorted() { arguments += ["--tags", tag] }
            theirs = try runPeerScript("bench_tf_gradients.py", pythonVariable: "PYTHON", venv: ".venv-oracle", arguments: arguments)
        }
        let report = PeerComparisonReport(ours: ours, tensorflow: theirs)
        if json {
            try report.printJSON()
            return
        }
        print("module \(loaded.directory.path), tags \(tags.sorted()), signature '\(signature)', forward+backward step, "
              + "batch \(batch), \(classes ?? 1000) classes, \(ours.targets) gradients, \(threadCount) threads, \(runs) runs (median)")
        report.printHeader()
        report.printLine("step median, ms", \.median_ms, "%.1f")
        report.printLine("step min / max, ms", \.min_ms, "%.1f", ratio: false)
        report.printLine("", \.max_ms, "%.1f", ratio: false)
        report.printLine("images/s", \.images_per_second, "%.1f")
        report.printLine("differentiate + plan, s", \.plan_seconds, "%.2f", ratio: false)
        report.printLine("peak RSS, MiB", { Double($0.peak_rss_bytes) / 1_048_576 }, "%.0f")
        report.printLine("loss", \.loss, "%.6f", ratio: false)
        report.printLine("gradient norm", \.gradient_norm, "%.6f", ratio: false)
        print(String(format: "our module load (handle to Module): %.2f s", loadSeconds))
        if let peak = ours.peak_step_result_bytes, let steps = ours.steps {
            print("our plan: \(steps) steps, largest live set of step results \(formatBytes(peak)) "
                  + "(at \(ours.peak_step_result_node ?? "?"))")
        }
        if let theirs { print("TensorFlow command: \(theirs.command)") }
        if let recorder { printProfile(recorder, batch: batch) }
    }
}
