import Foundation
import Kernels
import Synchronization
import Tensors

/// One run of a plan on several threads, segment by segment (`StepDependencies.segments`): a serial
/// segment's steps run on the calling thread with kernels split over all threads; in a parallel
/// segment each thread takes the ready step with the highest priority (`StepDependencies.priorities`),
/// runs it with a single-threaded kernel, and makes ready the steps that were waiting only for it.
/// Slots are released when their last reader is done. The first error stops the run.
/// `@unchecked Sendable`: the scheduling fields are guarded by `lock`; each value slot is written by its one
/// producing step before any reader of it is made ready, and released by the last reader.
final class DataflowRun: @unchecked Sendable {
    private let plan: ExecutionPlan
    private let values: UnsafeMutablePointer<Tensor?>
    private let arena: Arena?
    private let profile: PlanProfile?
    private let lock = SpinLock()
    // Guarded by `lock` while a parallel segment runs:
    private var ready: [Int] = []
    private var waitingProducers: [Int]
    private var remainingReaders: [Int]
    private var segment: Range<Int> = 0..<0
    private var finished = 0
    private var failure: (any Error)?
    /// The thread (task index of the segment's loop) each step ran on, -1 before it runs.
    private var ranOn: [Int]
    /// Ready steps plus 1 once the segment is over (finished or failed): idle threads spin on it without
    /// taking the lock.
    private let available = Atomic<Int>(0)

    init(plan: ExecutionPlan, values: UnsafeMutablePointer<Tensor?>, arena: Arena?, profile: PlanProfile?) {
        self.plan = plan
        self.values = values
        self.arena = arena
        self.profile = profile
        waitingProducers = plan.dependencies.segmentProducerCounts
        remainingReaders = plan.dependencies.readerCounts
        ranOn = Array(repeating: -1, count: plan.steps.count)
    }

    /// Runs every segment on the threads of `context` (`pool` is its pool).
    func run(context: ExecutionContext, pool: WorkerPool, runIndex: UInt64 = 0) throws {
        let threads = context.threads
        var shared = context.kernelOptions, single = context.singleThreadKernelOptions
        shared.runIndex = runIndex
        single.runIndex = runIndex
        for (steps, isSerial) in plan.dependencies.segments {
            segment = steps
            finished = 0
            if isSerial {
                for step in steps {
                    try plan.execute(plan.steps[step], values: values, arena: arena, options: shared, profile: profile)
                    var released: [Tensor?] = []
                    complete(step, releasing: &released)
                }
            } else {
                ready = steps.filter { waitingProducers[$0] == 0 }
                available.store(ready.count, ordering: .releasing)
                pool.forEach(threads, threads: threads) { thread in self.work(thread: thread, options: single) }
                if let failure { throw failure }
            }
        }
    }

    private func work(thread: Int, options: KernelOptions) {
        let steps = plan.steps
        // With a profile: the time this thread waits for a ready step (none ready, or the lock).
        var waitStart = profile == nil ? 0 : DispatchTime.now().uptimeNanoseconds
        while true {
            var spins = 0
            while available.load(ordering: .acquiring) == 0 { WorkerPool.relax(&spins) }
            lock.lock()
            if failure != nil || finished == segment.count {
                lock.unlock()
                if let profile { profile.record(op: PlanProfile.idleEntry, nanoseconds: DispatchTime.now().uptimeNanoseconds &- waitStart) }
                return
            }
            guard let step = takeReady(thread: thread) else {
                lock.unlock()
                continue
            }
            available.subtract(1, ordering: .releasing)
            lock.unlock()
            if let profile {
                let now = DispatchTime.now().uptimeNanoseconds
                profile.record(op: PlanProfile.idleEntry, nanoseconds: now &- waitStart)
                waitStart = now
            }
            do {
                try plan.execute(steps[step], values: values, arena: arena, options: options, profile: profile)
            } catch {
                lock.withLock {
                    if failure == nil { failure = error }
                    available.add(1, ordering: .releasing)
                }
                return
            }
            var released: [Tensor?] = []
            lock.withLock { complete(step, releasing: &released) }
            released.removeAll()  // frees the released tensors outside the lock
            if profile != nil { waitStart = DispatchTime.now().uptimeNanoseconds }
        }
    }

    /// Books `step` as done: readies the steps of its segment that waited only for it, and takes out
    /// of `values` (into `released`) the slots nothing will read any more. Call with `lock` held
    /// during a parallel segment.
    private func complete(_ step: Int, releasing released: inout [Tensor?]) {
        let dependencies = plan.dependencies
        finished += 1
        var newlyReady = 0
        for next in dependencies.dependents[step] where segment.contains(next) {
            waitingProducers[next] -= 1
            if waitingProducers[next] == 0 {
                ready.append(next)
                newlyReady += 1
            }
        }
        for slot in dependencies.readSlots[step] {
            remainingReaders[slot] -= 1
            if remainingReaders[slot] == 0 && !dependencies.keptSlots[slot] {
                released.append(values[slot])
                values[slot] = nil
            }
        }
        if finished == segment.count { newlyReady += 1 }
        if newlyReady > 0 { available.add(newlyReady, ordering: .releasing) }
    }

    /// Removes and returns the ready step to run next on `thread`: the one with the highest priority among
    /// those whose input was computed on this thread (it is still in this core's cache), else the one with
    /// the highest priority. Call with `lock` held.
    private func takeReady(thread: Int) -> Int? {
        guard !ready.isEmpty else { return nil }
        let priorities = plan.dependencies.priorities
        let producers = plan.dependencies.producers
        var best = 0, bestLocal = -1
        for index in ready.indices {
            let step = ready[index]
            if index > 0 && priorities[step] > priorities[ready[best]] { best = index }
            if producers[step].contains(where: { ranOn[$0] == thread }),
               bestLocal < 0 || priorities[step] > priorities[ready[bestLocal]] {
                bestLocal = index
            }
        }
        let chosen = bestLocal >= 0 ? bestLocal : best
        ready.swapAt(chosen, ready.count - 1)
        let step = ready.removeLast()
        ranOn[step] = thread
        return step
    }
}

/// A lock for critical sections of a few hundred nanoseconds between threads that are all running:
/// a waiting thread spins instead of sleeping in the kernel (a futex wake-up costs tens of
/// microseconds on a virtual machine, more than most plan steps).
final class SpinLock: Sendable {
    private let state = Atomic<Bool>(false)

    func lock() {
        var spins = 0
        while true {
            if !state.load(ordering: .relaxed),
               state.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
                return
            }
            WorkerPool.relax(&spins)
        }
    }

    func unlock() { state.store(false, ordering: .releasing) }

    func withLock<R>(_ body: () throws -> R) rethrows -> R {
        lock()
        defer { unlock() }
        return try body()
    }
}
