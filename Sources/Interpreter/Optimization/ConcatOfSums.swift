import Kernels
import Tensors

// MARK: - ConcatV2 of Add results as one pass

/// A NASNet cell ends with the concatenation of its combinations, each the `Add` of two branches. When
/// such a float32 `Add` is read only by the `ConcatV2`, the concatenation computes the sum itself, straight
/// into its place in the output (`tfhub.ConcatSums`), so the sum never gets a buffer of its own and is
/// not copied again. The fused node keeps the concat's name; its attribute `part_arity` lists, per
/// concatenated part, 1 (a tensor) or 2 (the two summands), followed by the axis input.
///
/// A cell's output is read only through `Relu` (by the next two cells, whose ReLUs are merged into one):
/// when that `Relu` is the concat's only reader, the concat applies it as it writes (attribute `relu`),
/// and the fused node takes the ReLU's name; the ReLU step and the pre-activation buffer disappear.
extension GraphRewriter {
    static let concatSumsOp = "tfhub.ConcatSums"

    func fuseReluIntoConcat(_ nodes: [GraphNode]) -> [GraphNode] {
        let consumers = consumerCounts(nodes)
        let controlled = Set(nodes.flatMap(\.controlInputs))
        let byName = Dictionary(nodes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var removed: Set<String> = []
        var replaced: [String: GraphNode] = [:]
        for relu in nodes where relu.op == "Relu" && relu.isFloat32("T") && relu.dataInputs.count == 1 {
            let input = relu.dataInputs[0]
            guard input.output == 0, consumers[input] == 1, !feeds.contains(input), !controlled.contains(input.node),
                  !removed.contains(input.node), let concat = byName[input.node], concat.isFloat32("T"),
                  concat.op == Self.concatSumsOp || concat.op == "ConcatV2", concat.dataInputs.count >= 2
            else { continue }
            var attributes = concat.attributes
            if concat.op == "ConcatV2" {
                guard concat.dataInputs.count >= 3 else { continue }
                attributes["part_arity"] = .list(AttributeList(ints: Array(repeating: 1, count: concat.dataInputs.count - 1)))
            }
            attributes["relu"] = .bool(true)
            replaced[relu.name] = GraphNode(
                name: relu.name, op: Self.concatSumsOp,
                inputs: concat.inputs + relu.controlInputs.map { .control($0) }, attributes: attributes,
                origin: concat.sourceNodes + relu.sourceNodes)
            removed.insert(concat.name)
        }
        return nodes.compactMap { removed.contains($0.name) ? nil : (replaced[$0.name] ?? $0) }
    }

    func fuseConcatOfSums(_ nodes: [GraphNode]) -> [GraphNode] {
        let consumers = consumerCounts(nodes)
        let controlled = Set(nodes.flatMap(\.controlInputs))
        let byName = Dictionary(nodes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

        /// The float32 `Add`/`AddV2` producing `tensor` when the concat is its only reader.
        func soleSum(_ tensor: TensorName) -> GraphNode? {
            guard tensor.output == 0, consumers[tensor] == 1, !feeds.contains(tensor), !controlled.contains(tensor.node),
                  let node = byName[tensor.node], node.op == "Add" || node.op == "AddV2", node.isFloat32("T"),
                  node.dataInputs.count == 2
            else { return nil }
            return node
        }

        var removed: Set<String> = []
        var replaced: [String: GraphNode] = [:]
        for concat in nodes where concat.op == "ConcatV2" && concat.isFloat32("T") {
            let data = concat.dataInputs
            guard data.count >= 3, let axis = data.last else { continue }
            var arity: [Int64] = []
            var inputs: [NodeInputReference] = []
            var controls = concat.controlInputs
            var sums: [String] = []
            for tensor in data.dropLast() {
                if let sum = soleSum(tensor) {
                    arity.append(2)
                    inputs += sum.dataInputs.map { .data($0) }
                    controls += sum.controlInputs
                    sums.append(sum.name)
                } else {
                    arity.append(1)
                    inputs.append(.data(tensor))
                }
            }
            guard !sums.isEmpty else { continue }
            var attributes = concat.attributes
            attributes["part_arity"] = .list(AttributeList(ints: arity))
            replaced[concat.name] = GraphNode(
                name: concat.name, op: Self.concatSumsOp,
                inputs: inputs + [.data(axis)] + controls.map { .control($0) }, attributes: attributes,
                origin: sums + concat.sourceNodes)
            removed.formUnion(sums)
        }
        return nodes.compactMap { removed.contains($0.name) ? nil : (replaced[$0.name] ?? $0) }
    }
}

// MARK: - Planning the fused concat

/// `tfhub.ConcatSums`: float32 inputs grouped by `part_arity` (1: a part; 2: two summands of a part),
/// then the axis (an int32/int64 scalar constant); `relu` (optional, default false) applies `Relu`. Parts share every dimension except the axis; a sum
/// whose summands differ in shape (a broadcasting `Add`) is added by the element-wise kernel first.
func concatSumsOp(_ node: PlanNode) throws -> PlannedOp {
    let arity = try node.attributes.ints("part_arity")
    guard !arity.isEmpty, arity.allSatisfy({ $0 == 1 || $0 == 2 }) else {
        throw node.invalidAttribute("part_arity", expected: "a non-empty list of 1s and 2s", found: "\(arity)")
    }
    let summandCount = arity.reduce(0, +)
    try node.requireInputCount(summandCount + 1)
    for index in 0..<summandCount { _ = try node.input(index, ofTypes: [.float32]) }
    var partShapes: [Shape] = []
    var exactSums: [Bool] = []
    var index = 0
    for count in arity {
        let x = node.inputs[index].shape
        if count == 2 {
            let y = node.inputs[index + 1].shape
            let shape = try kernelCall(node) { try broadcastShape(x, y) }
            partShapes.append(shape)
            exactSums.append(x == y)
        } else {
            partShapes.append(x)
            exactSums.append(true)
        }
        index += count
    }
    let first = partShapes[0]
    guard first.rank >= 1 else { throw node.badShape(input: 0, expected: "rank >= 1") }
    let axis = try node.normalizedAxis(node.constantScalarInt(summandCount, role: "axis"), rank: first.rank)
    var outputShape = first
    outputShape[axis] = 0
    for (part, shape) in partShapes.enumerated() {
        guard shape.rank == first.rank, shape.indices.allSatisfy({ $0 == axis || shape[$0] == first[$0] }) else {
            throw node.invalid("part \(part) has shape \(shape); expected \(first) except axis \(axis)")
        }
        outputShape[axis] += shape[axis]
    }
    guard outputShape.checkedElementCount != nil else { throw node.invalid("output \(outputShape) is too large") }
    let sumsInPlace = exactSums
    let relu = try node.attributes.contains("relu") ? node.attributes.bool("relu") : false
    return PlannedOp(outputs: [ValueType(.float32, outputShape)]) { io, options in
        var parts: [ConcatPart] = []
        parts.reserveCapacity(arity.count)
        var index = 0
        for (part, count) in arity.enumerated() {
            if count == 1 {
                parts.append(.tensor(io.input(index)))
            } else if sumsInPlace[part] {
                parts.append(.sum(io.input(index), io.input(index + 1)))
            } else {
                parts.append(.tensor(try binary(.add, io.input(index), io.input(index + 1), options: options)))
            }
            index += count
        }
        try concatenateSums(parts, axis: axis, relu: relu, into: io.floats(0), options: options)
    }
}
