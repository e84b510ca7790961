internal import CTFProtos

// MARK: - ResourceHandleProto

/// A handle to a resource such as a resource variable (`tensorflow.ResourceHandleProto`).
public struct ResourceHandleProto: Hashable, Sendable {
    /// Dtype and shape of one tensor a resource holds.
    public struct DtypeAndShape: Hashable, Sendable {
        public var dtype: DataType
        public var shape: TensorShapeProto
        /// Whether `shape` was present in the encoding.
        public var hasShape: Bool
        public init(dtype: DataType = .invalid, shape: TensorShapeProto? = nil) {
            self.dtype = dtype
            self.shape = shape ?? TensorShapeProto()
            self.hasShape = shape != nil
        }
    }

    public var device: String
    public var container: String
    public var name: String
    public var hashCode: UInt64
    public var maybeTypeName: String
    public var dtypesAndShapes: [DtypeAndShape]

    public init(
        device: String = "", container: String = "", name: String = "", hashCode: UInt64 = 0,
        maybeTypeName: String = "", dtypesAndShapes: [DtypeAndShape] = []
    ) {
        self.device = device
        self.container = container
        self.name = name
        self.hashCode = hashCode
        self.maybeTypeName = maybeTypeName
        self.dtypesAndShapes = dtypesAndShapes
    }
}

extension ResourceHandleProto: ProtoMessage {
    public static let protoMessageName = "tensorflow.ResourceHandleProto"
    public static let _cDescriptor = cDescriptor(tensorflow__resource_handle_proto__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__ResourceHandleProto.self)) }

    init(_ c: Tensorflow__ResourceHandleProto) {
        self.init(
            device: swiftString(c.device), container: swiftString(c.container), name: swiftString(c.name),
            hashCode: c.hash_code, maybeTypeName: swiftString(c.maybe_type_name),
            dtypesAndShapes: swiftMessages(c.n_dtypes_and_shapes, c.dtypes_and_shapes, DtypeAndShape.init))
    }
}

extension ResourceHandleProto.DtypeAndShape: ProtoMessage {
    public static let protoMessageName = "tensorflow.ResourceHandleProto.DtypeAndShape"
    public static let _cDescriptor = cDescriptor(tensorflow__resource_handle_proto__dtype_and_shape__init)
    public init(_cMessage raw: UnsafeRawPointer) {
        self.init(cStruct(raw, as: Tensorflow__ResourceHandleProto__DtypeAndShape.self))
    }

    init(_ c: Tensorflow__ResourceHandleProto__DtypeAndShape) {
        self.init(
            dtype: DataType(rawValue: swiftEnum(c.dtype)),
            shape: swiftMessage(c.shape, TensorShapeProto.init))
    }
}
