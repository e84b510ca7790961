import Foundation
import Kernels

/// How a graph is planned, and the thread budget of the contexts made for runs that are given none.
public struct PlanOptions: Hashable, Sendable {
    /// Threads a run may use when the caller passes no `ExecutionContext` (at least 1). Plans do not
    /// depend on it: a run takes its threads from its context.
    public var threads: Int
    /// Whether the planner rewrites the graph for inference first (variables frozen into constants,
    /// batch norm folded into convolutions, bias and ReLU fused into convolution epilogues, identities
    /// dropped, duplicate nodes merged). The rewrites keep TensorFlow's semantics; `false` plans the
    /// graph node by node, as written, with variables read from the run's variable store (what
    /// gradients and training need).
    public var optimize: Bool
    /// Largest number of examples `Graph.run` passes through a plan at once when the plan keeps examples
    /// apart (`ExecutionPlan.separableBatch`): a batch of 32 images runs as sixteen batches of 2 through
    /// a plan made for 2, whose activations stay in cache, with the same results row for row. With
    /// `threads > 1` the micro-batches run on `threads` threads at once, one whole micro-batch per
    /// thread (see `MicroBatchSchedule`). 0 disables.
    /// (NASNet-A mobile, batch 32, 2 threads, this machine: micro-batches of 1, 2, 3, 4 and 8 gave
    /// about 159, 172, 159, 156 and 149 images/s, peak RSS growing with the micro-batch.)
    public var microBatch: Int
    /// Whether an optimized plan keeps the results of its steps in one block of memory per run, planned
    /// from liveness (`ArenaLayout`), instead of each step allocating its outputs. Plans as written
    /// (`optimize: false`) never do. `false` is for comparison (`tfhub bench --no-arena`).
    public var arena: Bool

    public init(threads: Int = PlanOptions.defaultThreadCount, optimize: Bool = true, microBatch: Int = 2, arena: Bool = true) {
        self.threads = max(1, threads)
        self.optimize = optimize
        self.microBatch = max(0, microBatch)
        self.arena = arena
    }

    /// `TFHUB_NUM_THREADS` when it is set to a positive integer, else the active processor count.
    public static var defaultThreadCount: Int {
        if let text = ProcessInfo.processInfo.environment["TFHUB_NUM_THREADS"], let value = Int(text), value > 0 {
            return min(value, 256)
        }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }
}

