import Tensors

// MARK: - Pad -> StridedSlice -> 1x1 pool as one gather

/// TF-Slim's factorised reduction shifts its input by one pixel and subsamples it:
/// `avg_pool(pad(x, [[0,0],[0,1],[0,1],[0,0]])[:, 1:, 1:, :], [1, 1], stride 2)`. Each output element is
/// one input element or a padding zero, so the three steps (two of them copying the whole input) become
/// one gather that reads only the elements it keeps. `tfhub.PadSliceSubsample` keeps the pool's name.
extension GraphRewriter {
    static let subsampleOp = "tfhub.PadSliceSubsample"

    func fusePadSliceSubsample(_ nodes: [GraphNode]) -> [GraphNode] {
        let consumers = consumerCounts(nodes)
        let byName = Dictionary(nodes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var constants = ConstantResolver(nodes: nodes, feeds: feeds, frozenVariables: frozenVariables)

        /// The node producing `tensor` when it is output 0, read only once, not fed.
        func soleProducer(_ tensor: TensorName, op: String) -> GraphNode? {
            guard tensor.output == 0, consumers[tensor] == 1, !feeds.contains(tensor),
                  let node = byName[tensor.node], node.op == op else { return nil }
            return node
        }

        var removed: Set<String> = []
        var replaced: [String: GraphNode] = [:]
        for pool in nodes where pool.op == "AvgPool" || pool.op == "MaxPool" {
            guard pool.isNHWC, pool.isFloat32("T"), pool.dataInputs.count == 1,
                  case .list(let ksize)? = pool.attributes["ksize"], ksize.ints == [1, 1, 1, 1],
                  case .list(let strides)? = pool.attributes["strides"], strides.ints.count == 4,
                  strides.ints.allSatisfy({ $0 >= 1 }),
                  let slice = soleProducer(pool.dataInputs[0], op: "StridedSlice"), slice.dataInputs.count == 4,
                  ["ellipsis_mask", "new_axis_mask", "shrink_axis_mask"].allSatisfy({ slice.intAttribute($0) == 0 }),
                  let beginMask = slice.intAttribute("begin_mask"), let endMask = slice.intAttribute("end_mask"),
                  let begin = constants.ints(slice.dataInputs[1]), let end = constants.ints(slice.dataInputs[2]),
                  let sliceStrides = constants.ints(slice.dataInputs[3]),
                  begin.count == 4, end.count == 4, sliceStrides.count == 4, sliceStrides.allSatisfy({ $0 >= 1 }),
                  let pad = soleProducer(slice.dataInputs[0], op: "Pad"), pad.dataInputs.count == 2,
                  let paddings = constants.ints(pad.dataInputs[1]), paddings.count == 8, paddings.allSatisfy({ $0 >= 0 })
            else { continue }
            var attributes: [String: AttributeValue] = [:]
            attributes["paddings"] = .list(AttributeList(ints: paddings.map(Int64.init)))
            attributes["begin"] = .list(AttributeList(ints: begin.map(Int64.init)))
            attributes["end"] = .list(AttributeList(ints: end.map(Int64.init)))
            attributes["slice_strides"] = .list(AttributeList(ints: sliceStrides.map(Int64.init)))
            attributes["begin_mask"] = .int(Int64(beginMask))
            attributes["end_mask"] = .int(Int64(endMask))
            attributes["pool_strides"] = .list(AttributeList(ints: strides.ints))
            let controls = (pad.controlInputs + slice.controlInputs + pool.controlInputs).map { NodeInputReference.control($0) }
            replaced[pool.name] = GraphNode(
                name: pool.name, op: Self.subsampleOp, inputs: [.data(pad.dataInputs[0])] + controls, attributes: attributes,
                origin: pad.sourceNodes + slice.sourceNodes + pool.sourceNodes)
            removed.insert(pad.name)
            removed.insert(slice.name)
        }
        return nodes.compactMap { removed.contains($0.name) ? nil : (replaced[$0.name] ?? $0) }
    }
}

extension GraphNode {
    func intAttribute(_ name: String) -> Int? {
        if case .int(let value)? = attributes[name] { return Int(exactly: value) }
        return nil
    }
}

extension ConstantResolver {
    /// An int32/int64 tensor's elements.
    mutating func ints(_ name: TensorName) -> [Int]? {
        guard let value = tensor(name) else { return nil }
        switch value.elementType {
        case .int32: return value.scalars(as: Int32.self).map(Int.init)
        case .int64: return value.scalars(as: Int64.self).compactMap { Int(exactly: $0) }
        default: return nil
        }
    }
}

// MARK: - Planning the gather

/// For one axis of size `size`: the input index each output index reads after padding by
/// `(before, after)`, slicing `[begin, end)` by `stride` (TensorFlow's rules for positive strides:
/// masked bounds are the ends, negative bounds count from the end, both clamp to the padded size) and
/// keeping every `poolStride`-th element; `-1` where the element is padding. `nil` when the output
/// would exceed `limit` elements.
func subsampleIndices(
    size: Int, before: Int, after: Int, begin: Int, end: Int, beginMasked: Bool, endMasked: Bool,
    stride: Int, poolStride: Int, limit: Int
) -> [Int]? {
    let cap = 1 << 41  // sizes are below 2^40 and paddings are capped, so nothing here overflows
    guard size >= 0, size < cap, (0..<cap).contains(before), (0..<cap).contains(after), stride >= 1, poolStride >= 1
    else { return nil }
    let padded = size + before + after
    func bound(_ value: Int, masked: Bool, whenMasked: Int) -> Int {
        if masked { return whenMasked }
        let v = min(max(value, -cap), cap)
        return min(max(v < 0 ? v + padded : v, 0), padded)
    }
    let first = bound(begin, masked: beginMasked, whenMasked: 0)
    let last = bound(end, masked: endMasked, whenMasked: padded)
    let slicedCount = last > first ? (last - first + stride - 1) / stride : 0
    let count = (slicedCount + poolStride - 1) / poolStride
    guard count <= limit else { return nil }
    return (0..<count).map { i in
        let index = first + i * poolStride * stride - before
        return index >= 0 && index < size ? index : -1
    }
}
