// MARK: - Element-wise math, reductions and random ops

/// Owned by the kernels work; see `OpRegistry.swift` for how to add an entry.
func mathOps() -> [OpDefinition] {
    []
}
