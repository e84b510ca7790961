/// Which steps of a plan wait for which, for running steps on several threads as soon as their inputs
/// exist (`ExecutionPlan.run` with more than one thread). Computed once per plan.
struct StepDependencies: Sendable {
    /// For each step, the steps that read one of its outputs, each once.
    let dependents: [[Int]]
    /// For each step, the number of distinct steps whose outputs it reads.
    let producerCounts: [Int]
    /// For each step, the distinct slots it reads.
    let readSlots: [[Int]]
    /// For each slot, the number of distinct steps that read it.
    let readerCounts: [Int]
    /// For each slot, whether it stays alive to the end of a run (fetched).
    let keptSlots: [Bool]
    /// For each step, the estimated work from its start to the end of the plan along its longest chain
    /// of dependents (output elements as the cost of a step): ready steps with the longest way still to
    /// go run first, so the critical path starts early.
    let priorities: [Int]

    init(steps: [ExecutionPlan.Step], slotTypes: [ValueType], fetchSlots: [Int]) {
        var producer = [Int](repeating: -1, count: slotTypes.count)
        for (index, step) in steps.enumerated() { for slot in step.outputs { producer[slot] = index } }
        var dependents = [[Int]](repeating: [], count: steps.count)
        var producerCounts = [Int](repeating: 0, count: steps.count)
        var readSlots = [[Int]](repeating: [], count: steps.count)
        var readerCounts = [Int](repeating: 0, count: slotTypes.count)
        for (index, step) in steps.enumerated() {
            var seenSlots = Set<Int>(), seenProducers = Set<Int>()
            for slot in step.inputs where seenSlots.insert(slot).inserted {
                readSlots[index].append(slot)
                readerCounts[slot] += 1
                let source = producer[slot]
                if source >= 0, seenProducers.insert(source).inserted {
                    dependents[source].append(index)
                    producerCounts[index] += 1
                }
            }
        }
        var keptSlots = [Bool](repeating: false, count: slotTypes.count)
        for slot in fetchSlots { keptSlots[slot] = true }
        var priorities = [Int](repeating: 0, count: steps.count)
        for index in steps.indices.reversed() {
            let cost = 1 + (steps[index].outputs.first.map { slotTypes[$0].shape.elementCount } ?? 0)
            priorities[index] = cost + (dependents[index].map { priorities[$0] }.max() ?? 0)
        }
        self.dependents = dependents
        self.producerCounts = producerCounts
        self.readSlots = readSlots
        self.readerCounts = readerCounts
        self.keptSlots = keptSlots
        self.priorities = priorities
    }
}
