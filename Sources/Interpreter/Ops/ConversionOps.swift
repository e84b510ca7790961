import Kernels
import Tensors

// MARK: - Cast, Fill, Range

func conversionOps() -> [OpDefinition] {
    [
        OpDefinition("Cast", defaults: ["Truncate": .bool(false)]) { node in
            try node.requireInputCount(1)
            let source = try node.typeAttribute("SrcT", matchesInput: 0)
            let destination = try node.attributes.elementType("DstT")
            guard ArrayKernels.canCast(from: source, to: destination) else {
                throw node.invalid("cannot cast \(source) to \(destination)")
            }
            let output = ValueType(destination, node.inputs[0].shape)
            if source == destination { return .passThrough([output]) }
            return PlannedOp(outputs: [output]) { inputs in [ArrayKernels.cast(inputs[0], to: destination)] }
        },
        OpDefinition("Fill", defaults: ["index_type": .type(DataTypeCode(.int32))]) { node in
            try node.requireInputCount(2)
            let dims = try node.constantIntVector(0, role: "dims")
            let value = try node.input(1)
            guard value.shape.rank == 0 else { throw node.badShape(input: 1, expected: "a scalar (value)") }
            let shape = try checkedShape(dims, node: node)
            return PlannedOp(outputs: [ValueType(value.elementType, shape)]) { inputs in
                [ArrayKernels.fill(shape, with: inputs[1])]
            }
        },
        OpDefinition("Range", defaults: ["Tidx": .type(DataTypeCode(.int32))]) { node in
            try node.requireInputCount(3)
            return PlannedOp(constants: [try rangeTensor(node)])
        },
    ]
}

/// `Range(start, limit, delta)` with plan-time scalar inputs, as TensorFlow's `RangeOp`: `delta` not 0,
/// `start <= limit` when `delta > 0` (`>=` when negative), size `ceil(|limit - start| / |delta|)`,
/// values `start + i * delta`.
private func rangeTensor(_ node: PlanNode) throws -> Tensor {
    let type = try node.attributes.elementType("Tidx")
    func scalar(_ index: Int, _ role: String) throws -> Double {
        let value = try node.constant(index, role: role)
        guard value.elementCount == 1 else { throw node.badShape(input: index, expected: "a scalar (\(role))") }
        guard value.elementType == type else { throw node.badType(input: index, expected: "\(type) (\(role))") }
        switch type {
        case .int32: return Double(value.scalars(as: Int32.self)[0])
        case .int64: return Double(value.scalars(as: Int64.self)[0])
        case .float32: return Double(value.scalars(as: Float.self)[0])
        default: throw node.invalidAttribute("Tidx", expected: "int32, int64 or float32", found: "\(type)")
        }
    }
    let (start, limit, delta) = (try scalar(0, "start"), try scalar(1, "limit"), try scalar(2, "delta"))
    guard delta != 0 else { throw node.invalid("Requires delta != 0: 0") }
    guard delta > 0 ? start <= limit : start >= limit else {
        throw node.invalid(delta > 0 ? "Requires start <= limit when delta > 0: \(start)/\(limit)"
                                     : "Requires start >= limit when delta < 0: \(start)/\(limit)")
    }
    let count = Int((abs(limit - start) / abs(delta)).rounded(.up))
    guard count <= 1 << 24 else { throw node.invalid("Range of \(count) values is larger than the plan-time limit 16777216") }
    let values = (0..<count).map { start + Double($0) * delta }
    switch type {
    case .int32: return Tensor(shape: [count], scalars: values.map { Int32($0) })
    case .int64: return Tensor(shape: [count], scalars: values.map { Int64($0) })
    default: return Tensor(shape: [count], scalars: values.map { Float($0) })
    }
}
