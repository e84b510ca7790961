internal import CTFProtos

// MARK: - AttrValue

/// The value of one node attribute (`tensorflow.AttrValue`, attr_value.proto): exactly one of
/// the oneof cases, or `.unset` when none is set.
public enum AttrValue: Hashable, Sendable {
    /// Lists of attribute values (`list(int)`, `list(type)`, `list(shape)`, ...). Only one array
    /// is normally non-empty; an empty list has all arrays empty.
    public struct ListValue: Hashable, Sendable {
        public var s: [[UInt8]]
        public var i: [Int64]
        public var f: [Float]
        public var b: [Bool]
        public var type: [DataType]
        public var shape: [TensorShapeProto]
        public var tensor: [TensorProto]
        public var `func`: [NameAttrList]

        public init(
            s: [[UInt8]] = [], i: [Int64] = [], f: [Float] = [], b: [Bool] = [], type: [DataType] = [],
            shape: [TensorShapeProto] = [], tensor: [TensorProto] = [], `func`: [NameAttrList] = []
        ) {
            self.s = s
            self.i = i
            self.f = f
            self.b = b
            self.type = type
            self.shape = shape
            self.tensor = tensor
            self.func = `func`
        }
    }

    case list(ListValue)
    /// A `string` attr: raw bytes (usually UTF-8, e.g. `padding`, `data_format`).
    case s([UInt8])
    case i(Int64)
    case f(Float)
    case b(Bool)
    case type(DataType)
    case shape(TensorShapeProto)
    case tensor(TensorProto)
    /// A reference to an attr of the enclosing function (only inside function bodies).
    case placeholder(String)
    case `func`(NameAttrList)
    /// No case of the oneof was set.
    case unset

    /// The `s` case as a UTF-8 string (invalid sequences repaired); `nil` for other cases.
    public var string: String? {
        if case .s(let bytes) = self { return String(decoding: bytes, as: UTF8.self) }
        return nil
    }
}

// MARK: - NameAttrList

/// A function name with attribute values (`tensorflow.NameAttrList`), used by `func` attrs.
public struct NameAttrList: Hashable, Sendable {
    public var name: String
    public var attr: [String: AttrValue]

    public init(name: String = "", attr: [String: AttrValue] = [:]) {
        self.name = name
        self.attr = attr
    }
}

// MARK: - Decoding

extension AttrValue: ProtoMessage {
    public static let protoMessageName = "tensorflow.AttrValue"
    public static let _cDescriptor = cDescriptor(tensorflow__attr_value__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__AttrValue.self)) }

    init(_ c: Tensorflow__AttrValue) {
        switch c.value_case {
        case TENSORFLOW__ATTR_VALUE__VALUE_LIST:
            self = .list(swiftMessage(c.list, ListValue.init) ?? ListValue())
        case TENSORFLOW__ATTR_VALUE__VALUE_S: self = .s(swiftBytes(c.s))
        case TENSORFLOW__ATTR_VALUE__VALUE_I: self = .i(c.i)
        case TENSORFLOW__ATTR_VALUE__VALUE_F: self = .f(c.f)
        case TENSORFLOW__ATTR_VALUE__VALUE_B: self = .b(c.b != 0)
        case TENSORFLOW__ATTR_VALUE__VALUE_TYPE: self = .type(DataType(rawValue: swiftEnum(c.type)))
        case TENSORFLOW__ATTR_VALUE__VALUE_SHAPE:
            self = .shape(swiftMessage(c.shape, TensorShapeProto.init) ?? TensorShapeProto())
        case TENSORFLOW__ATTR_VALUE__VALUE_TENSOR:
            self = .tensor(swiftMessage(c.tensor, TensorProto.init) ?? TensorProto())
        case TENSORFLOW__ATTR_VALUE__VALUE_PLACEHOLDER: self = .placeholder(swiftString(c.placeholder))
        case TENSORFLOW__ATTR_VALUE__VALUE_FUNC:
            self = .func(swiftMessage(c.func, NameAttrList.init) ?? NameAttrList())
        default: self = .unset
        }
    }
}

extension AttrValue.ListValue: ProtoMessage {
    public static let protoMessageName = "tensorflow.AttrValue.ListValue"
    public static let _cDescriptor = cDescriptor(tensorflow__attr_value__list_value__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__AttrValue__ListValue.self)) }

    init(_ c: Tensorflow__AttrValue__ListValue) {
        self.init(
            s: swiftByteArrays(c.n_s, c.s),
            i: swiftArray(c.n_i, c.i),
            f: swiftArray(c.n_f, c.f),
            b: swiftBools(c.n_b, c.b),
            type: swiftArray(c.n_type, c.type) { DataType(rawValue: swiftEnum($0)) },
            shape: swiftMessages(c.n_shape, c.shape, TensorShapeProto.init),
            tensor: swiftMessages(c.n_tensor, c.tensor, TensorProto.init),
            func: swiftMessages(c.n_func, c.func, NameAttrList.init))
    }
}

extension NameAttrList: ProtoMessage {
    public static let protoMessageName = "tensorflow.NameAttrList"
    public static let _cDescriptor = cDescriptor(tensorflow__name_attr_list__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__NameAttrList.self)) }

    init(_ c: Tensorflow__NameAttrList) {
        self.init(name: swiftString(c.name), attr: swiftAttrMap(c.n_attr, c.attr))
    }
}

/// A `map<string, AttrValue>` field, whatever entry struct protoc-c generated for it.
func swiftAttrMap<Entry: AttrEntry>(
    _ count: Int, _ pointer: UnsafeMutablePointer<UnsafeMutablePointer<Entry>?>?
) -> [String: AttrValue] {
    swiftMap(count, pointer) { entry in
        (swiftString(entry.key), swiftMessage(entry.value, AttrValue.init) ?? .unset)
    }
}

/// The protoc-c entry structs of `map<string, AttrValue>` fields.
protocol AttrEntry {
    var key: UnsafeMutablePointer<CChar>! { get set }
    var value: UnsafeMutablePointer<Tensorflow__AttrValue>! { get set }
}

extension Tensorflow__NameAttrList__AttrEntry: AttrEntry {}
extension Tensorflow__NodeDef__AttrEntry: AttrEntry {}
extension Tensorflow__FunctionDef__AttrEntry: AttrEntry {}
extension Tensorflow__FunctionDef__ArgAttrs__AttrEntry: AttrEntry {}
