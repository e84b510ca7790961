import Foundation
import Kernels
import Tensors

// Micro-benchmark of the conv / depthwise / GEMM kernels on NASNet-A mobile layer shapes, with
// TensorFlow's time for the same op and shape side by side (`--python PATH` runs scripts/bench_kernels_tf.py).
//
//   scripts/bench-kernels [runs] [--backends avx2,avx512]      (builds, then runs with the oracle venv)
//   .build/release/kernel-bench --threads 1,2 --runs 7 --python .venv-oracle/bin/python --backends avx2,avx512
// --only TEXT keeps the layers whose name contains TEXT; --iterations N makes exactly N calls per layer (for
// `valgrind --tool=callgrind` instruction counts; valgrind lacks AVX-512, so it measures the AVX2 path).

// MARK: - Arguments

struct Arguments {
    var threads = [1, 2]
    var runs = 7
    var python: String?
    var backends: [KernelBackend] = [.best]
    /// Fixed call count instead of timing (for `valgrind --tool=callgrind` instruction counts).
    var iterations: Int?
    var only: String?
    /// `--fastest`: the fastest run instead of the median (less sensitive to other processes on a shared machine).
    var fastest = false

    init(_ args: [String]) throws {
        var i = 1
        func value() throws -> String {
            i += 1
            guard i < args.count else { throw BenchmarkError("missing value after \(args[i - 1])") }
            return args[i]
        }
        while i < args.count {
            switch args[i] {
            case "--threads": threads = try value().split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }
            case "--runs": runs = max(1, Int(try value()) ?? 7)
            case "--python": python = try value()
            case "--all-backends": backends = KernelBackend.allCases.filter(\.isAvailable)
            case "--backends":
                let names = try value().split(separator: ",").map(String.init)
                backends = KernelBackend.allCases.filter { names.contains($0.description) && $0.isAvailable }
                guard !backends.isEmpty else { throw BenchmarkError("no available backend among \(names)") }
            case "--iterations": iterations = Int(try value())
            case "--only": only = try value()
            case "--fastest": fastest = true
            default:
                throw BenchmarkError(
                    "unknown argument \(args[i]); use --threads 1,2 --runs N --python PATH --all-backends --backends avx2,avx512 --only TEXT --iterations N")
            }
            i += 1
        }
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

// MARK: - Timing

/// Set by `--iterations`: call each kernel exactly this many times and report the mean.
nonisolated(unsafe) var fixedIterations: Int?
/// Set by `--fastest`: report the fastest run instead of the median.
nonisolated(unsafe) var reportFastest = false

/// Median seconds per call over `runs` runs; each run repeats the call until it has taken >= 50 ms.
func medianSeconds(runs: Int, _ body: () throws -> Void) rethrows -> Double {
    if let n = fixedIterations {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<n { try body() }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(max(n, 1))
    }
    try body()  // warm-up
    var samples: [Double] = []
    for _ in 0..<runs {
        var iterations = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed: UInt64 = 0
        repeat {
            try body()
            iterations += 1
            elapsed = DispatchTime.now().uptimeNanoseconds - start
        } while elapsed < (reportFastest ? 5_000_000 : 50_000_000)
        samples.append(Double(elapsed) / 1e9 / Double(iterations))
    }
    return reportFastest ? samples.min()! : samples.sorted()[samples.count / 2]
}

func ourSeconds(_ layer: BenchmarkLayer, options: KernelOptions, runs: Int) throws -> Double {
    let input = randomTensor(layer.input, seed: 1), filter = randomTensor(layer.filter, seed: 2)
    switch layer.kind {
    case .conv:
        let geometry = try layer.convGeometry()
        let packed = try PackedMatrix(convolutionFilter: filter)
        return try medianSeconds(runs: runs) { _ = try conv2D(input, filter: packed, geometry: geometry, options: options) }
    case .depthwise:
        let geometry = try layer.depthwiseGeometry()
        return try medianSeconds(runs: runs) { _ = try depthwiseConv2D(input, filter: filter, geometry: geometry, options: options) }
    case .matmul:
        let packed = try PackedMatrix(matrix: filter)
        return try medianSeconds(runs: runs) { _ = try matMul(input, packed: packed, options: options) }
    case .avgpool, .maxpool:
        let geometry = try layer.poolGeometry()
        let mode: PoolingMode = layer.kind == .avgpool ? .average : .max
        return try medianSeconds(runs: runs) { _ = try pool2D(input, mode: mode, geometry: geometry, options: options) }
    case .add:
        return try medianSeconds(runs: runs) { _ = try binary(.add, input, filter) }
    case .relu:
        return try medianSeconds(runs: runs) { _ = try unary(.relu, input) }
    case .batchnorm:
        let v = Tensor(shape: Shape(layer.filter), scalars: [Float](repeating: 0.5, count: layer.filter[0]))
        return try medianSeconds(runs: runs) {
            _ = try batchNormInference(input, scale: v, offset: v, mean: v, variance: v, epsilon: 0.001, options: options)
        }
    }
}

func randomTensor(_ dims: [Int], seed: UInt64) -> Tensor {
    var state = seed
    return Tensor(shape: Shape(dims), of: Float.self) { out in
        for i in 0..<out.count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            out[i] = Float(Int64(bitPattern: state >> 11) % 2000) / 1000 - 1
        }
    }
}

