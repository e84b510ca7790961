/// Invalid kernel parameters or operand shapes. The interpreter wraps these with the node and op name.
public enum KernelError: Error, CustomStringConvertible, Sendable, Equatable {
    /// An operand has the wrong rank: `operand` names it ("input", "filter", ...).
    case rank(operand: String, expected: String, found: Int)
    /// A dimension does not match what another operand requires.
    case dimension(operand: String, axis: Int, expected: String, found: Int)
    /// Two shapes cannot be broadcast together.
    case notBroadcastable(Shape, Shape)
    /// A parameter (stride, dilation, padding, axis, ...) is out of range.
    case parameter(name: String, expected: String, found: String)
    /// An element type this kernel does not support.
    case elementType(operand: String, expected: String, found: ElementType)
    /// The window does not fit: TensorFlow refuses negative output sizes.
    case negativeOutputSize(axis: String, input: Int, window: Int, stride: Int)

    public var description: String {
        switch self {
        case let .rank(operand, expected, found):
            return "\(operand) must have rank \(expected), found rank \(found)"
        case let .dimension(operand, axis, expected, found):
            return "\(operand) dimension \(axis) must be \(expected), found \(found)"
        case let .notBroadcastable(a, b):
            return "shapes \(a) and \(b) are not broadcast-compatible"
        case let .parameter(name, expected, found):
            return "\(name) must be \(expected), found \(found)"
        case let .elementType(operand, expected, found):
            return "\(operand) must be \(expected), found \(found)"
        case let .negativeOutputSize(axis, input, window, stride):
            return "computed \(axis) output size would be negative (input \(input), effective window \(window), stride \(stride))"
        }
    }
}

import Tensors

func requireFloat32(_ tensor: Tensor, _ operand: String) throws {
    guard tensor.elementType == .float32 else {
        throw KernelError.elementType(operand: operand, expected: "float32", found: tensor.elementType)
    }
}

func requireRank(_ tensor: Tensor, _ rank: Int, _ operand: String) throws {
    guard tensor.shape.rank == rank else {
        throw KernelError.rank(operand: operand, expected: "\(rank)", found: tensor.shape.rank)
    }
}
