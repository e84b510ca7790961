import Dispatch
import Foundation
import TensorFlowHubTraining
#if canImport(Glibc)
import Glibc
#endif

/// The module folder `tfhub finetune` writes, checked before training starts (the export itself writes a
/// temporary folder beside it and renames it into place at the end).
struct ModuleDestination {
    let url: URL
    let overwrite: Bool

    struct Problem: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "cannot write the module to \(path): \(reason)" }
    }

    init(checking path: String, overwrite: Bool) throws {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let parent = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw Problem(path: path, reason: "the folder \(parent) does not exist")
        }
        guard access(parent, W_OK) == 0 else { throw Problem(path: path, reason: "the folder \(parent) is not writable") }
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw Problem(path: path, reason: "it is a file") }
            guard overwrite else { throw Problem(path: path, reason: "it exists; pass --overwrite to replace it") }
        }
        self.init(url: url, overwrite: overwrite)
    }

    private init(url: URL, overwrite: Bool) {
        self.url = url
        self.overwrite = overwrite
    }
}

/// `--metrics-out`: one JSON object per line, flushed as it goes so a reader can follow the run.
final class MetricsLog {
    enum Value {
        case int(Int)
        case float(Double)
    }

    private let handle: FileHandle?
    let path: String?

    init(file: OutputFile?) throws {
        path = file?.path
        guard let file else {
            handle = nil
            return
        }
        guard FileManager.default.createFile(atPath: file.path, contents: nil), let opened = FileHandle(forWritingAtPath: file.path) else {
            throw OutputFile.Problem(path: file.path, reason: "cannot create it")
        }
        handle = opened
    }

    deinit { try? handle?.close() }

    /// Appends `{"key": value, ...}` with keys in the order given.
    func append(_ fields: KeyValuePairs<String, Value>) throws {
        guard let handle else { return }
        let body = fields.map { key, value -> String in
            switch value {
            case .int(let number): return "\"\(key)\": \(number)"
            case .float(let number): return "\"\(key)\": " + (number.isFinite ? "\(number)" : "null")
            }
        }.joined(separator: ", ")
        do { try handle.write(contentsOf: Data(("{" + body + "}\n").utf8)) } catch {
            throw OutputFile.Problem(path: path ?? "?", reason: "\(error)")
        }
    }
}

/// A one-line progress bar with the step, the loss and images/s, on standard error when it is a terminal.
final class TrainingProgress {
    private let totalSteps: Int
    private let batchSize: Int
    private var done = 0
    private let enabled = isatty(STDERR_FILENO) == 1
    private let started = DispatchTime.now()

    init(totalSteps: Int, batchSize: Int) {
        self.totalSteps = totalSteps
        self.batchSize = batchSize
    }

    func advance(loss: Float) {
        done += 1
        guard enabled else { return }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        let width = 24
        let filled = width * done / max(totalSteps, 1)
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = String(format: "\r\u{1B}[K[%@] step %d/%d  loss %.4f  %.1f img/s", bar, done, totalSteps, loss,
                          Double(done * batchSize) / max(seconds, 1e-6))
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Prints a line above the bar.
    func note(_ text: String) {
        FileHandle.standardError.write(Data(((enabled ? "\r\u{1B}[K" : "") + text + "\n").utf8))
    }

    func finish() {
        if enabled && done > 0 { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

/// Decodes the next step's images on another thread while the current step runs.
struct BatchPrefetch {
    let schedule: TrainingSchedule
    let loader: ImageBatchLoader
    let seed: UInt64
    private var pending: (DispatchSemaphore, ResultBox)?

    init(schedule: TrainingSchedule, loader: ImageBatchLoader, seed: UInt64) {
        self.schedule = schedule
        self.loader = loader
        self.seed = seed
    }

    final class ResultBox: @unchecked Sendable {  // written by the loading thread before it signals, read after the wait
        var result: Result<Tensor, any Error> = .failure(CancellationError())
    }

    mutating func start(step: Int) {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox()
        let (schedule, loader, seed) = (schedule, loader, seed)
        DispatchQueue.global().async {
            box.result = Result { try loader.load(schedule.batch(step), seed: seed &+ UInt64(step) &* 0x2545_F491_4F6C_DD1D) }
            done.signal()
        }
        pending = (done, box)
    }

    mutating func take() throws -> Tensor {
        guard let (done, box) = pending else { throw CancellationError() }
        done.wait()
        pending = nil
        return try box.result.get()
    }
}
