internal import CTFProtos

// MARK: - StructuredValue

/// A nested Python value as TF2 stores it (`tensorflow.StructuredValue`, struct.proto): the input
/// and output signatures of saved functions, with `TensorSpecProto`s where tensors go and plain
/// values (`bool`, `None`, strings) for Python arguments.
public indirect enum StructuredValue: Hashable, Sendable {
    /// No `kind` set.
    case unset
    /// Python's `None`.
    case none
    case float64(Double)
    case int64(Int64)
    case string(String)
    case bool(Bool)
    case tensorShape(TensorShapeProto)
    case tensorDType(DataType)
    case tensorSpec(TensorSpecProto)
    case typeSpec(TypeSpecProto)
    case boundedTensorSpec(BoundedTensorSpecProto)
    case list([StructuredValue])
    case tuple([StructuredValue])
    /// A dict; its Python order is the sorted order of the keys (`nest.flatten` sorts them).
    case dict([String: StructuredValue])
    /// A named tuple (e.g. `FullArgSpec`), fields in order.
    case namedTuple(name: String, values: [PairValue])
    case tensor(TensorProto)
    case numpy(TensorProto)

    /// One field of a named tuple (`tensorflow.PairValue`).
    public struct PairValue: Hashable, Sendable {
        public var key: String
        public var value: StructuredValue
        public init(key: String = "", value: StructuredValue = .unset) {
            self.key = key
            self.value = value
        }
    }

    /// The field `key` of a named tuple, or `nil`.
    public subscript(field key: String) -> StructuredValue? {
        guard case .namedTuple(_, let values) = self else { return nil }
        return values.first { $0.key == key }?.value
    }
}

/// The type and shape of a tensor argument or result (`tensorflow.TensorSpecProto`).
public struct TensorSpecProto: Hashable, Sendable {
    public var name: String
    public var shape: TensorShapeProto
    public var dtype: DataType

    public init(name: String = "", shape: TensorShapeProto = TensorShapeProto(), dtype: DataType = .invalid) {
        self.name = name
        self.shape = shape
        self.dtype = dtype
    }
}

/// A `TensorSpecProto` with bounds (`tensorflow.BoundedTensorSpecProto`, TF-Agents specs).
public struct BoundedTensorSpecProto: Hashable, Sendable {
    public var name: String
    public var shape: TensorShapeProto
    public var dtype: DataType
    public var minimum: TensorProto?
    public var maximum: TensorProto?

    public init(
        name: String = "", shape: TensorShapeProto = TensorShapeProto(), dtype: DataType = .invalid,
        minimum: TensorProto? = nil, maximum: TensorProto? = nil
    ) {
        self.name = name
        self.shape = shape
        self.dtype = dtype
        self.minimum = minimum
        self.maximum = maximum
    }
}

// MARK: - Decoding

