import Synchronization

/// Idle execution contexts of one thread budget, lent to one call at a time: each call that runs at
/// the same time as others gets a context (and so worker threads) of its own, and a finished call's
/// context is kept for the next one, so its pool's workers are not started again. Owned by whatever
/// serves calls (a `Module`); nothing here is process-wide.
public final class ExecutionContextPool: Sendable {
    /// Threads of every context lent.
    public let threads: Int
    private let idle = Mutex<[ExecutionContext]>([])
    /// Contexts kept when calls return (more concurrent calls get fresh ones, released afterwards).
    private let capacity: Int

    public init(threads: Int, capacity: Int = 8) {
        self.threads = max(1, threads)
        self.capacity = max(1, capacity)
    }

    /// Runs `body` with a context no other call is using.
    public func withContext<R>(_ body: (ExecutionContext) throws -> R) rethrows -> R {
        let context = idle.withLock { $0.popLast() } ?? ExecutionContext(threads: threads)
        defer { idle.withLock { if $0.count < capacity { $0.append(context) } } }
        return try body(context)
    }
}
