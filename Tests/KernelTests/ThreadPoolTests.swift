import CKernels
import Dispatch
import Foundation
import Synchronization
import Testing

// MARK: - The kernels' fork-join pools (ck_pool_parallel_for)

/// Counts how often each index ran: one cell per index, so tasks on different threads never write the
/// same cell; checked after the loop returns.
private final class Tally: @unchecked Sendable {  // tasks write disjoint cells; read after the loop
    var counts: [Int]
    var nestedCounts: [Int]
    init(_ count: Int) {
        counts = [Int](repeating: 0, count: count)
        nestedCounts = [Int](repeating: 0, count: count * 3)
    }
}

/// A `ck_pool` for one test, destroyed when it ends.
private final class TestPool: @unchecked Sendable {  // `ck_pool` is thread-safe; `pointer` never changes.
    let pointer: OpaquePointer
    init(threads: Int) { pointer = ck_pool_create(Int32(threads))! }
    deinit { ck_pool_destroy(pointer) }
}

@Test(arguments: [1, 2, 3, 8])
func everyIndexRunsExactlyOnce(threads: Int) {
    let pool = TestPool(threads: threads)
    for count in [1, 2, 7, 64, 1000] {
        for _ in 0..<50 {
            let tally = Tally(count)
            tally.counts.withUnsafeMutableBufferPointer { cells in
                ck_pool_parallel_for(pool.pointer, count, Int32(threads), { context, index in
                    context!.assumingMemoryBound(to: Int.self)[index] += 1
                }, cells.baseAddress)
            }
            #expect(tally.counts == [Int](repeating: 1, count: count), "\(threads) threads, \(count) tasks")
        }
    }
}

@Test func aLoopStartedInsideATaskRunsOnThatTask() {
    let pool = TestPool(threads: 2)
    let tally = Tally(16)
    tally.nestedCounts.withUnsafeMutableBufferPointer { cells in
        var context = (cells.baseAddress!, 3, pool.pointer)
        withUnsafeMutablePointer(to: &context) { pointer in
            ck_pool_parallel_for(pool.pointer, 16, 2, { outer, index in
                let (cells, width, pool) = outer!.assumingMemoryBound(to: (UnsafeMutablePointer<Int>, Int, OpaquePointer).self).pointee
                let row = cells + index * width
                ck_pool_parallel_for(pool, width, 2, { inner, j in inner!.assumingMemoryBound(to: Int.self)[j] += 1 }, row)
            }, pointer)
        }
    }
    #expect(tally.nestedCounts == [Int](repeating: 1, count: 48))
}

@Test func loopsFromSeveralThreadsAtOnceOnOnePoolAllComplete() {
    let pool = TestPool(threads: 2)
    let callers = 4, count = 257
    let tallies = (0..<callers).map { _ in Tally(count) }
    DispatchQueue.concurrentPerform(iterations: callers) { caller in
        for _ in 0..<200 {
            tallies[caller].counts.withUnsafeMutableBufferPointer { cells in
                ck_pool_parallel_for(pool.pointer, count, 2, { context, index in context!.assumingMemoryBound(to: Int.self)[index] += 1 }, cells.baseAddress)
            }
        }
    }
    for tally in tallies { #expect(tally.counts == [Int](repeating: 200, count: count)) }
}

@Test func poolsCreatedAndDestroyedRepeatedlyRunEveryIndex() {
    for threads in [2, 3] {
        for _ in 0..<20 {
            let pool = TestPool(threads: threads)
            let tally = Tally(100)
            tally.counts.withUnsafeMutableBufferPointer { cells in
                ck_pool_parallel_for(pool.pointer, 100, Int32(threads), { context, index in
                    context!.assumingMemoryBound(to: Int.self)[index] += 1
                }, cells.baseAddress)
            }
            #expect(tally.counts == [Int](repeating: 1, count: 100))
        }
    }
}

/// Two pools used from two threads at once both get their workers: each loop records the distinct
/// threads that ran its tasks, and with its own pool a loop runs on more than its calling thread.
@Test func twoPoolsRunTheirLoopsAtTheSameTime() {
    let pools = [TestPool(threads: 2), TestPool(threads: 2)]
    let sawWorker = [Tally(1), Tally(1)]
    DispatchQueue.concurrentPerform(iterations: 2) { caller in
        let pool = pools[caller]
        var context = (pthread_self(), false)
        for _ in 0..<200 where !context.1 {
            withUnsafeMutablePointer(to: &context) { pointer in
                ck_pool_parallel_for(pool.pointer, 64, 2, { context, _ in
                    let state = context!.assumingMemoryBound(to: (pthread_t, Bool).self)
                    // Each task sleeps a little so the worker has time to claim one.
                    usleep(50)
                    if pthread_equal(state.pointee.0, pthread_self()) == 0 { state.pointee.1 = true }
                }, pointer)
            }
        }
        sawWorker[caller].counts[0] = context.1 ? 1 : 0
    }
    #expect(sawWorker.map { $0.counts[0] } == [1, 1])
}

/// What the tasks of `theFirstLoopOfANewPoolRunsOnItsWorkersToo` saw.
private final class FirstLoopProbe: Sendable {
    let secondTaskStarted = Atomic<Bool>(false)
    let threadOfTask = Mutex<[Int: UInt]>([:])
}

/// A pool's first loop gets its workers too: a worker started by that loop joins it (it used to wait for
/// the next loop, so the first one, e.g. `tfhub embed`'s single loop over its threads, ran on the caller
/// alone). Task 0 waits (at most 5 s) for task 1 to start, which then can only run on another thread.
@Test func theFirstLoopOfANewPoolRunsOnItsWorkersToo() {
    for _ in 0..<20 {
        let pool = TestPool(threads: 2)
        let probe = FirstLoopProbe()
        ck_pool_parallel_for(pool.pointer, 2, 2, { context, index in
            let probe = Unmanaged<FirstLoopProbe>.fromOpaque(context!).takeUnretainedValue()
            probe.threadOfTask.withLock { $0[index] = UInt(pthread_self()) }
            if index == 1 {
                probe.secondTaskStarted.store(true, ordering: .releasing)
                return
            }
            let deadline = DispatchTime.now().uptimeNanoseconds + 5_000_000_000
            while !probe.secondTaskStarted.load(ordering: .acquiring) && DispatchTime.now().uptimeNanoseconds < deadline {
                sched_yield()
            }
        }, Unmanaged.passUnretained(probe).toOpaque())
        let threads = probe.threadOfTask.withLock { $0 }
        #expect(threads.count == 2 && threads[0] != threads[1], "task 1 ran on the caller after task 0")
    }
}