extension StructuredValue: ProtoMessage {
    public static let protoMessageName = "tensorflow.StructuredValue"
    public static let _cDescriptor = cDescriptor(tensorflow__structured_value__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__StructuredValue.self)) }

    init(_ c: Tensorflow__StructuredValue) {
        switch c.kind_case {
        case TENSORFLOW__STRUCTURED_VALUE__KIND_NONE_VALUE: self = .none
        case TENSORFLOW__STRUCTURED_VALUE__KIND_FLOAT64_VALUE: self = .float64(c.float64_value)
        case TENSORFLOW__STRUCTURED_VALUE__KIND_INT64_VALUE: self = .int64(c.int64_value)
        case TENSORFLOW__STRUCTURED_VALUE__KIND_STRING_VALUE: self = .string(swiftString(c.string_value))
        case TENSORFLOW__STRUCTURED_VALUE__KIND_BOOL_VALUE: self = .bool(c.bool_value != 0)
        case TENSORFLOW__STRUCTURED_VALUE__KIND_TENSOR_SHAPE_VALUE:
            self = .tensorShape(swiftMessage(c.tensor_shape_value, TensorShapeProto.init) ?? TensorShapeProto())
        case TENSORFLOW__STRUCTURED_VALUE__KIND_TENSOR_DTYPE_VALUE:
            self = .tensorDType(DataType(rawValue: swiftEnum(c.tensor_dtype_value)))
        case TENSORFLOW__STRUCTURED_VALUE__KIND_TENSOR_SPEC_VALUE:
            self = .tensorSpec(swiftMessage(c.tensor_spec_value, TensorSpecProto.init) ?? TensorSpecProto())
        case TENSORFLOW__STRUCTURED_VALUE__KIND_TYPE_SPEC_VALUE:
            self = .typeSpec(swiftMessage(c.type_spec_value, TypeSpecProto.init) ?? TypeSpecProto())
        case TENSORFLOW__STRUCTURED_VALUE__KIND_BOUNDED_TENSOR_SPEC_VALUE:
            self = .boundedTensorSpec(
                swiftMessage(c.bounded_tensor_spec_value, BoundedTensorSpecProto.init) ?? BoundedTensorSpecProto())
        case TENSORFLOW__STRUCTURED_VALUE__KIND_LIST_VALUE:
            self = .list(swiftMessage(c.list_value) { swiftMessages($0.n_values, $0.values, StructuredValue.init) } ?? [])
        case TENSORFLOW__STRUCTURED_VALUE__KIND_TUPLE_VALUE:
            self = .tuple(swiftMessage(c.tuple_value) { swiftMessages($0.n_values, $0.values, StructuredValue.init) } ?? [])
        case TENSORFLOW__STRUCTURED_VALUE__KIND_DICT_VALUE:
            self = .dict(swiftMessage(c.dict_value) {
                swiftMap($0.n_fields, $0.fields) {
                    (swiftString($0.key), swiftMessage($0.value, StructuredValue.init) ?? .unset)
                }
            } ?? [:])
        case TENSORFLOW__STRUCTURED_VALUE__KIND_NAMED_TUPLE_VALUE:
            let named = c.named_tuple_value?.pointee
            self = .namedTuple(
                name: swiftString(named?.name),
                values: named.map { swiftMessages($0.n_values, $0.values, PairValue.init) } ?? [])
        case TENSORFLOW__STRUCTURED_VALUE__KIND_TENSOR_VALUE:
            self = .tensor(swiftMessage(c.tensor_value, TensorProto.init) ?? TensorProto())
        case TENSORFLOW__STRUCTURED_VALUE__KIND_NUMPY_VALUE:
            self = .numpy(swiftMessage(c.numpy_value, TensorProto.init) ?? TensorProto())
        default: self = .unset
        }
    }
}

extension StructuredValue.PairValue {
    init(_ c: Tensorflow__PairValue) {
        self.init(key: swiftString(c.key), value: swiftMessage(c.value, StructuredValue.init) ?? .unset)
    }
}

extension TensorSpecProto: ProtoMessage {
    public static let protoMessageName = "tensorflow.TensorSpecProto"
    public static let _cDescriptor = cDescriptor(tensorflow__tensor_spec_proto__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__TensorSpecProto.self)) }

    init(_ c: Tensorflow__TensorSpecProto) {
        self.init(
            name: swiftString(c.name), shape: swiftMessage(c.shape, TensorShapeProto.init) ?? TensorShapeProto(),
            dtype: DataType(rawValue: swiftEnum(c.dtype)))
    }
}

extension BoundedTensorSpecProto: ProtoMessage {
    public static let protoMessageName = "tensorflow.BoundedTensorSpecProto"
    public static let _cDescriptor = cDescriptor(tensorflow__bounded_tensor_spec_proto__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__BoundedTensorSpecProto.self)) }

    init(_ c: Tensorflow__BoundedTensorSpecProto) {
        self.init(
            name: swiftString(c.name), shape: swiftMessage(c.shape, TensorShapeProto.init) ?? TensorShapeProto(),
            dtype: DataType(rawValue: swiftEnum(c.dtype)), minimum: swiftMessage(c.minimum, TensorProto.init),
            maximum: swiftMessage(c.maximum, TensorProto.init))
    }
}
