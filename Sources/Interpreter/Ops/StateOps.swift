import Tensors

// MARK: - Constants and variables

/// `Const`, and the variable ops whose values the caller binds by node name at run time
/// (initializer subgraphs are never run).
func stateOps() -> [OpDefinition] {
    [
        OpDefinition("Const") { node in
            try node.requireInputCount(0)
            let value = try node.attributes.tensor("value")
            if node.attributes.contains("dtype") {
                let dtype = try node.attributes.dataType("dtype")
                guard dtype.elementType == value.elementType else {
                    throw node.invalidAttribute("value", expected: "a \(dtype) tensor (attribute dtype)",
                                                found: "\(value.elementType)")
                }
            }
            return PlannedOp(constants: [value])
        },
        OpDefinition("VariableV2", defaults: ["container": .string([]), "shared_name": .string([])]) { node in
            try node.requireInputCount(0)
            return PlannedOp(variable: try variableType(node, isHandle: false))
        },
        OpDefinition(
            "VarHandleOp",
            defaults: ["container": .string([]), "shared_name": .string([]), "debug_name": .string([]),
                       "allowed_devices": .list(AttributeList())]
        ) { node in
            try node.requireInputCount(0)
            return PlannedOp(variable: try variableType(node, isHandle: true))
        },
        OpDefinition("ReadVariableOp") { node in
            try node.requireInputCount(1)
            let handle = node.inputs[0]
            guard handle.isVariableHandle else { throw node.badType(input: 0, expected: "a resource handle") }
            let dtype = try node.attributes.elementType("dtype")
            guard dtype == handle.elementType else {
                throw node.invalidAttribute("dtype", expected: "\(handle.elementType) (the variable's type)",
                                            found: "\(dtype)")
            }
            return .passThrough([ValueType(handle.elementType, handle.shape)])
        },
    ]
}

/// A variable's type from its `dtype` and `shape` attributes; the shape must be fully defined.
private func variableType(_ node: PlanNode, isHandle: Bool) throws -> ValueType {
    let dtype = try node.attributes.elementType("dtype")
    let shape = try node.attributes.shape("shape")
    guard let concrete = shape.fullyDefined else {
        throw node.invalidAttribute("shape", expected: "a fully defined variable shape", found: shape.description)
    }
    return ValueType(dtype, concrete, isVariableHandle: isHandle)
}
