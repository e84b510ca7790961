import CKernels
import Dispatch
import Foundation
import Testing

// MARK: - The kernels' fork-join pool (ck_parallel_for)

/// Counts how often each index ran: one cell per index, so tasks on different threads never write the
/// same cell; checked after the loop returns.
private final class Tally: @unchecked Sendable {
    var counts: [Int]
    var nestedCounts: [Int]
    init(_ count: Int) {
        counts = [Int](repeating: 0, count: count)
        nestedCounts = [Int](repeating: 0, count: count * 3)
    }
}

@Test(arguments: [1, 2, 3, 8])
func everyIndexRunsExactlyOnce(threads: Int) {
    for count in [1, 2, 7, 64, 1000] {
        for _ in 0..<50 {
            let tally = Tally(count)
            tally.counts.withUnsafeMutableBufferPointer { cells in
                ck_parallel_for(count, Int32(threads), { context, index in
                    context!.assumingMemoryBound(to: Int.self)[index] += 1
                }, cells.baseAddress)
            }
            #expect(tally.counts == [Int](repeating: 1, count: count), "\(threads) threads, \(count) tasks")
        }
    }
}

@Test func aLoopStartedInsideATaskRunsOnThatTask() {
    let tally = Tally(16)
    tally.nestedCounts.withUnsafeMutableBufferPointer { cells in
        var context = (cells.baseAddress!, 3)
        withUnsafeMutablePointer(to: &context) { pointer in
            ck_parallel_for(16, 2, { outer, index in
                let (cells, width) = outer!.assumingMemoryBound(to: (UnsafeMutablePointer<Int>, Int).self).pointee
                let row = cells + index * width
                ck_parallel_for(width, 2, { inner, j in inner!.assumingMemoryBound(to: Int.self)[j] += 1 }, row)
            }, pointer)
        }
    }
    #expect(tally.nestedCounts == [Int](repeating: 1, count: 48))
}

@Test func loopsFromSeveralThreadsAtOnceAllComplete() {
    let callers = 4, count = 257
    let tallies = (0..<callers).map { _ in Tally(count) }
    DispatchQueue.concurrentPerform(iterations: callers) { caller in
        for _ in 0..<200 {
            tallies[caller].counts.withUnsafeMutableBufferPointer { cells in
                ck_parallel_for(count, 2, { context, index in context!.assumingMemoryBound(to: Int.self)[index] += 1 }, cells.baseAddress)
            }
        }
    }
    for tally in tallies { #expect(tally.counts == [Int](repeating: 200, count: count)) }
}
