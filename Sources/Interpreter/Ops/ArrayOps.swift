import Kernels
import Tensors

// MARK: - Shape and layout ops

/// Array ops: concatenation, slicing, padding, reshaping, casting.
func arrayOps() -> [OpDefinition] {
    []
}
