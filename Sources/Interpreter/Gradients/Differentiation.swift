import Tensors

/// A graph extended with the gradient of a loss: plan `[loss] + gradients` (as written:
/// `PlanOptions(optimize: false)`) to compute the loss and every gradient in one run.
public struct GradientGraph: Sendable {
    /// The forward graph plus the gradient nodes.
    public let graph: Graph
    /// The loss tensor.
    public let loss: String
    /// For each target (in the order given), the tensor holding `d loss / d target`.
    public let gradients: [String]
}

extension Graph {
    /// Reverse-mode differentiation: adds to the graph the nodes that compute the gradient of `loss`
    /// with respect to each target, by TensorFlow's gradient rules (`GradientRules`), for the feed
    /// types given (shapes are planned first, so gradient nodes have fixed shapes).
    ///
    /// - Parameters:
    ///   - loss: a float32 tensor (any shape: the gradient of its sum).
    ///   - targets: tensors (`"images"`, a fed input) or variable nodes (`VariableV2`: its value;
    ///     `VarHandleOp`: the sum over every `ReadVariableOp` reading it).
    ///   - feeds: the types of the fed tensors, as for `plan`.
    /// - Throws: `GradientError.noGradient` listing every op on the way that has no rule;
    ///   `PlanningError` for a graph that cannot be planned.
    public func differentiating(
        _ loss: String, withRespectTo targets: [String], feeds: [String: ValueType]
    ) throws -> GradientGraph {
        let lossTensor = try TensorName(parsing: loss)
        var parsedFeeds: [TensorName: ValueType] = [:]
        for (name, type) in feeds { parsedFeeds[try TensorName(parsing: name)] = type }

        // What each target's gradient sums: a tensor, or every read of a resource variable.
        var sources: [[TensorName]] = []
        for target in targets {
            let tensor = try TensorName(parsing: target)
            if let node = nodes[tensor.node], node.op == "VarHandleOp" {
                let reads = nodes.values.filter { $0.op == "ReadVariableOp" && $0.dataInputs.first?.node == node.name }
                sources.append(reads.map { TensorName(node: $0.name) }.sorted { $0.node < $1.node })
            } else if nodes[tensor.node] != nil || parsedFeeds[tensor] != nil {
                sources.append([tensor])
            } else {
                throw GradientError.badTarget(name: target, reason: "the graph has no such node")
            }
        }

        let planner = Planner(
            graph: self, feeds: parsedFeeds, fetches: [lossTensor] + sources.joined(),
            options: PlanOptions(threads: 1, optimize: false))
        let order = try planner.neededNodesInOrder()
        let (types, constants) = try planner.tensorTypes()
        guard let lossType = types[lossTensor], lossType.elementType == .float32 else {
            throw GradientError.badLoss(tensor: loss, reason: "expected a float32 tensor")
        }

        // Nodes that depend on a target (forward) and reach the loss (backward).
        let sourceTensors = Set(sources.joined())
        var dependent = Set<String>()
        for node in order {
            let fromSource = node.dataInputs.contains { sourceTensors.contains($0) || dependent.contains($0.node) }
            if fromSource { dependent.insert(node.name) }
        }
        var reaches: Set<String> = [lossTensor.node]
        for node in order.reversed() where reaches.contains(node.name) {
            for input in node.dataInputs where parsedFeeds[input] == nil { reaches.insert(input.node) }
        }

        var builder = GradientBuilder(prefix: "gradients", types: types, constants: constants)
        var partials: [TensorName: [TensorName]] = [:]
        partials[lossTensor] = [builder.filled(1, shape: lossType.shape, for: "loss")]
        var missing: [(op: String, node: String)] = []
        for node in order.reversed() where dependent.contains(node.name) && reaches.contains(node.name) {
            let outputCount = (0...).prefix { types[TensorName(node: node.name, output: $0)] != nil }.count
            let outputGradients: [TensorName?] = (0..<outputCount).map { index in
                let tensor = TensorName(node: node.name, output: index)
                guard let parts = partials[tensor], !parts.isEmpty else { return nil }
                return builder.sum(parts, for: node.name)
            }
            guard outputGradients.contains(where: { $0 != nil }) else { continue }
            guard let rule = GradientRules.table[node.op] else {
                missing.append((node.op, node.name))
                continue
            }
            let inputGradients = try rule(node, outputGradients, &builder)
            for (input, gradient) in zip(node.dataInputs, inputGradients) {
                guard let gradient, sourceTensors.contains(input) || dependent.contains(input.node) else { continue }
                partials[input, default: []].append(gradient)
            }
        }
        if !missing.isEmpty { throw GradientError.noGradient(missing) }

        var gradientNames: [String] = []
        for (target, tensors) in zip(targets, sources) {
            let parts = tensors.flatMap { partials[$0] ?? [] }
            if parts.isEmpty {
                let shape = tensors.first.flatMap { types[$0]?.shape } ?? []
                gradientNames.append(builder.filled(0, shape: shape, for: target).description)
            } else {
                gradientNames.append(builder.sum(parts, for: target).description)
            }
        }
        let extended = try Graph(extending: self, with: builder.nodes)
        return GradientGraph(graph: extended, loss: loss, gradients: gradientNames)
    }
}
