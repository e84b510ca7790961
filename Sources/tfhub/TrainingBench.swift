import Foundation
import Interpreter
import TensorFlowHubTraining
import Tensors

/// `tfhub bench --training`: one training step of `ClassifierTrainer` (the module's {"train"} graph,
/// a zero-initialised head of --classes classes, momentum SGD at learning rate 0.005, update ops and
/// regularization losses as TensorFlow's loop), timed per step (median of --runs after a warm-up step),
/// with peak RSS; optionally TensorFlow's same loop (scripts/bench_tf_training.py) in the same run.
///
/// Values (TensorFlow's side uses the same): images by `formulaImages`, labels `(7 * n) mod classes`.
struct TrainingBenchmark {
    let handle: String
    let resolver: ModuleResolver
    let batch: Int
    let classes: Int
    let runs: Int
    let threads: Int

    struct Result: Codable {
        var command: String = ""
        var plan_seconds: Double
        var batch: Int
        var classes: Int
        var median_ms: Double
        var min_ms: Double
        var max_ms: Double
        var images_per_second: Double
        var first_loss: Double
        var peak_rss_bytes: Int
    }

    func measure() throws -> Result {
        let planStart = Date()
        let options = FineTuningOptions(classes: classes, batchSize: batch)
        let url = URL(string: handle).flatMap { $0.scheme == nil ? nil : $0 } ?? URL(fileURLWithPath: handle)
        let trainer = try ClassifierTrainer(url: url, options: options, resolver: resolver, planOptions: PlanOptions(threads: threads))
        let planSeconds = Date().timeIntervalSince(planStart)
        let images = formulaImages(batch: batch, height: trainer.imageShape[1], width: trainer.imageShape[2])
        let labels = (0..<batch).map { (7 * $0) % classes }
        let context = ExecutionContext(threads: threads)
        let firstLoss = try trainer.step(images: images, labels: labels, context: context)
        var times: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try trainer.step(images: images, labels: labels, context: context)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        let medianMs = median(times)
        return Result(
            plan_seconds: planSeconds, batch: batch, classes: classes, median_ms: medianMs, min_ms: times.min() ?? .nan,
            max_ms: times.max() ?? .nan, images_per_second: Double(batch) / medianMs * 1000, first_loss: Double(firstLoss),
            peak_rss_bytes: peakRSSBytes())
    }
}

extension Bench {
    /// `--training`: our training step, then TensorFlow's loop in its own process (--compare-tf).
    func runTraining() throws {
        let batch = batches.first ?? 32
        let threadCount = PlanOptions().threads
        let moduleHandle = try handle ?? DefaultModule.handle()
        var ours = try TrainingBenchmark(
            handle: moduleHandle, resolver: module.resolver, batch: batch, classes: classes ?? 5, runs: runs, threads: threadCount
        ).measure()
        ours.command = CommandLine.arguments.joined(separator: " ")
        var theirs: TrainingBenchmark.Result?
        if compareTf {
            let folder = try Module(handle: moduleHandle, resolver: module.resolver).directory.path
            theirs = try runPeerScript(
                "bench_tf_training.py", pythonVariable: "PYTHON", venv: ".venv-oracle",
                arguments: [folder, "--batch", String(batch), "--classes", String(classes ?? 5), "--runs", String(runs),
                            "--threads", String(threadCount), "--json"])
        }
        let report = PeerComparisonReport(ours: ours, tensorflow: theirs)
        if json {
            try report.printJSON()
            return
        }
        print("module \(moduleHandle), training step (forward, backward, update ops, momentum), batch \(batch), "
              + "\(classes ?? 5) classes, \(threadCount) threads, \(runs) runs (median)")
        report.printHeader()
        report.printLine("step median, ms", \.median_ms, "%.1f")
        report.printLine("images/s", \.images_per_second, "%.1f")
        report.printLine("load + plan, s", \.plan_seconds, "%.2f", ratio: false)
        report.printLine("peak RSS, MiB", { Double($0.peak_rss_bytes) / 1_048_576 }, "%.0f")
        report.printLine("first step's loss", \.first_loss, "%.6f", ratio: false)
        if let theirs { print("TensorFlow command: \(theirs.command)") }
    }
}
