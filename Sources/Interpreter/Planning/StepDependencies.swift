/// Which steps of a plan wait for which, for running steps on several threads as soon as their inputs
/// exist (`ExecutionPlan.run` with more than one thread). Computed once per plan.
struct StepDependencies: Sendable {
    /// For each step, the steps that read one of its outputs, each once.
    let dependents: [[Int]]
    /// For each step, the steps whose outputs it reads, each once (the inverse of `dependents`).
    let producers: [[Int]]
    /// For each step, the distinct slots it reads.
    let readSlots: [[Int]]
    /// For each slot, the number of distinct steps that read it.
    let readerCounts: [Int]
    /// For each slot, whether it stays alive to the end of a run (fetched).
    let keptSlots: [Bool]
    /// For each step, the estimated work from its start to the end of the plan along its longest chain
    /// of dependents (`Step.cost` per step, estimated by its op's builder): ready steps with the longest way still to go run first,
    /// so the critical path starts early.
    let priorities: [Int]
    /// The plan's steps cut into consecutive ranges that run one after another: a serial range holds
    /// steps that nothing can run beside (every other step is an ancestor or a descendant, such as a
    /// network's first convolution), which run with multi-threaded kernels; a parallel range runs in
    /// dataflow order. Ranges are contiguous because the step order is topological.
    let segments: [(steps: Range<Int>, isSerial: Bool)]
    /// For each step, the number of distinct steps of its own segment whose outputs it reads.
    let segmentProducerCounts: [Int]

    init(steps: [ExecutionPlan.Step], slotTypes: [ValueType], fetchSlots: [Int]) {
        var producer = [Int](repeating: -1, count: slotTypes.count)
        for (index, step) in steps.enumerated() { for slot in step.outputs { producer[slot] = index } }
        var dependents = [[Int]](repeating: [], count: steps.count)
        var readSlots = [[Int]](repeating: [], count: steps.count)
        var readerCounts = [Int](repeating: 0, count: slotTypes.count)
        for (index, step) in steps.enumerated() {
            var seenSlots = Set<Int>(), seenProducers = Set<Int>()
            for slot in step.inputs where seenSlots.insert(slot).inserted {
                readSlots[index].append(slot)
                readerCounts[slot] += 1
                let source = producer[slot]
                if source >= 0, seenProducers.insert(source).inserted { dependents[source].append(index) }
            }
        }
        var keptSlots = [Bool](repeating: false, count: slotTypes.count)
        for slot in fetchSlots { keptSlots[slot] = true }
        var priorities = [Int](repeating: 0, count: steps.count)
        for index in steps.indices.reversed() {
            let (sum, overflow) = steps[index].cost.addingReportingOverflow(dependents[index].map { priorities[$0] }.max() ?? 0)
            priorities[index] = overflow ? .max : sum
        }
        let serial = Self.serialSteps(dependents: dependents)
        var segments: [(steps: Range<Int>, isSerial: Bool)] = []
        var start = 0
        while start < steps.count {
            var end = start + 1
            while end < steps.count && serial[end] == serial[start] { end += 1 }
            // A "parallel" range of one step has nothing to run beside it either.
            segments.append((start..<end, serial[start] || end - start == 1))
            start = end
        }
        var segmentOf = [Int](repeating: 0, count: steps.count)
        for (index, segment) in segments.enumerated() { for step in segment.steps { segmentOf[step] = index } }
        var segmentProducerCounts = [Int](repeating: 0, count: steps.count)
        for (step, next) in dependents.enumerated() {
            for reader in next where segmentOf[reader] == segmentOf[step] { segmentProducerCounts[reader] += 1 }
        }
        self.segments = segments
        self.segmentProducerCounts = segmentProducerCounts
        self.dependents = dependents
        var producers = [[Int]](repeating: [], count: steps.count)
        for (step, next) in dependents.enumerated() { for reader in next { producers[reader].append(step) } }
        self.producers = producers
        self.readSlots = readSlots
        self.readerCounts = readerCounts
        self.keptSlots = keptSlots
        self.priorities = priorities
    }

    /// Whether each step is an ancestor or a descendant of every other step (steps in topological order).
    private static func serialSteps(dependents: [[Int]]) -> [Bool] {
        let count = dependents.count
        let words = (count + 63) / 64
        // descendants[i]: bit j set when step j depends on step i, directly or not.
        var descendants = [[UInt64]](repeating: [UInt64](repeating: 0, count: words), count: count)
        var ancestorCounts = [Int](repeating: 0, count: count)
        for step in (0..<count).reversed() {
            var bits = [UInt64](repeating: 0, count: words)
            for next in dependents[step] {
                bits[next / 64] |= 1 << UInt64(next % 64)
                for word in 0..<words { bits[word] |= descendants[next][word] }
            }
            descendants[step] = bits
        }
        for step in 0..<count {
            for word in 0..<words {
                var bits = descendants[step][word]
                while bits != 0 {
                    ancestorCounts[word * 64 + bits.trailingZeroBitCount] += 1
                    bits &= bits - 1
                }
            }
        }
        return (0..<count).map { step in
            let below = descendants[step].reduce(0) { $0 + $1.nonzeroBitCount }
            return ancestorCounts[step] == step && below == count - 1 - step
        }
    }
}
