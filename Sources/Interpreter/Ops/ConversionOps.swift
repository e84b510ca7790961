import Kernels
import Tensors

// MARK: - Cast, Fill

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
    ]
}
