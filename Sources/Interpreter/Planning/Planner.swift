import Tensors

/// Turns a graph, feeds and fetches into an `ExecutionPlan`: prune to the needed subgraph, order it
/// topologically, plan each node with its op's builder, fold constants, and drop steps nobody needs.
struct Planner {
    let graph: Graph
    let feeds: [TensorName: ValueType]
    let fetches: [TensorName]
    let options: PlanOptions

    // MARK: - Needed subgraph, in topological order

    /// The nodes needed to compute the fetches, producers before consumers. Inputs that are fed are
    /// cut; control inputs are followed. Reports every unsupported op and missing node at once.
    func neededNodesInOrder() throws -> [GraphNode] {
        var unsupported: [PlanningError.UnsupportedOp] = []
        var missing: [PlanningError.MissingNode] = []
        var cycle: [String]? = nil
        enum Mark { case visiting, done }
        var marks: [String: Mark] = [:]
        var order: [GraphNode] = []

        func edges(of node: GraphNode) -> [String] {
            node.inputs.compactMap { input in
                switch input {
                case .data(let tensor): return feeds[tensor] == nil ? tensor.node : nil
                case .control(let name): return name
                }
            }
        }

        // Iterative depth-first search: graphs can be thousands of nodes deep.
        var stack: [(node: GraphNode, edges: [String], next: Int)] = []
        func visit(_ name: String, from parent: String?) {
            guard marks[name] == nil else {
                if marks[name] == .visiting, cycle == nil {
                    let path = stack.map(\.node.name)
                    let start = path.lastIndex(of: name) ?? 0
                    cycle = Array(path[start...]) + [name]
                }
                return
            }
            guard let node = graph.nodes[name] else {
                missing.append(.init(name: name, referencedBy: parent))
                marks[name] = .done
                return
            }
            if graph.registry[node.op] == nil {
                unsupported.append(.init(op: node.op, node: node.name, function: node.function))
            }
            marks[name] = .visiting
            stack.append((node, edges(of: node), 0))
        }

        for fetch in fetches where feeds[fetch] == nil {
            visit(fetch.node, from: nil)
            while let top = stack.last {
                if top.next < top.edges.count {
                    stack[stack.count - 1].next += 1
                    visit(top.edges[top.next], from: top.node.name)
                } else {
                    stack.removeLast()
                    marks[top.node.name] = .done
                    order.append(top.node)
                }
            }
        }
        if !unsupported.isEmpty { throw PlanningError.unsupportedOps(unsupported) }
        if !missing.isEmpty { throw PlanningError.missingNodes(missing) }
        if let cycle { throw PlanningError.cycle(cycle) }
        return order
    }

    // MARK: - Planning each node

    /// The planned type of every output of the needed nodes (and of the feeds), as written (no
    /// rewrites): what differentiation needs to emit shape-specific gradient nodes.
    func tensorTypes() throws -> (types: [TensorName: ValueType], constants: [TensorName: Tensor]) {
        let order = try neededNodesInOrder()
        var builder = PlanBuilder(
            maximumTensorByteCount: graph.maximumTensorByteCount, maximumConstantByteCount: graph.maximumConstantByteCount)
        for (tensor, type) in feeds.sorted(by: { $0.key.description < $1.key.description }) {
            try builder.addFeed(tensor, type)
        }
        var separability = BatchSeparability(feeds: [])
        var types: [TensorName: ValueType] = [:]
        var constants: [TensorName: Tensor] = [:]
        for (tensor, type) in feeds { types[tensor] = type }
        for node in order {
            try plan(node, into: &builder, separability: &separability)
            var index = 0
            while let slot = try? builder.slot(for: TensorName(node: node.name, output: index), consumer: nil) {
                let tensor = TensorName(node: node.name, output: index)
                types[tensor] = builder.types[slot]
                if let value = builder.constants[slot], value.shape.elementCount <= 64 { constants[tensor] = value }
                index += 1
            }
        }
        return (types, constants)
    }

