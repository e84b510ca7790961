import Kernels
import Tensors

/// What one run of a plan may use: a thread budget, the worker pool that lends the threads, the
/// kernels' instruction set, and the recycler that reuses the memory of freed step results. Passed to
/// every run (`ExecutionPlan.run`, `Graph.run`); nothing is ambient, so two runs with two contexts on two
/// threads run at the same time, each on its own threads.
///
/// A context is used by one run at a time (its pool runs one loop at a time; a second run on the same
/// context at once would run its kernels on one thread). Contexts are cheap to keep: the pool's workers
/// start on first use and sleep when idle.
public struct ExecutionContext: Sendable {
    /// Threads a run may use, the calling thread included.
    public let threads: Int
    /// The pool lending `threads - 1` workers; `nil` when `threads` is 1.
    public let pool: WorkerPool?
    /// The kernels' instruction set.
    public let backend: KernelBackend
    /// Keeps the memory of freed step results for the next results of the same size (this run's and
    /// the next runs'); `nil` allocates from the system every time.
    public let recycler: StorageRecycler?

    /// A context with its own pool of `threads - 1` workers.
    ///
    /// - Parameters:
    ///   - threads: the thread budget (default: `TFHUB_NUM_THREADS`, else the active processor count).
    ///   - backend: the kernels' instruction set (default: the best this CPU has).
    ///   - recycler: reuses freed result memory (default: a recycler of its own, 4 GiB of free blocks at
    ///     most); `nil` allocates from the system for every result.
    public init(threads: Int = PlanOptions.defaultThreadCount, backend: KernelBackend = .best,
                recycler: StorageRecycler? = StorageRecycler()) {
        let count = max(1, threads)
        self.init(threads: count, pool: count > 1 ? WorkerPool(threads: count) : nil, backend: backend,
                  recycler: recycler)
    }

    /// A context on an existing pool (its thread count caps `threads`).
    public init(threads: Int, pool: WorkerPool?, backend: KernelBackend = .best,
                recycler: StorageRecycler? = StorageRecycler()) {
        self.threads = pool.map { min(max(1, threads), $0.threadCount) } ?? 1
        self.pool = self.threads > 1 ? pool : nil
        self.backend = backend
        self.recycler = recycler
    }

    /// One thread, no pool, no recycler (shared by every caller that passes no context).
    public static let singleThreaded = ExecutionContext(threads: 1, recycler: nil)

    /// Kernels split over every thread of the context.
    var kernelOptions: KernelOptions { KernelOptions(threads: threads, backend: backend, pool: pool, recycler: recycler) }

    /// Kernels on the calling thread alone (steps that run beside others, micro-batches).
    var singleThreadKernelOptions: KernelOptions { KernelOptions(threads: 1, backend: backend, recycler: recycler) }
}
