/// The element types a `Tensor` can hold.
///
/// Numeric and boolean tensors are stored densely in native (little-endian) byte order; string tensors
/// hold byte strings, which need not be UTF-8.
public enum ElementType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case float32, float64
    case int8, int16, int32, int64
    case uint8, uint16, uint32, uint64
    case bool
    case string

    /// Bytes per element, or `nil` for `string`.
    public var byteSize: Int? {
        switch self {
        case .int8, .uint8, .bool: return 1
        case .int16, .uint16: return 2
        case .float32, .int32, .uint32: return 4
        case .float64, .int64, .uint64: return 8
        case .string: return nil
        }
    }

    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }
    public var isInteger: Bool {
        switch self {
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64: return true
        default: return false
        }
    }

    public var description: String { rawValue }
}

/// A Swift type that can be the element of a dense tensor.
public protocol TensorScalar: Sendable {
    static var elementType: ElementType { get }
}

extension Float: TensorScalar { public static var elementType: ElementType { .float32 } }
extension Double: TensorScalar { public static var elementType: ElementType { .float64 } }
extension Int8: TensorScalar { public static var elementType: ElementType { .int8 } }
extension Int16: TensorScalar { public static var elementType: ElementType { .int16 } }
extension Int32: TensorScalar { public static var elementType: ElementType { .int32 } }
extension Int64: TensorScalar { public static var elementType: ElementType { .int64 } }
extension UInt8: TensorScalar { public static var elementType: ElementType { .uint8 } }
extension UInt16: TensorScalar { public static var elementType: ElementType { .uint16 } }
extension UInt32: TensorScalar { public static var elementType: ElementType { .uint32 } }
extension UInt64: TensorScalar { public static var elementType: ElementType { .uint64 } }
extension Bool: TensorScalar { public static var elementType: ElementType { .bool } }
