import Tensors

// MARK: - Attribute values

/// One attribute of a graph node, decoupled from the protobuf types so that op builders see plain
/// Swift values. Tensor attributes stay undecoded until an op asks for them (initializer subgraphs
/// may hold constants of types we never run).
enum AttributeValue: Sendable {
    case int(Int64)
    case float(Float)
    case bool(Bool)
    case string([UInt8])
    case type(DataTypeCode)
    case shape(PartialShape)
    case tensor(TensorLiteral)
    case list(AttributeList)
    case function(String)
    /// A function-attribute placeholder (only inside function bodies).
    case placeholder(String)
    case unset

    /// The kind's name, for error messages.
    var kindName: String {
        switch self {
        case .int: return "int"
        case .float: return "float"
        case .bool: return "bool"
        case .string: return "string"
        case .type: return "type"
        case .shape: return "shape"
        case .tensor: return "tensor"
        case .list: return "list"
        case .function: return "func"
        case .placeholder: return "placeholder"
        case .unset: return "unset"
        }
    }
}

/// A list attribute. Exactly one array is non-empty, or none for an empty list.
struct AttributeList: Sendable {
    var ints: [Int64] = []
    var floats: [Float] = []
    var bools: [Bool] = []
    var strings: [[UInt8]] = []
    var types: [DataTypeCode] = []
    var shapes: [PartialShape] = []
    var tensors: [TensorLiteral] = []
    var functions: [String] = []

    var isEmpty: Bool {
        ints.isEmpty && floats.isEmpty && bools.isEmpty && strings.isEmpty && types.isEmpty
            && shapes.isEmpty && tensors.isEmpty && functions.isEmpty
    }
}

// MARK: - Data types

/// A TensorFlow `DataType` enum value (`_REF` variants already normalised to their base type).
public struct DataTypeCode: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue >= 100 ? rawValue - 100 : rawValue }

    /// The element type we store this data type as, or `nil` if the interpreter does not support it.
    public var elementType: ElementType? {
        switch rawValue {
        case 1: return .float32
        case 2: return .float64
        case 3: return .int32
        case 4: return .uint8
        case 5: return .int16
        case 6: return .int8
        case 7: return .string
        case 9: return .int64
        case 10: return .bool
        case 17: return .uint16
        case 22: return .uint32
        case 23: return .uint64
        default: return nil
        }
    }

    public init(_ elementType: ElementType) {
        switch elementType {
        case .float32: rawValue = 1
        case .float64: rawValue = 2
        case .int32: rawValue = 3
        case .uint8: rawValue = 4
        case .int16: rawValue = 5
        case .int8: rawValue = 6
        case .string: rawValue = 7
        case .int64: rawValue = 9
        case .bool: rawValue = 10
        case .uint16: rawValue = 17
        case .uint32: rawValue = 22
        case .uint64: rawValue = 23
        }
    }

    static let names: [Int32: String] = [
        0: "DT_INVALID", 1: "DT_FLOAT", 2: "DT_DOUBLE", 3: "DT_INT32", 4: "DT_UINT8", 5: "DT_INT16",
        6: "DT_INT8", 7: "DT_STRING", 8: "DT_COMPLEX64", 9: "DT_INT64", 10: "DT_BOOL", 11: "DT_QINT8",
        12: "DT_QUINT8", 13: "DT_QINT32", 14: "DT_BFLOAT16", 15: "DT_QINT16", 16: "DT_QUINT16",
        17: "DT_UINT16", 18: "DT_COMPLEX128", 19: "DT_HALF", 20: "DT_RESOURCE", 21: "DT_VARIANT",
        22: "DT_UINT32", 23: "DT_UINT64",
    ]

    /// TensorFlow's name, e.g. `DT_FLOAT`.
    public var description: String { Self.names[rawValue] ?? "DT_\(rawValue)" }
}

// MARK: - Partial shapes

/// A shape attribute: `nil` dimensions for unknown rank, `-1` for an unknown dimension.
struct PartialShape: Hashable, Sendable, CustomStringConvertible {
    var dimensions: [Int]?

    static let unknownRank = PartialShape(dimensions: nil)

    /// The concrete shape, if every dimension is known.
    var fullyDefined: Shape? {
        guard let dims = dimensions, dims.allSatisfy({ $0 >= 0 }) else { return nil }
        return Shape(dims)
    }

    /// Whether `shape` is one of the shapes this partial shape allows.
    func isCompatible(with shape: Shape) -> Bool {
        guard let dims = dimensions else { return true }
        guard dims.count == shape.rank else { return false }
        return zip(dims, shape.dimensions).allSatisfy { $0 < 0 || $0 == $1 }
    }

    var description: String {
        guard let dims = dimensions else { return "<unknown rank>" }
        return "[" + dims.map { $0 < 0 ? "?" : String($0) }.joined(separator: ", ") + "]"
    }
}

// MARK: - Tensor literals

/// A tensor attribute, decoded on first use. `decode` throws a `TensorDecodingError`.
struct TensorLiteral: Sendable {
    let decode: @Sendable () throws -> Tensor

    init(decode: @escaping @Sendable () throws -> Tensor) { self.decode = decode }
    init(_ tensor: Tensor) { self.decode = { tensor } }
}

/// Why a serialized tensor could not become a `Tensor`.
public enum TensorDecodingError: Error, CustomStringConvertible, Sendable {
    case unsupportedDataType(DataTypeCode)
    case invalidShape(String)
    case contentSize(expected: Int, found: Int)
    case malformed(String)

    public var description: String {
        switch self {
        case .unsupportedDataType(let t): return "unsupported data type \(t)"
        case .invalidShape(let why): return "invalid shape: \(why)"
        case .contentSize(let e, let f): return "tensor_content holds \(f) bytes, expected \(e)"
        case .malformed(let why): return why
        }
    }
}
