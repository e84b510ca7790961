import Kernels
import Tensors

// MARK: - Reshape, Squeeze, ExpandDims, Shape, Size

func reshapingOps() -> [OpDefinition] {
    [
        OpDefinition("Reshape", defaults: ["Tshape": .type(DataTypeCode(.int32))]) { node in
            try node.requireInputCount(2)
            let input = try node.input(0)
            var dims = try node.constantInts(1, role: "shape")
            guard node.inputs[1].shape.rank <= 1 else { throw node.badShape(input: 1, expected: "a vector (shape)") }
            let unknown = dims.indices.filter { dims[$0] == -1 }
            guard unknown.count <= 1, dims.allSatisfy({ $0 >= -1 }) else {
                throw node.invalid("shape \(dims) may hold one -1 and otherwise non-negative sizes")
            }
            // TensorFlow leaves zero sizes out of the products so that -1 can still be inferred.
            let hasZero = dims.contains(0)
            let known = try checkedShape(dims.map { $0 <= 0 ? 1 : $0 }, node: node).elementCount
            let count = input.shape.elementCount
            if let free = unknown.first {
                let counted = try checkedShape(input.shape.dimensions.filter { $0 > 0 || !hasZero }, node: node)
                    .elementCount
                let inputHasZero = hasZero && input.shape.contains(0)
                let missing = counted / known
                guard inputHasZero || missing * known == counted else {
                    throw node.invalid("cannot reshape \(input.shape) (\(count) elements) into \(dims)")
                }
                dims[free] = missing
            }
            let shape = try checkedShape(dims, node: node)
            guard shape.elementCount == count else {
                throw node.invalid("cannot reshape \(input.shape) (\(count) elements) into \(shape)")
            }
            return PlannedOp(outputs: [ValueType(input.elementType, shape)]) { inputs in [inputs[0].reshaped(to: shape)] }
        },
        OpDefinition("Squeeze", defaults: ["squeeze_dims": .list(AttributeList())]) { node in
            try node.requireInputCount(1)
            let input = try node.input(0)
            let rank = input.shape.rank
            let given = try node.attributes.ints("squeeze_dims")
            var drop = Set<Int>()
            for axis in given {
                let a = try node.normalizedAxis(axis, rank: rank, role: "squeeze_dims entry")
                guard input.shape[a] == 1 else {
                    throw node.invalid("cannot squeeze dimension \(axis): expected size 1, found \(input.shape[a])")
                }
                drop.insert(a)
            }
            if given.isEmpty { drop = Set(input.shape.indices.filter { input.shape[$0] == 1 }) }
            let shape = Shape(input.shape.indices.filter { !drop.contains($0) }.map { input.shape[$0] })
            return PlannedOp(outputs: [ValueType(input.elementType, shape)]) { inputs in [inputs[0].reshaped(to: shape)] }
        },
        OpDefinition("ExpandDims", defaults: ["Tdim": .type(DataTypeCode(.int32))]) { node in
            try node.requireInputCount(2)
            let input = try node.input(0)
            guard node.inputs[1].shape.elementCount == 1 else {
                throw node.badShape(input: 1, expected: "a single axis")
            }
            let axis = try node.normalizedAxis(node.constantInt(1, role: "axis"), rank: input.shape.rank + 1)
            var dims = input.shape.dimensions
            dims.insert(1, at: axis)
            let shape = Shape(dims)
            return PlannedOp(outputs: [ValueType(input.elementType, shape)]) { inputs in [inputs[0].reshaped(to: shape)] }
        },
        OpDefinition("Shape", defaults: ["out_type": .type(DataTypeCode(.int32))]) { node in
            try node.requireInputCount(1)
            let input = try node.input(0)
            return PlannedOp(constants: [try integerTensor(input.shape.dimensions, shape: [input.shape.rank], node: node)])
        },
        OpDefinition("Size", defaults: ["out_type": .type(DataTypeCode(.int32))]) { node in
            try node.requireInputCount(1)
            let input = try node.input(0)
            return PlannedOp(constants: [try integerTensor([input.shape.elementCount], shape: .scalar, node: node)])
        },
    ]
}

/// `values` as an `out_type` (int32 or int64) tensor; int32 overflow is an error.
private func integerTensor(_ values: [Int], shape: Shape, node: PlanNode) throws -> Tensor {
    switch try node.attributes.elementType("out_type") {
    case .int32:
        let narrow = values.compactMap { Int32(exactly: $0) }
        guard narrow.count == values.count else { throw node.invalid("\(values) do not fit out_type int32") }
        return Tensor(shape: shape, scalars: narrow)
    case .int64:
        return Tensor(shape: shape, scalars: values.map { Int64($0) })
    case let other:
        throw node.invalidAttribute("out_type", expected: "int32 or int64", found: "\(other)")
    }
}
