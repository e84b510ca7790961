import ArgumentParser
import Foundation
import Interpreter
import Kernels
import TensorFlowHub
import Tensors

/// `tfhub bench`: latency, throughput, load time and peak memory, optionally next to TensorFlow and
/// ONNX Runtime, and a per-op-type time breakdown.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmark a module: load time, median latency and throughput per batch size, peak RSS.",
        discussion: """
            With --compare-tf, runs bench_tf.py (TensorFlow 2.21 + tensorflow_hub 0.15 from $PYTHON, else \
            .venv-oracle/bin/python beside the scripts folder) on the same module, inputs and thread count in \
            the same run; with --compare-ort, bench_ort.py (the module frozen, converted by tf2onnx, run by \
            ONNX Runtime from $ORT_PYTHON, else .venv-onnx/bin/python); --compare-all does both. The peer \
            scripts are the repository's scripts/ folder: --peer-scripts DIR, else $TFHUB_BENCH_SCRIPTS, else \
            the scripts/ folder of the checkout tfhub was built in. Each runs in its own process after ours, \
            and the table prints them side by side with ratios (ours / theirs). \
            Inputs: x[i] = ((i * 2654435761 + 12345) mod 2^32 >> 8) / 2^24.
            """)

    @Argument(help: "Module handle (default: the shipped NASNet-A mobile module).")
    var handle: String?

    @OptionGroup var module: ModuleOptions

    @Option(name: .customLong("batch"), help: "Batch size (repeatable; default 1 and 32).")
    var batches: [Int] = []

    @Option(help: "Timed runs per batch size, after one warm-up run.")
    var runs = 10

    @Option(help: "Worker threads for the kernels (sets TFHUB_NUM_THREADS; default: active processors).")
    var threads: Int?

    @Option(help: "Signature to run ('default', or for a module without one its default signature: '__call__' or 'serving_default' of a TF2 SavedModel).")
    var signature = "default"

    @Flag(help: "Also run TensorFlow on the same module in the same run (needs the oracle venv).")
    var compareTf = false

    @Flag(help: "Also run ONNX Runtime on the same module, converted with tf2onnx (needs .venv-onnx).")
    var compareOrt = false

    @Flag(help: "Same as --compare-tf --compare-ort.")
    var compareAll = false

    @Option(help: ArgumentHelp(
        "The folder holding bench_tf.py and bench_ort.py (default: $TFHUB_BENCH_SCRIPTS, else the scripts/ folder of the checkout tfhub was built in).",
        valueName: "DIR"))
    var peerScripts: String?

    @Flag(help: "Print the time per op type (sum of step times over --runs runs per batch size).")
    var profile = false

    @Flag(help: "With --profile: group the time by op type and input/output shapes.")
    var profileShapes = false

    @Flag(help: "Print the steps of the plan a run of the first batch size executes (per micro-batch for separable plans), then benchmark.")
    var steps = false

    @Flag(help: "Plan the graph as written, without plan-time rewrites (for comparison).")
    var noRewrites = false

    @Flag(help: "Let every step allocate its outputs instead of planning them into one block per run (for comparison).")
    var noArena = false

    @Option(help: "Largest micro-batch for plans that keep examples apart (0: run batches whole).")
    var microBatch = PlanOptions().microBatch

    @Option(help: ArgumentHelp(
        "Kernel instruction set: avx512, avx2, vector or portable (default: the best this CPU has), e.g. to measure the AVX2 kernels on an AVX-512 machine.",
        valueName: "backend"))
    var backend: String?

    @Flag(help: "Print one JSON object (ours and the peers' reports) instead of the table.")
    var json = false

    @Flag(help: ArgumentHelp(
        "Time a forward+backward step instead: mean(sparse_softmax_xent(features @ W + b)) and its gradient with respect to every trainable variable, W and b (default tags 'train', batch 32; with --compare-tf, bench_tf_gradients.py).",
        valueName: "gradients"))
    var gradients = false

    @Flag(help: ArgumentHelp(
        "Time a whole fine-tuning step instead (forward, backward, update ops, momentum SGD; zero head of --classes classes, default tags 'train', batch 32; with --compare-tf, TensorFlow's TF1 loop, bench_tf_training.py).",
        valueName: "training"))
    var training = false

    @Option(help: "Classes of the --gradients / --training classifier head (default 1000 / 5).")
    var classes: Int?

    @Option(help: ArgumentHelp(
        "Also measure N callers running the module at once, each on its own thread with its own context of --threads threads, next to one caller (first --batch size).",
        valueName: "N"))
    var callers: Int?

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1 (got \(runs))") }
        if let bad = batches.first(where: { $0 < 1 }) { throw ValidationError("--batch must be at least 1 (got \(bad))") }
        if let threads, !(1...256).contains(threads) { throw ValidationError("--threads must be in 1...256 (got \(threads))") }
        guard microBatch >= 0 else { throw ValidationError("--micro-batch must not be negative (got \(microBatch))") }
        if let callers, !(1...64).contains(callers) { throw ValidationError("--callers must be in 1...64 (got \(callers))") }
        if let classes, classes < 2 { throw ValidationError("--classes must be at least 2 (got \(classes))") }
        if let backend {
            guard let chosen = KernelBackend.allCases.first(where: { $0.description == backend }) else {
                throw ValidationError("--backend must be one of \(KernelBackend.allCases.map(\.description).joined(separator: ", ")) (got \(backend))")
            }
            guard chosen.isAvailable else { throw ValidationError("--backend \(backend) is not available on this CPU") }
        }
        if gradients || training, compareOrt || compareAll || callers != nil {
            throw ValidationError("--gradients and --training take --compare-tf, not --compare-ort, --compare-all or --callers")
        }
        if gradients && training { throw ValidationError("choose one of --gradients and --training") }
        try validateThreadEnvironment()
    }

    func run() throws {
        if let threads { setenv("TFHUB_NUM_THREADS", String(threads), 1) }
        if gradients { return try runGradients() }
        if training { return try runTraining() }
        let sizes = batches.isEmpty ? [1, 32] : batches
        let moduleHandle = try handle ?? DefaultModule.handle()
        let options = PlanOptions(optimize: !noRewrites, microBatch: microBatch, arena: !noArena)

        // With --backend: one context of that instruction set for every call (else the module lends its own).
        let context = backend.flatMap { name in KernelBackend.allCases.first { $0.description == name } }.map {
            ExecutionContext(threads: options.threads, backend: $0, recycler: ExecutionContextPool.inferenceRecycler())
        }
        let loadStart = Date()
        let loaded = try Module(handle: moduleHandle, tags: module.tagSet, resolver: module.resolver, planOptions: options)
        let signature = self.signature == "default" && loaded.signature("default") == nil
            ? loaded.defaultSignatureName : self.signature
        let (height, width) = try loaded.getExpectedImageSize(signature: signature)
        let inputs = Dictionary(uniqueKeysWithValues: sizes.map { ($0, formulaImages(batch: $0, height: height, width: width)) })
        _ = try loaded(inputs[sizes[0]]!, signature: signature, context: context)
        let loadSeconds = Date().timeIntervalSince(loadStart)
        if steps { try printSteps(loaded, signature: signature, batch: sizes[0], height: height, width: width, options: options) }

        var ours: [(batch: Int, medianMs: Double, fastestMs: Double)] = []
        for size in sizes {
            let images = inputs[size]!
            _ = try loaded(images, signature: signature, context: context)
            var times: [Double] = []
            for _ in 0..<runs {
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try loaded(images, signature: signature, context: context)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            ours.append((size, median(times), times.min() ?? .nan))
        }
        var concurrency: ConcurrentCallersBenchmark.Result?
        if let callers {
            concurrency = try ConcurrentCallersBenchmark(
                module: loaded, signature: signature, images: inputs[sizes[0]]!, callers: callers,
                threads: options.threads, runs: runs
            ).measure()
        }
        let ourRSS = peakRSSBytes()

        var profiles: [(batch: Int, profile: PlanProfile)] = []
        if profile {
            for size in sizes {
                let recorder = PlanProfile(groupsByShape: profileShapes)
                for _ in 0..<runs { _ = try loaded(inputs[size]!, signature: signature, context: context, profile: recorder) }
                profiles.append((size, recorder))
            }
        }

        let threadCount = options.threads
        var others: [(name: String, report: PeerReport)] = []
        if compareTf || compareAll {
            others.append(("TensorFlow 2.21", try runPeer(
                script: "bench_tf.py", pythonVariable: "PYTHON", venv: ".venv-oracle",
                module: loaded.directory.path, signature: loaded.signature(signature), batches: sizes, threads: threadCount)))
        }
        if compareOrt || compareAll {
            others.append(("ONNX Runtime", try runPeer(
                script: "bench_ort.py", pythonVariable: "ORT_PYTHON", venv: ".venv-onnx",
                module: loaded.directory.path, signature: loaded.signature(signature), batches: sizes, threads: threadCount)))
        }

        if json {
            let report = BenchReport(
                command: CommandLine.arguments.joined(separator: " "), threads: threadCount, runs: runs, rewrites: !noRewrites,
                ours: .init(load_seconds: loadSeconds, batches: ours.map {
                    .init(batch: $0.batch, median_ms: $0.medianMs, images_per_second: Double($0.batch) / $0.medianMs * 1000,
                          fastest_ms: $0.fastestMs)
                }, peak_rss_bytes: ourRSS),
                peers: Dictionary(uniqueKeysWithValues: others.map { ($0.name, $0.report) }))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        print("module \(loaded.directory.path), signature '\(signature)', \(height)x\(width), \(threadCount) threads, "
              + "\(runs) runs per batch (median), rewrites \(noRewrites ? "off" : "on")")
        var header = [cell("", 34), cell("tfhub (Swift)", 16)]
        for other in others { header += [cell(other.name, 18), cell("ours/theirs", 13)] }
        print(header.joined())
        func line(_ label: String, _ mine: String, _ theirs: (PeerReport) -> (String, Double)?) {
            var cells = [cell(label, 34), cell(mine, 16)]
            for other in others {
                if let (text, ratio) = theirs(other.report) {
                    cells += [cell(text, 18), cell(String(format: "%.2fx", ratio), 13)]
                } else {
                    cells += [cell("-", 18), cell("", 13)]
                }
            }
            print(cells.joined())
        }
        line("load (handle to first result)", String(format: "%.3f s", loadSeconds)) {
            (String(format: "%.3f s", $0.load_seconds), loadSeconds / $0.load_seconds)
        }
        for (batch, medianMs, _) in ours {
            let throughput = Double(batch) / medianMs * 1000
            line("batch \(batch): median latency", String(format: "%.2f ms", medianMs)) { report in
                report.batches.first { $0.batch == batch }.map { (String(format: "%.2f ms", $0.median_ms), medianMs / $0.median_ms) }
            }
            line("batch \(batch): throughput", String(format: "%.1f img/s", throughput)) { report in
                report.batches.first { $0.batch == batch }.map {
                    (String(format: "%.1f img/s", $0.images_per_second), throughput / $0.images_per_second)
                }
            }
        }
        line("peak RSS", formatBytes(ourRSS)) { (formatBytes($0.peak_rss_bytes), Double(ourRSS) / Double($0.peak_rss_bytes)) }
        if let concurrency, let callers {
            print(String(
                format: "batch %d, %d thread(s) per caller: 1 caller %.1f img/s, %d callers at once %.1f img/s (%.2fx), outputs %@",
                sizes[0], options.threads, concurrency.serialImagesPerSecond, callers, concurrency.concurrentImagesPerSecond,
                concurrency.concurrentImagesPerSecond / concurrency.serialImagesPerSecond,
                concurrency.identical ? "identical to a serial run" : "DIFFER from a serial run"))
        }
        for other in others {
            var note = "\(other.name) command: \(other.report.command)"
            if let diff = other.report.max_rel_diff_vs_tf { note += String(format: " (max rel diff vs TF %.1e", diff) }
            if let seconds = other.report.conversion_seconds { note += String(format: ", tf2onnx conversion %.1f s, cached)", seconds) }
            print(note)
        }
        for (batch, recorder) in profiles {
            printProfile(recorder, batch: batch)
            let key = loaded.signature(signature)?.inputs.keys.first ?? "images"
            let micro = options.microBatch
            let whole = try loaded.plan(signature: signature, inputs: [key: ValueType(.float32, [batch, height, width, 3])])
            let schedule = whole.separableBatch == nil
                ? nil : MicroBatchSchedule(batch: batch, microBatch: micro, threads: options.threads)
            let runBatch = schedule?.sizes.first ?? batch
            let plan = try loaded.plan(signature: signature, inputs: [key: ValueType(.float32, [runBatch, height, width, 3])])
            let peak = plan.peakStepResultBytes
            print((schedule.map {
                "runs as \($0.ranges.count) micro-batches of up to \(runBatch) (examples kept apart), "
                    + "\($0.workers) at once; per micro-batch: "
            } ?? "")
                  + "\(plan.stepCount) steps, largest live set of step results \(formatBytes(peak.bytes)) (at \(peak.node)), "
                  + "arena \(formatBytes(plan.arenaByteCount)) (one thread: \(formatBytes(plan.serialArenaByteCount)))")
        }
    }

    /// `--steps`: one line per step of the plan that runs `batch` images (a micro-batch's plan when separable).
    private func printSteps(_ loaded: Module, signature: String, batch: Int, height: Int, width: Int, options: PlanOptions) throws {
        let key = loaded.signature(signature)?.inputs.keys.first ?? "images"
        let whole = try loaded.plan(signature: signature, inputs: [key: ValueType(.float32, [batch, height, width, 3])])
        let schedule = whole.separableBatch == nil ? nil : MicroBatchSchedule(batch: batch, microBatch: options.microBatch, threads: options.threads)
        let plan = try loaded.plan(signature: signature, inputs: [key: ValueType(.float32, [schedule?.sizes.first ?? batch, height, width, 3])])
        for (index, step) in plan.stepSummaries.enumerated() {
            let inputs = step.inputSteps.map { $0.map(String.init) ?? "-" }.joined(separator: ",")
            print("\(index)\t\(step.estimatedCost)\t\(step)\tinputs from steps \(inputs)\t<- \(step.sourceNodes.joined(separator: " "))")
        }
    }

    private func cell(_ text: String, _ width: Int) -> String { text.padding(toLength: width, withPad: " ", startingAt: 0) }

    func printProfile(_ recorder: PlanProfile, batch: Int) {
        let runCount = Double(max(recorder.runCount, 1))
        let total = Double(recorder.totalNanoseconds)
        print("\nprofile, batch \(batch): time per op type, per run (sum of step times, \(recorder.runCount) runs)")
        let width = recorder.groupsByShape ? 90 : 28
        print(cell("op", width) + cell("steps/run", 11) + cell("ms/run", 10) + "share")
        let idle = recorder.entries.first { $0.op == PlanProfile.idleEntry }
        for entry in recorder.entries where entry.op != PlanProfile.idleEntry {
            print(cell(entry.op, width) + cell(String(format: "%.0f", Double(entry.steps) / runCount), 11)
                  + cell(String(format: "%.2f", Double(entry.nanoseconds) / runCount / 1e6), 10)
                  + String(format: "%5.1f %%", total > 0 ? 100 * Double(entry.nanoseconds) / total : 0))
        }
        print(cell("total", width) + cell("", 11) + String(format: "%.2f", total / runCount / 1e6))
        if let idle {
            print(String(format: "threads waiting for a ready step in parallel segments: %.2f ms/run (summed over threads)",
                         Double(idle.nanoseconds) / runCount / 1e6))
        }
    }

    private func runPeer(
        script name: String, pythonVariable: String, venv: String, module: String, signature: Signature?, batches: [Int],
        threads: Int
    ) throws -> PeerReport {
        var arguments = [module, "--runs", String(runs), "--threads", String(threads), "--signature",
                         signature?.name ?? self.signature, "--json"]
        if let output = signature?.defaultOutputKey, output != "default" { arguments += ["--output", output] }
        for batch in batches { arguments += ["--batch", String(batch)] }
        if name == "bench_tf.py" {
            for tag in self.module.tagSet.sorted() { arguments += ["--tags", tag] }
        }
        return try runPeerScript(name, pythonVariable: pythonVariable, venv: venv, arguments: arguments)
    }

    /// Runs a peer script of the scripts folder with its venv's Python and decodes the JSON it prints.
    func runPeerScript<Report: Decodable>(
        _ name: String, pythonVariable: String, venv: String, arguments scriptArguments: [String]
    ) throws -> Report {
        let (scripts, origin) = try PeerScripts.folder(option: peerScripts)
        let script = scripts.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: script.path) else {
            throw ValidationError("\(name) is not in \(scripts.path) (the folder from \(origin))")
        }
        let bundledPython = scripts.deletingLastPathComponent().appendingPathComponent("\(venv)/bin/python").path
        let python = ProcessInfo.processInfo.environment[pythonVariable].flatMap { $0.isEmpty ? nil : $0 }
            ?? (FileManager.default.isExecutableFile(atPath: bundledPython) ? bundledPython : "python3")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")  // finds a bare `python3` on PATH
        process.arguments = [python, script.path] + scriptArguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch {
            throw ValidationError("cannot start \(python) for \(name) (set $\(pythonVariable) to a Python with its packages)")
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("\(name) failed (exit \(process.terminationStatus)) with \(python); is its venv installed? (set $\(pythonVariable))")
        }
        do { return try JSONDecoder().decode(Report.self, from: data) } catch {
            throw ValidationError("\(name) printed no benchmark report (JSON expected): \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
    }
}

/// `tfhub bench --json`.
private struct BenchReport: Encodable {
    let command: String
    let threads: Int
    let runs: Int
    let rewrites: Bool
    let ours: PeerReport
    let peers: [String: PeerReport]
}

/// The JSON report of scripts/bench_tf.py and scripts/bench_ort.py (and ours, in `--json`).
private struct PeerReport: Codable {
    var command: String = ""
    struct Batch: Codable {
        let batch: Int
        let median_ms: Double
        let images_per_second: Double
        /// The fastest of the timed runs (ours only; a steadier figure on a loaded machine than the median).
        var fastest_ms: Double? = nil
    }
    var load_seconds: Double
    var batches: [Batch]
    var peak_rss_bytes: Int
    var max_rel_diff_vs_tf: Double? = nil
    var conversion_seconds: Double? = nil
}

/// The benchmark and test input: x[i] = ((i * 2654435761 + 12345) mod 2^32 >> 8) / 2^24 over the flat
/// `[batch, height, width, 3]` tensor.
func formulaImages(batch: Int, height: Int, width: Int) -> Tensor {
    Tensor(shape: [batch, height, width, 3], of: Float.self) { out in
        for i in 0..<out.count {
            out[i] = Float((UInt32(truncatingIfNeeded: i) &* 2_654_435_761 &+ 12345) >> 8) / 16_777_216
        }
    }
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func peakRSSBytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024
}
