// MARK: - Neural-network ops (convolutions, pools, batch norm, activations, matmul, softmax)

/// Owned by the kernels work; see `OpRegistry.swift` for how to add an entry.
func nnOps() -> [OpDefinition] {
    []
}
