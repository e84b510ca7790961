import Tensors

/// Accumulates value slots and steps while the planner walks the graph in topological order.
struct PlanBuilder {
    let maximumTensorByteCount: Int
    /// Cap on the sum of all plan-time constants (`Const` values, folded results, frozen variables).
    let maximumConstantByteCount: Int
    private var constantByteCount = 0
    /// Per slot: its type, and its value when known at plan time.
    private(set) var types: [ValueType] = []
    private(set) var constants: [Tensor?] = []
    private(set) var sources: [ExecutionPlan.SlotSource] = []
    private(set) var steps: [ExecutionPlan.Step] = []
    private var slotOf: [TensorName: Int] = [:]
    /// Output count of every planned node, for error messages about bad output indices.
    private var planned: [String: (op: String, outputs: Int)] = [:]
    private var feedSlots: [TensorName: Int] = [:]

    init(maximumTensorByteCount: Int, maximumConstantByteCount: Int = Int.max) {
        self.maximumTensorByteCount = maximumTensorByteCount
        self.maximumConstantByteCount = maximumConstantByteCount
    }

    private mutating func newSlot(_ type: ValueType, _ source: ExecutionPlan.SlotSource, constant: Tensor? = nil) -> Int {
        types.append(type)
        constants.append(constant)
        sources.append(source)
        return types.count - 1
    }

    mutating func addFeed(_ tensor: TensorName, _ type: ValueType) throws {
        try checkSize(type, node: tensor.node, op: "feed")
        let slot = newSlot(type, .feed(tensor))
        slotOf[tensor] = slot
        feedSlots[tensor] = slot
    }

    /// The slot holding `tensor`, which must have been fed or produced by an already planned node.
    func slot(for tensor: TensorName, consumer: String?) throws -> Int {
        if let slot = slotOf[tensor] { return slot }
        if let producer = planned[tensor.node] {
            throw PlanningError.missingOutput(
                node: tensor.node, op: producer.op, output: tensor.output, outputCount: producer.outputs)
        }
        throw PlanningError.missingNodes([.init(name: tensor.node, referencedBy: consumer)])
    }

    /// Every value must fit the byte limit, and every dimension stay below 2^40 (an empty tensor could
    /// otherwise carry sizes whose sums overflow).
    private func checkSize(_ type: ValueType, node: String, op: String) throws {
        guard type.shape.dimensions.allSatisfy({ $0 <= 1 << 40 }),
              let count = type.shape.checkedElementCount,
              case let (bytes, overflow) = count.multipliedReportingOverflow(by: type.elementType.byteSize ?? 8),
              !overflow, bytes <= maximumTensorByteCount
        else {
            throw PlanningError.invalidNode(
                node: node, op: op,
                reason: "output \(type) exceeds the limit of \(maximumTensorByteCount) bytes per tensor")
        }
    }

    /// Bytes of a value whose type passed `checkSize` (strings: 8 per element).
    private static func byteCount(_ type: ValueType) -> Int {
        type.shape.elementCount * (type.elementType.byteSize ?? 8)
    }

    /// Adds constants to the plan's running total; a graph of many large constants (each within the
    /// per-tensor cap) is refused before they exhaust memory.
    private mutating func addConstants(_ types: [ValueType], node: GraphNode) throws {
        for type in types {
            let (sum, overflow) = constantByteCount.addingReportingOverflow(Self.byteCount(type))
            guard !overflow, sum <= maximumConstantByteCount else {
                throw PlanningError.invalidNode(
                    node: node.name, op: node.op,
                    reason: "plan-time constants would exceed the limit of \(maximumConstantByteCount) bytes in total "
                        + "(GraphLimits.maximumConstantByteCount)")
            }
            constantByteCount = sum
        }
    }

    // MARK: - Adding a planned node