// MARK: - TensorFlow

/// Runs scripts/bench_kernels_tf.py once per thread count; returns seconds by layer name per thread count.
func tensorFlowSeconds(python: String, threads: [Int], runs: Int) throws -> [Int: [String: Double]] {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/bench_kernels_tf.py")
    let spec = FileManager.default.temporaryDirectory.appendingPathComponent("kernel-bench-\(getpid()).json")
    try JSONEncoder().encode(nasnetLayers).write(to: spec)
    defer { try? FileManager.default.removeItem(at: spec) }
    var result: [Int: [String: Double]] = [:]
    for t in threads {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script.path, spec.path, String(t), String(runs)]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let line = String(data: data, encoding: .utf8)?.split(separator: "\n").last,
              let decoded = try? JSONDecoder().decode([String: Double].self, from: Data(line.utf8))
        else { throw BenchmarkError("\(python) \(script.path) failed (status \(process.terminationStatus))") }
        result[t] = decoded
    }
    return result
}

// MARK: - Main

do {
    let args = try Arguments(CommandLine.arguments)
    fixedIterations = args.iterations
    reportFastest = args.fastest
    let layers = nasnetLayers.filter { args.only == nil || $0.name.contains(args.only ?? "") }
    print("command: \(CommandLine.arguments.joined(separator: " "))")
    print("backend: \(args.backends.map(\.description).joined(separator: ", ")); \(args.fastest ? "fastest" : "median") of \(args.runs) runs\(args.fastest ? " of >= 5 ms" : ""); GFLOP/s (ms)")
    let tf = try args.python.map { try tensorFlowSeconds(python: $0, threads: args.threads, runs: args.runs) }
    var header = "layer".padding(toLength: 34, withPad: " ", startingAt: 0) + "MFLOP".leftPadded(8)
    for backend in args.backends { for t in args.threads { header += "\(backend) \(t)T".leftPadded(20) } }
    if tf != nil { for t in args.threads { header += "TF \(t)T".leftPadded(20) } }
    print(header)
    func cell(_ flops: Double, _ seconds: Double) -> String {
        String(format: "%.1f (%.3f)", flops / seconds / 1e9, seconds * 1e3).leftPadded(20)
    }
    for layer in layers {
        var line = layer.name.padding(toLength: 34, withPad: " ", startingAt: 0) + String(format: "%.1f", layer.flops / 1e6).leftPadded(8)
        for backend in args.backends {
            for t in args.threads {
                line += cell(layer.flops, try ourSeconds(layer, options: KernelOptions(threads: t, backend: backend, pool: WorkerPool(threads: t)), runs: args.runs))
            }
        }
        if let tf { for t in args.threads { line += tf[t]?[layer.name].map { cell(layer.flops, $0) } ?? "-".leftPadded(20) } }
        print(line)
    }
} catch {
    FileHandle.standardError.write(Data("kernel-bench: \(error)\n".utf8))
    exit(1)
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? " " + self : String(repeating: " ", count: width - count) + self }
}
