import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fork-join pool of worker threads (`ck_pool`) that kernels split their loops over, and that callers
/// such as the interpreter use to run independent plan steps at once.
///
/// Pools are independent: two calls, each with its own pool, run their loops at the same time. A pool
/// runs one loop at a time; a loop started while it is busy (from inside a task, or from another
/// thread) runs on its calling thread alone. Workers start on first use, spin a few microseconds after
/// a loop and then sleep, and are joined when the pool is released.
public final class WorkerPool: @unchecked Sendable {  // `ck_pool` is thread-safe; `handle` never changes.
    private let handle: OpaquePointer
    /// Threads a loop may use, the calling thread included.
    public let threadCount: Int

    /// A pool whose loops use up to `threads` threads, the calling thread included (`threads - 1` workers).
    public init(threads: Int) {
        let count = min(max(1, threads), 256)
        guard let pool = ck_pool_create(Int32(count)) else { fatalError("out of memory creating a worker pool") }
        handle = pool
        threadCount = count
    }

    deinit { ck_pool_destroy(handle) }

    /// Calls `body(i)` for every `i` in `0..<count`, on up to `threads` threads at once (the calling
    /// thread included; at most `threadCount`), and returns when all calls have returned.
    public func forEach(_ count: Int, threads: Int? = nil, _ body: (Int) -> Void) {
        guard count > 0 else { return }
        let threads = min(threads ?? threadCount, threadCount)
        if threads <= 1 || count == 1 {
            for index in 0..<count { body(index) }
            return
        }
        withoutActuallyEscaping(body) { body in
            var task = body
            withUnsafeMutablePointer(to: &task) { pointer in
                ck_pool_parallel_for(handle, count, Int32(clamping: threads), { context, index in
                    context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(index)
                }, pointer)
            }
        }
    }

    /// One round of a busy-wait: tells the CPU the caller is spinning (x86 `pause`) and, every
    /// `spinsPerYield` rounds (counted in `spins`), gives the processor to another thread, so a waiter
    /// does not hold a core the thread it waits for needs on a loaded machine.
    @inline(__always) public static func relax(_ spins: inout Int) {
        spins += 1
        if spins % spinsPerYield == 0 { sched_yield() } else { ck_cpu_relax() }
    }

    static let spinsPerYield = 256
}
