import Tensors

// MARK: - Feeds, identities and grouping

/// Placeholders, identity-like ops and `NoOp`.
func controlOps() -> [OpDefinition] {
    [
        OpDefinition("Placeholder", defaults: ["shape": .shape(.unknownRank)]) { node in
            // Reached only when the placeholder is not fed (fed tensors cut the graph).
            throw PlanningError.unfedPlaceholder(node: node.name)
        },
        OpDefinition("PlaceholderWithDefault") { node in
            try node.requireInputCount(1)
            let input = try node.typeAttribute("dtype", matchesInput: 0)
            let shape = try node.attributes.shape("shape")
            guard shape.isCompatible(with: node.inputs[0].shape) else {
                throw node.badShape(input: 0, expected: "shape \(shape) (attribute shape)")
            }
            return .passThrough([ValueType(input, node.inputs[0].shape)])
        },
        identity("Identity"),
        identity("StopGradient"),
        // Per example as `Identity` when it has one input (an inlined call with one output, which a TF2
        // signature fetches); with several batched inputs `.firstInput` keeps the plan whole.
        OpDefinition("IdentityN", traits: .forwarding) { node in
            let types = try node.attributes.dataTypes("T")
            try node.requireInputCount(types.count)
            for (index, type) in types.enumerated() where type.elementType != node.inputs[index].elementType {
                throw node.badType(input: index, expected: "\(type) (attribute T)")
            }
            return .passThrough(try node.inputs.indices.map { try node.input($0) })
        },
        OpDefinition("NoOp") { _ in
            PlannedOp(outputs: []) { _ in [] }
        },
    ]
}

/// An op that forwards its one input (`T` checked when present).
private func identity(_ name: String) -> OpDefinition {
    OpDefinition(name, traits: .forwarding) { node in
        try node.requireInputCount(1)
        let input = try node.input(0)
        if node.attributes.contains("T") { _ = try node.typeAttribute("T", matchesInput: 0) }
        return .passThrough([input])
    }
}
