import Tensors
import TFProto

/// The declared type and shape of one signature input or output.
public struct TensorSpec: Sendable, Equatable, CustomStringConvertible {
    /// The graph tensor behind it, `"node:index"`.
    public let tensorName: String
    /// TensorFlow's dtype name, e.g. `"DT_FLOAT"`.
    public let dataTypeName: String
    /// The element type, or `nil` when the dtype has no `Tensors` counterpart (e.g. `DT_HALF`).
    public let elementType: ElementType?
    /// The dimensions, outermost first, `nil` for an unknown dimension (such as the batch); the whole
    /// array is `nil` when even the rank is unknown. Images are `[batch, height, width, channels]` (NHWC).
    public let shape: [Int?]?

    init(tensorName: String, dataType: DataType, shape: TensorShapeProto) {
        self.tensorName = tensorName
        self.dataTypeName = dataType.description
        self.elementType = ElementType(dataType)
        self.shape = shape.unknownRank ? nil : shape.dim.map { $0.size < 0 ? nil : Int($0.size) }
    }

    /// Whether `tensor` has this element type and agrees with every known dimension.
    func accepts(_ tensor: Tensor) -> Bool {
        guard tensor.elementType == elementType else { return false }
        guard let shape else { return true }
        guard shape.count == tensor.shape.rank else { return false }
        return zip(shape, tensor.shape.dimensions).allSatisfy { $0 == nil || $0 == $1 }
    }

    public var description: String {
        let dims = shape.map { "[" + $0.map { $0.map(String.init) ?? "?" }.joined(separator: ", ") + "]" } ?? "<unknown rank>"
        return "\(dataTypeName) \(dims) (\(tensorName))"
    }
}

extension ElementType {
    /// The element type for a TensorFlow dtype (reference types map to their base type).
    init?(_ dataType: DataType) {
        switch dataType.baseType {
        case .float: self = .float32
        case .double: self = .float64
        case .int8: self = .int8
        case .int16: self = .int16
        case .int32: self = .int32
        case .int64: self = .int64
        case .uint8: self = .uint8
        case .uint16: self = .uint16
        case .uint32: self = .uint32
        case .uint64: self = .uint64
        case .bool: self = .bool
        case .string: self = .string
        default: return nil
        }
    }
}
