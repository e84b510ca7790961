import Kernels
import Tensors

// MARK: - ConcatV2, Pack, Split, SplitV

func joinAndSplitOps() -> [OpDefinition] {
    [
        OpDefinition("ConcatV2", defaults: ["Tidx": .type(DataTypeCode(.int32))], traits: OpTraits(examples: .concatenation)) { node in
            try node.requireInputCount(atLeast: 2)
            let count = node.inputs.count - 1
            try node.checkListLength(count)
            let type = try node.commonType(of: 0..<count)
            let first = node.inputs[0].shape
            guard first.rank >= 1 else { throw node.badShape(input: 0, expected: "rank >= 1 (use Pack for scalars)") }
            let axis = try node.normalizedAxis(node.constantScalarInt(count, role: "axis"), rank: first.rank)
            var total = 0
            for index in 0..<count {
                let shape = node.inputs[index].shape
                let matches = shape.rank == first.rank
                    && shape.indices.allSatisfy { $0 == axis || shape[$0] == first[$0] }
                guard matches else { throw node.badShape(input: index, expected: "\(first) except axis \(axis)") }
                total += shape[axis]
            }
            var outputShape = first
            outputShape[axis] = total
            return PlannedOp(outputs: [ValueType(type, outputShape)]) { inputs, options in
                count == 1 ? [inputs[0]]
                    : [ArrayKernels.concatenate(Array(inputs[0..<count]), axis: axis, recycler: options.recycler)]
            }
        },
        OpDefinition("Pack", defaults: ["axis": .int(0)]) { node in
            try node.requireInputCount(atLeast: 1)
            try node.checkListLength(node.inputs.count)
            let type = try node.commonType(of: 0..<node.inputs.count)
            let shape = node.inputs[0].shape
            for index in node.inputs.indices where node.inputs[index].shape != shape {
                throw node.badShape(input: index, expected: "\(shape) (the shape of input 0)")
            }
            let axis = try node.normalizedAxis(node.attributes.int("axis"), rank: shape.rank + 1)
            var dims = shape.dimensions
            dims.insert(node.inputs.count, at: axis)
            return PlannedOp(outputs: [ValueType(type, try checkedShape(dims, node: node))]) { inputs in
                [ArrayKernels.stack(inputs, axis: axis)]
            }
        },
        OpDefinition("Split", traits: OpTraits(examples: .split)) { node in
            try node.requireInputCount(2)
            let value = try node.input(1)
            guard value.shape.rank >= 1 else { throw node.badShape(input: 1, expected: "rank >= 1") }
            let axis = try node.normalizedAxis(node.constantScalarInt(0, role: "split_dim"), rank: value.shape.rank)
            let count = try node.attributes.int("num_split")
            guard count >= 1 else { throw node.invalidAttribute("num_split", expected: ">= 1", found: "\(count)") }
            let length = value.shape[axis]
            guard length % count == 0 else {
                throw node.invalid("num_split \(count) does not evenly divide dimension \(axis) of size \(length)")
            }
            return splitPlan(value, axis: axis, sizes: Array(repeating: length / count, count: count), dataInput: 1)
        },
        OpDefinition("SplitV", defaults: ["Tlen": .type(DataTypeCode(.int64))]) { node in
            try node.requireInputCount(3)
            let value = try node.input(0)
            guard value.shape.rank >= 1 else { throw node.badShape(input: 0, expected: "rank >= 1") }
            let axis = try node.normalizedAxis(node.constantScalarInt(2, role: "axis"), rank: value.shape.rank)
            var sizes = try node.constantIntVector(1, role: "size_splits")
            let count = try node.attributes.int("num_split")
            guard sizes.count == count else {
                throw node.invalidAttribute("num_split", expected: "\(sizes.count) (the number of size_splits)", found: "\(count)")
            }
            let length = value.shape[axis]
            let unknown = sizes.indices.filter { sizes[$0] == -1 }
            guard unknown.count <= 1, sizes.allSatisfy({ $0 >= -1 }) else {
                throw node.invalid("size_splits \(sizes) may hold one -1 and otherwise non-negative sizes")
            }
            let known = sizes.reduce(0) { $0 + max($1, 0) }
            if let free = unknown.first, known <= length {
                sizes[free] = length - known
            }
            guard sizes.reduce(0, +) == length, sizes.allSatisfy({ $0 >= 0 }) else {
                throw node.invalid("size_splits \(sizes) do not add up to dimension \(axis) of size \(length)")
            }
            return splitPlan(value, axis: axis, sizes: sizes, dataInput: 0)
        },
    ]
}

private func splitPlan(_ value: ValueType, axis: Int, sizes: [Int], dataInput: Int) -> PlannedOp {
    let outputs = sizes.map { size -> ValueType in
        var shape = value.shape
        shape[axis] = size
        return ValueType(value.elementType, shape)
    }
    if sizes.count == 1 { return .forwarding(dataInput, type: outputs[0]) }
    return PlannedOp(outputs: outputs) { inputs in ArrayKernels.split(inputs[dataInput], axis: axis, sizes: sizes) }
}
