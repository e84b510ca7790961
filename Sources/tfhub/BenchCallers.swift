import Foundation
import Interpreter
import Synchronization
import TensorFlowHub
import Tensors

/// `tfhub bench --callers N`: throughput of N callers running one `Module` at the same time, each on
/// its own thread with its own `ExecutionContext` of `--threads` threads, next to one caller alone, in
/// the same run; every concurrent output is compared with the serial one, bit for bit.
struct ConcurrentCallersBenchmark {
    let module: Module
    let signature: String
    let images: Tensor
    let callers: Int
    let threads: Int
    let runs: Int

    struct Result {
        let serialImagesPerSecond: Double
        let concurrentImagesPerSecond: Double
        let identical: Bool
    }

    func measure() throws -> Result {
        let reference = try module(images, signature: signature, context: ExecutionContext(threads: threads))
        let referenceBytes = bytes(of: reference)
        let batch = images.shape[0]

        // One caller alone.
        let single = ExecutionContext(threads: threads)
        _ = try module(images, signature: signature, context: single)
        let serialStart = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<runs { _ = try module(images, signature: signature, context: single) }
        let serialSeconds = Double(DispatchTime.now().uptimeNanoseconds - serialStart) / 1e9

        // `callers` callers at once, each with its own context, each as many runs as the one above.
        let contexts = (0..<callers).map { _ in ExecutionContext(threads: threads) }
        for context in contexts { _ = try module(images, signature: signature, context: context) }
        let outcome = CallerOutcomes(count: callers)
        let start = DispatchTime.now().uptimeNanoseconds
        let group = DispatchGroup()
        for caller in 0..<callers {
            group.enter()
            let thread = Thread { [module, signature, images, runs] in
                defer { group.leave() }
                do {
                    var same = true
                    for _ in 0..<runs {
                        let output = try module(images, signature: signature, context: contexts[caller])
                        same = same && bytes(of: output) == referenceBytes
                    }
                    outcome.record(caller, identical: same)
                } catch {
                    outcome.record(caller, error: error)
                }
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
        let concurrentSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if let error = outcome.firstError { throw error }
        return Result(
            serialImagesPerSecond: Double(runs * batch) / serialSeconds,
            concurrentImagesPerSecond: Double(callers * runs * batch) / concurrentSeconds,
            identical: outcome.allIdentical)
    }
}

private func bytes(of tensor: Tensor) -> [UInt8] { tensor.withUnsafeBytes { Array($0) } }

/// What each caller thread saw.
private final class CallerOutcomes: Sendable {
    private let identical: Mutex<[Bool]>
    private let errors = Mutex<[any Error]>([])

    init(count: Int) { identical = Mutex([Bool](repeating: false, count: count)) }

    func record(_ caller: Int, identical same: Bool) { identical.withLock { $0[caller] = same } }
    func record(_ caller: Int, error: any Error) { errors.withLock { $0.append(error) } }

    var allIdentical: Bool { identical.withLock { $0.allSatisfy { $0 } } }
    var firstError: (any Error)? { errors.withLock { $0.first } }
}
