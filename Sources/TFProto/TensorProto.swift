internal import CTFProtos

// MARK: - TensorProto

/// A serialized tensor value (`tensorflow.TensorProto`, tensor.proto), e.g. a `Const` node's
/// `value` attr.
///
/// Holds the values one of two ways: raw little-endian bytes in `tensorContent`, or one typed
/// repeated field matching `dtype` (`floatVal` for DT_FLOAT, `halfVal` for DT_HALF and DT_BFLOAT16
/// as 16-bit patterns, `intVal` for int32/int16/int8/uint8/qint*, `stringVal`, ...). In the typed
/// form TensorFlow lets the field be shorter than the shape: the last value fills the rest (one
/// value fills the whole tensor). This type keeps the fields as stored; expanding them is the
/// tensor layer's job.
public struct TensorProto: Hashable, Sendable {
    public var dtype: DataType
    /// Shape, outermost first; empty (scalar) when absent.
    public var tensorShape: TensorShapeProto
    /// Whether `tensorShape` was present in the encoding.
    public var hasTensorShape: Bool
    public var versionNumber: Int32
    /// Raw element bytes (little-endian, row-major); empty when a typed field is used.
    public var tensorContent: [UInt8]
    public var halfVal: [Int32]
    public var floatVal: [Float]
    public var doubleVal: [Double]
    public var intVal: [Int32]
    public var stringVal: [[UInt8]]
    /// Complex64 values as interleaved (real, imaginary) pairs.
    public var scomplexVal: [Float]
    public var int64Val: [Int64]
    public var boolVal: [Bool]
    /// Complex128 values as interleaved (real, imaginary) pairs.
    public var dcomplexVal: [Double]
    public var resourceHandleVal: [ResourceHandleProto]
    public var variantVal: [VariantTensorDataProto]
    public var uint32Val: [UInt32]
    public var uint64Val: [UInt64]
    /// float8 (and 4-bit) values, one byte each.
    public var float8Val: [UInt8]

    public init(
        dtype: DataType = .invalid, tensorShape: TensorShapeProto? = nil, versionNumber: Int32 = 0,
        tensorContent: [UInt8] = [], halfVal: [Int32] = [], floatVal: [Float] = [], doubleVal: [Double] = [],
        intVal: [Int32] = [], stringVal: [[UInt8]] = [], scomplexVal: [Float] = [], int64Val: [Int64] = [],
        boolVal: [Bool] = [], dcomplexVal: [Double] = [], resourceHandleVal: [ResourceHandleProto] = [],
        variantVal: [VariantTensorDataProto] = [], uint32Val: [UInt32] = [], uint64Val: [UInt64] = [],
        float8Val: [UInt8] = []
    ) {
        self.dtype = dtype
        self.tensorShape = tensorShape ?? TensorShapeProto()
        self.hasTensorShape = tensorShape != nil
        self.versionNumber = versionNumber
        self.tensorContent = tensorContent
        self.halfVal = halfVal
        self.floatVal = floatVal
        self.doubleVal = doubleVal
        self.intVal = intVal
        self.stringVal = stringVal
        self.scomplexVal = scomplexVal
        self.int64Val = int64Val
        self.boolVal = boolVal
        self.dcomplexVal = dcomplexVal
        self.resourceHandleVal = resourceHandleVal
        self.variantVal = variantVal
        self.uint32Val = uint32Val
        self.uint64Val = uint64Val
        self.float8Val = float8Val
    }
}

extension TensorProto: ProtoMessage {
    public static let protoMessageName = "tensorflow.TensorProto"
    public static let _cDescriptor = cDescriptor(tensorflow__tensor_proto__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__TensorProto.self)) }

    init(_ c: Tensorflow__TensorProto) {
        self.init(
            dtype: DataType(rawValue: swiftEnum(c.dtype)),
            tensorShape: swiftMessage(c.tensor_shape, TensorShapeProto.init),
            versionNumber: c.version_number,
            tensorContent: swiftBytes(c.tensor_content),
            halfVal: swiftArray(c.n_half_val, c.half_val),
            floatVal: swiftArray(c.n_float_val, c.float_val),
            doubleVal: swiftArray(c.n_double_val, c.double_val),
            intVal: swiftArray(c.n_int_val, c.int_val),
            stringVal: swiftByteArrays(c.n_string_val, c.string_val),
            scomplexVal: swiftArray(c.n_scomplex_val, c.scomplex_val),
            int64Val: swiftArray(c.n_int64_val, c.int64_val),
            boolVal: swiftBools(c.n_bool_val, c.bool_val),
            dcomplexVal: swiftArray(c.n_dcomplex_val, c.dcomplex_val),
            resourceHandleVal: swiftMessages(c.n_resource_handle_val, c.resource_handle_val, ResourceHandleProto.init),
            variantVal: swiftMessages(c.n_variant_val, c.variant_val, VariantTensorDataProto.init),
            uint32Val: swiftArray(c.n_uint32_val, c.uint32_val),
            uint64Val: swiftArray(c.n_uint64_val, c.uint64_val),
            float8Val: swiftBytes(c.float8_val))
    }
}

// MARK: - VariantTensorDataProto

/// The payload of one DT_VARIANT element (`tensorflow.VariantTensorDataProto`).
public struct VariantTensorDataProto: Hashable, Sendable {
    public var typeName: String
    public var metadata: [UInt8]
    public var tensors: [TensorProto]

    public init(typeName: String = "", metadata: [UInt8] = [], tensors: [TensorProto] = []) {
        self.typeName = typeName
        self.metadata = metadata
        self.tensors = tensors
    }
}

extension VariantTensorDataProto: ProtoMessage {
    public static let protoMessageName = "tensorflow.VariantTensorDataProto"
    public static let _cDescriptor = cDescriptor(tensorflow__variant_tensor_data_proto__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__VariantTensorDataProto.self)) }

    init(_ c: Tensorflow__VariantTensorDataProto) {
        self.init(
            typeName: swiftString(c.type_name), metadata: swiftBytes(c.metadata),
            tensors: swiftMessages(c.n_tensors, c.tensors, TensorProto.init))
    }
}