    /// Adds `node`, planned as `op` of identity `identity`: constants and variables get slots, a
    /// computation whose inputs are all constants is folded (unless its op is stateful), any other
    /// computation becomes a step.
    /// Returns the slots of the node's outputs.
    @discardableResult
    mutating func add(_ op: PlannedOp, identity: OpIdentity, for node: GraphNode, inputSlots: [Int]) throws -> [Int] {
        for type in op.outputs { try checkSize(type, node: node.name, op: node.op) }
        planned[node.name] = (node.op, op.outputs.count)
        let outputSlots: [Int]
        switch op.kind {
        case .constant(let values):
            try addConstants(op.outputs, node: node)
            outputSlots = zip(op.outputs, values).map { newSlot($0, .constant, constant: $1) }
        case .variable:
            outputSlots = op.outputs.map { newSlot($0, .variable(node.name)) }
        case .forward(let index):
            guard index < inputSlots.count, op.outputs.count == 1, types[inputSlots[index]] == op.outputs[0] else {
                throw PlanningError.invalidNode(node: node.name, op: node.op, reason: "forwards input \(index), which it does not have")
            }
            outputSlots = [inputSlots[index]]
        case .compute(let run):
            let inputs = inputSlots.compactMap { constants[$0] }
            if !identity.traits.isStateful, inputs.count == inputSlots.count {
                try addConstants(op.outputs, node: node)
                let values = try fold(run, inputs: inputs, expecting: op.outputs, node: node)
                outputSlots = zip(op.outputs, values).map { newSlot($0, .constant, constant: $1) }
            } else {
                outputSlots = op.outputs.map { newSlot($0, .step) }
                let cost = op.estimatedCost ?? 1 + (op.outputs.first?.shape.elementCount ?? 0)
                steps.append(.init(
                    node: node.name, op: identity, inputs: inputSlots, outputs: outputSlots, cost: cost,
                    sourceNodes: node.sourceNodes, kernel: run, write: op.write))
            }
        }
        for (index, slot) in outputSlots.enumerated() {
            let tensor = TensorName(node: node.name, output: index)
            // A fed output keeps its feed slot: consumers read the fed value.
            if slotOf[tensor] == nil { slotOf[tensor] = slot }
        }
        return outputSlots
    }

    private func fold(
        _ run: KernelRun, inputs: [Tensor], expecting types: [ValueType], node: GraphNode
    ) throws -> [Tensor] {
        let values: [Tensor]
        do { values = try run(inputs, .singleThreaded) } catch {
            throw PlanningError.constantFolding(node: node.name, op: node.op, reason: "\(error)")
        }
        guard values.count == types.count, zip(types, values).allSatisfy({ $0.matches($1) }) else {
            throw PlanningError.constantFolding(
                node: node.name, op: node.op,
                reason: "produced \(values.map { "\($0.elementType) \($0.shape)" }), planned \(types)")
        }
        return values
    }

    // MARK: - Finishing

    /// Resolves fetches, drops steps whose outputs nobody needs, and computes when each slot dies.
    /// Every op is free of side effects, so a node needed only through control inputs has already done
    /// its job (ordering, and being checked as supported) and does not run.
    ///
    /// With `usesArena`, results of steps that write into given outputs live in one block per run
    /// (`ArenaLayout`) instead of being allocated step by step.
    func finish(fetches: [TensorName], separableBatch: Int? = nil, usesArena: Bool = false) throws -> ExecutionPlan {
        let fetchSlots = try fetches.map { try slot(for: $0, consumer: nil) }
        var needed = [Bool](repeating: false, count: types.count)
        for slot in fetchSlots { needed[slot] = true }
        var keptSteps: [ExecutionPlan.Step] = []
        for step in steps.reversed() where step.outputs.contains(where: { needed[$0] }) {
            for slot in step.inputs { needed[slot] = true }
            keptSteps.append(step)
        }
        keptSteps.reverse()

        // A slot is released after the last step that reads it; fetched slots live to the end.
        var lastUse = [Int](repeating: -1, count: types.count)
        for (index, step) in keptSteps.enumerated() {
            for slot in step.inputs { lastUse[slot] = index }
            for slot in step.outputs where lastUse[slot] < index { lastUse[slot] = index }
        }
        for slot in fetchSlots { lastUse[slot] = Int.max }
        var releases = [[Int]](repeating: [], count: keptSteps.count)
        for (slot, index) in lastUse.enumerated() where index >= 0 && index < keptSteps.count {
            releases[index].append(slot)
        }
        for index in keptSteps.indices { keptSteps[index] = keptSteps[index].releasing(releases[index]) }

        var initialValues: [(slot: Int, value: Tensor)] = []
        var variables: [String: ValueType] = [:]
        var variableSlots: [(slot: Int, name: String)] = []
        for slot in types.indices where needed[slot] {
            switch sources[slot] {
            case .constant: if let value = constants[slot] { initialValues.append((slot, value)) }
            case .variable(let name):
                variables[name] = types[slot]
                variableSlots.append((slot, name))
            case .feed, .step: break
            }
        }
        let dependencies = StepDependencies(steps: keptSteps, slotTypes: types, fetchSlots: fetchSlots)
        func arenas(_ order: ArenaLayout.Order) -> ArenaPool? {
            guard usesArena else { return nil }
            let layout = ArenaLayout(steps: keptSteps, slotTypes: types, fetchSlots: fetchSlots, dependencies: dependencies, order: order)
            return layout.byteCount > 0 ? ArenaPool(layout: layout, slotTypes: types) : nil
        }
        return ExecutionPlan(
            slotTypes: types, steps: keptSteps, initialValues: initialValues,
            feedSlots: feedSlots, variableSlots: variableSlots, variables: variables,
            fetches: fetches, fetchSlots: fetchSlots, separableBatch: separableBatch,
            dependencies: dependencies, arenas: arenas(.dataflow), serialArenas: arenas(.serial))
    }
}
