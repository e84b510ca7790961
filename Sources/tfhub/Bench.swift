import ArgumentParser
import Foundation
import Tensors
import TensorFlowHub

/// `tfhub bench`: latency, throughput, load time and peak memory, optionally next to TensorFlow.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmark a module: load time, median latency and throughput per batch size, peak RSS.",
        discussion: """
            With --compare-tf, runs scripts/bench_tf.py (TensorFlow 2.21 + tensorflow_hub 0.15 from \
            $PYTHON or .venv-oracle) on the same module, inputs and thread count in the same run and prints \
            both side by side. Inputs: x[i] = ((i * 2654435761 + 12345) mod 2^32 >> 8) / 2^24.
            """)

    @Argument(help: "Module handle (default: the shipped NASNet-A mobile module).")
    var handle: String?

    @OptionGroup var module: ModuleOptions

    @Option(name: .customLong("batch"), help: "Batch size (repeatable; default 1 and 32).")
    var batches: [Int] = []

    @Option(help: "Timed runs per batch size, after one warm-up run.")
    var runs = 10

    @Option(help: "Worker threads for the kernels (sets TFHUB_NUM_THREADS).")
    var threads: Int?

    @Option(help: "Signature to run.")
    var signature = "default"

    @Flag(help: "Also run TensorFlow on the same module in the same run (needs the oracle venv).")
    var compareTf = false

    func run() throws {
        if let threads { setenv("TFHUB_NUM_THREADS", String(threads), 1) }
        let sizes = batches.isEmpty ? [1, 32] : batches
        let moduleHandle = try handle ?? DefaultModule.handle()

        let loadStart = Date()
        let loaded = try Module(handle: moduleHandle, tags: module.tagSet)
        let (height, width) = try loaded.getExpectedImageSize(signature: signature)
        let inputs = Dictionary(uniqueKeysWithValues: sizes.map { ($0, formulaImages(batch: $0, height: height, width: width)) })
        _ = try loaded(inputs[sizes[0]]!, signature: signature)
        let loadSeconds = Date().timeIntervalSince(loadStart)

        var ours: [(batch: Int, medianMs: Double)] = []
        for size in sizes {
            let images = inputs[size]!
            _ = try loaded(images, signature: signature)
            var times: [Double] = []
            for _ in 0..<runs {
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try loaded(images, signature: signature)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            ours.append((size, median(times)))
        }
        let ourRSS = peakRSSBytes()

        let threadCount = threads ?? ProcessInfo.processInfo.activeProcessorCount
        var tf: TFReport?
        if compareTf {
            tf = try runTensorFlow(module: loaded.directory.path, batches: sizes, threads: threadCount)
        }

        print("module \(loaded.directory.path), signature '\(signature)', \(height)x\(width), \(threadCount) threads, \(runs) runs per batch (median)")
        print(row("", "tfhub (Swift)", tf == nil ? nil : "TensorFlow 2.21", tf == nil ? nil : "ratio"))
        print(row("load (handle to first result)", String(format: "%.3f s", loadSeconds),
                  tf.map { String(format: "%.3f s", $0.load_seconds) },
                  tf.map { String(format: "%.2fx", loadSeconds / $0.load_seconds) }))
        for (batch, medianMs) in ours {
            let theirs = tf?.batches.first { $0.batch == batch }
            print(row("batch \(batch): median latency", String(format: "%.2f ms", medianMs),
                      theirs.map { String(format: "%.2f ms", $0.median_ms) },
                      theirs.map { String(format: "%.2fx", medianMs / $0.median_ms) }))
            print(row("batch \(batch): throughput", String(format: "%.1f img/s", Double(batch) / medianMs * 1000),
                      theirs.map { String(format: "%.1f img/s", $0.images_per_second) },
                      theirs.map { String(format: "%.2fx", (Double(batch) / medianMs * 1000) / $0.images_per_second) }))
        }
        print(row("peak RSS", formatBytes(ourRSS), tf.map { formatBytes($0.peak_rss_bytes) },
                  tf.map { String(format: "%.2fx", Double(ourRSS) / Double($0.peak_rss_bytes)) }))
        if let tf { print("TensorFlow command: \(tf.command)") }
    }

    private func row(_ label: String, _ ours: String, _ theirs: String?, _ ratio: String?) -> String {
        var line = label.padding(toLength: 34, withPad: " ", startingAt: 0) + ours.padding(toLength: 16, withPad: " ", startingAt: 0)
        if let theirs { line += theirs.padding(toLength: 18, withPad: " ", startingAt: 0) }
        if let ratio { line += ratio }
        return line
    }

    private func runTensorFlow(module: String, batches: [Int], threads: Int) throws -> TFReport {
        let script = try locate("scripts/bench_tf.py")
        let python = ProcessInfo.processInfo.environment["PYTHON"]
            ?? (try? locate(".venv-oracle/bin/python")) ?? "python3"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, module, "--runs", String(runs), "--threads", String(threads),
                             "--signature", signature, "--json"]
            + batches.flatMap { ["--batch", String($0)] } + self.module.tags.flatMap { ["--tags", $0] }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("TensorFlow benchmark failed (exit \(process.terminationStatus)); is the oracle venv installed?")
        }
        return try JSONDecoder().decode(TFReport.self, from: data)
    }

    private func locate(_ relative: String) throws -> String {
        var folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        for _ in 0..<8 {
            let candidate = folder.appendingPathComponent(relative)
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate.path }
            folder.deleteLastPathComponent()
        }
        throw ValidationError("\(relative) not found above the working directory")
    }
}

private struct TFReport: Decodable {
    struct Batch: Decodable {
        let batch: Int
        let median_ms: Double
        let images_per_second: Double
    }
    let command: String
    let load_seconds: Double
    let batches: [Batch]
    let peak_rss_bytes: Int
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