    func makePlan() throws -> ExecutionPlan {
        for (tensor, _) in feeds where graph.nodes[tensor.node] == nil {
            throw PlanningError.badFeed(tensor: tensor.description, reason: "the graph has no node '\(tensor.node)'")
        }
        var order = try neededNodesInOrder()
        if options.optimize {
            order = try GraphRewriter(
                nodes: order, feeds: Set(feeds.keys), fetches: fetches, frozenVariables: graph.frozenVariables,
                registry: graph.registry
            ).rewritten()
        }
        var builder = PlanBuilder(
            maximumTensorByteCount: graph.maximumTensorByteCount, maximumConstantByteCount: graph.maximumConstantByteCount)

        for (tensor, type) in feeds.sorted(by: { $0.key.description < $1.key.description }) {
            if let node = graph.nodes[tensor.node] { try checkFeed(tensor, type, against: node) }
            try builder.addFeed(tensor, type)
        }
        var separability = BatchSeparability(
            feeds: try feeds.keys.map { (try builder.slot(for: $0, consumer: nil), feeds[$0]!) })
        for node in order {
            try plan(node, into: &builder, separability: &separability)
        }
        let fetchSlots = try fetches.map { try builder.slot(for: $0, consumer: nil) }
        let separableBatch = separability.fetchesAreBatched(fetchSlots) ? separability.batch : nil
        return try builder.finish(fetches: fetches, separableBatch: separableBatch, usesArena: options.optimize && options.arena)
    }

    private func plan(_ node: GraphNode, into builder: inout PlanBuilder, separability: inout BatchSeparability) throws {
        guard let definition = graph.registry.definitionIncludingFused(node.op) else {
            throw PlanningError.unsupportedOps([.init(op: node.op, node: node.name, function: node.function)])
        }
        let dataInputs = node.dataInputs
        var inputSlots: [Int] = []
        for tensor in dataInputs {
            inputSlots.append(try builder.slot(for: tensor, consumer: node.name))
        }
        let attributes = Attributes(node.attributes, nodeName: node.name, op: node.op)
        let planNode = PlanNode(
            name: node.name, op: node.op,
            attributes: attributes, parameters: node.parameters,
            inputs: inputSlots.map { builder.types[$0] },
            constants: inputSlots.map { builder.constants[$0] })
        var planned: PlannedOp
        do {
            planned = try definition.build(planNode)
        } catch let error as PlanningError {
            throw error
        } catch {
            throw PlanningError.invalidNode(node: node.name, op: node.op, reason: "\(error)")
        }
        // Variables become constants only in plans optimized for inference; as written, they stay
        // variables read from the run's store.
        if options.optimize, case .variable = planned.kind, let value = graph.frozenVariables[node.name] {
            planned = try frozen(value, as: planned.outputs, node: node)
        }
        let outputSlots = try builder.add(planned, identity: definition.identity, for: node, inputSlots: inputSlots)
        separability.record(
            node, traits: definition.traits, attributes: attributes, inputs: inputSlots, inputTypes: planNode.inputs, inputConstants: planNode.constants,
            outputs: outputSlots, outputTypes: planned.outputs,
            outputsAreConstant: outputSlots.allSatisfy { builder.constants[$0] != nil })
    }

    /// A variable whose value was bound at plan time becomes a constant of the variable's declared type.
    private func frozen(_ value: Tensor, as types: [ValueType], node: GraphNode) throws -> PlannedOp {
        guard types.count == 1, types[0].elementType == value.elementType, types[0].shape == value.shape else {
            throw PlanningError.invalidNode(
                node: node.name, op: node.op,
                reason: "frozen value \(value.elementType) \(value.shape) does not match the variable's \(types)")
        }
        var op = PlannedOp(constants: [value])
        op.outputs = types
        return op
    }

    /// A fed `Placeholder` must get its declared `dtype` and a shape its `shape` attribute allows.
    private func checkFeed(_ tensor: TensorName, _ type: ValueType, against node: GraphNode) throws {
        guard node.op == "Placeholder" || node.op == "PlaceholderWithDefault", tensor.output == 0 else { return }
        let attributes = Attributes(node.attributes, nodeName: node.name, op: node.op)
        if attributes.contains("dtype") {
            let dtype = try attributes.dataType("dtype")
            guard dtype.elementType == type.elementType else {
                throw PlanningError.feedMismatch(
                    tensor: tensor.description, expected: "element type \(dtype)", found: "\(type.elementType)")
            }
        }
        if attributes.contains("shape") {
            let shape = try attributes.shape("shape")
            guard shape.isCompatible(with: type.shape) else {
                throw PlanningError.feedMismatch(
                    tensor: tensor.description, expected: "shape \(shape)", found: "shape \(type.shape)")
            }
        }
    }
}
