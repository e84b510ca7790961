import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The kernels' fork-join pool (`ck_parallel_for`), for callers that schedule their own work on it,
/// such as the interpreter running independent plan steps at once.
public enum WorkerPool {
    /// Calls `body(i)` for every `i` in `0..<count`, on up to `threads` threads at once (the calling
    /// thread included), and returns when all calls have returned. While it runs, kernels called from
    /// `body` with several threads run on their calling thread (the pool runs one loop at a time).
    public static func forEach(_ count: Int, threads: Int, _ body: (Int) -> Void) {
        guard count > 0 else { return }
        withoutActuallyEscaping(body) { body in
            var task = body
            withUnsafeMutablePointer(to: &task) { pointer in
                ck_parallel_for(count, Int32(clamping: threads), { context, index in
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
