/// How `Graph.run` cuts a batch of independent examples into micro-batches and spreads them over
/// worker threads.
///
/// With one worker, micro-batches of at most `microBatch` examples run one after another and each
/// kernel splits its work over the plan's threads. With several workers, each worker runs whole
/// micro-batches on its own thread (kernels single-threaded): NASNet-A's ~1,000 small steps then need
/// no hand-off between threads, which per-kernel splitting pays at every step. The micro-batches are
/// made as even as possible and their count a multiple of the worker count, so the workers finish
/// together and at most two micro-batch sizes (two plans) occur.
public struct MicroBatchSchedule: Equatable, Sendable {
    /// Consecutive ranges of example indices covering `0..<batch`.
    public let ranges: [Range<Int>]
    /// Threads running micro-batches at once (1: one after another).
    public let workers: Int

    /// - Returns: `nil` when the batch runs whole: one example, no micro-batching (`microBatch == 0`),
    ///   or a single micro-batch on a single worker.
    public init?(batch: Int, microBatch: Int, threads: Int) {
        guard batch > 1, microBatch > 0 else { return nil }
        let workers = max(1, min(threads, batch))
        var count = max((batch + microBatch - 1) / microBatch, workers)
        count = min(batch, (count + workers - 1) / workers * workers)
        guard count > 1 else { return nil }
        self.workers = workers
        ranges = (0..<count).map { batch * $0 / count ..< batch * ($0 + 1) / count }
    }

    /// The distinct micro-batch sizes, largest first.
    public var sizes: [Int] { Array(Set(ranges.map(\.count))).sorted(by: >) }
}
