internal import CTFProtos

// MARK: - SignatureDef

/// A named entry point of a meta graph (`tensorflow.SignatureDef`, meta_graph.proto): which graph
/// tensors to feed and fetch, by the caller-facing key (`images`, `default`, ...).
public struct SignatureDef: Hashable, Sendable {
    public var inputs: [String: TensorInfo]
    public var outputs: [String: TensorInfo]
    /// E.g. `tensorflow/serving/predict`; hub modules leave it empty.
    public var methodName: String
    /// Default values for some inputs (TF2 only).
    public var defaults: [String: TensorProto]

    public init(
        inputs: [String: TensorInfo] = [:], outputs: [String: TensorInfo] = [:], methodName: String = "",
        defaults: [String: TensorProto] = [:]
    ) {
        self.inputs = inputs
        self.outputs = outputs
        self.methodName = methodName
        self.defaults = defaults
    }
}

// MARK: - TensorInfo

/// A graph tensor named by a signature or asset (`tensorflow.TensorInfo`).
public struct TensorInfo: Hashable, Sendable {
    /// The oneof `encoding`: a dense tensor name, or the component tensors of a sparse or
    /// composite value.
    public enum Encoding: Hashable, Sendable {
        /// A dense tensor, `node:output` (e.g. `module/images:0`).
        case name(String)
        case cooSparse(CooSparse)
        case compositeTensor(CompositeTensor)
    }

    /// Names of the three dense tensors that make up a `tf.SparseTensor`.
    public struct CooSparse: Hashable, Sendable {
        public var valuesTensorName: String
        public var indicesTensorName: String
        public var denseShapeTensorName: String
        public init(valuesTensorName: String = "", indicesTensorName: String = "", denseShapeTensorName: String = "") {
            self.valuesTensorName = valuesTensorName
            self.indicesTensorName = indicesTensorName
            self.denseShapeTensorName = denseShapeTensorName
        }
    }

    /// A TF2 composite tensor (ragged, ...): its type spec and flat components.
    public struct CompositeTensor: Hashable, Sendable {
        public var typeSpec: TypeSpecProto?
        public var components: [TensorInfo]
        public init(typeSpec: TypeSpecProto? = nil, components: [TensorInfo] = []) {
            self.typeSpec = typeSpec
            self.components = components
        }
    }

    public var encoding: Encoding?
    public var dtype: DataType
    /// Static shape, outermost first (-1 for unknown sizes, e.g. the batch dimension).
    public var tensorShape: TensorShapeProto
    /// Whether `tensorShape` was present in the encoding.
    public var hasTensorShape: Bool

    public init(encoding: Encoding? = nil, dtype: DataType = .invalid, tensorShape: TensorShapeProto? = nil) {
        self.encoding = encoding
        self.dtype = dtype
        self.tensorShape = tensorShape ?? TensorShapeProto()
        self.hasTensorShape = tensorShape != nil
    }

    /// The dense tensor name, when `encoding` is `.name`.
    public var name: String? {
        if case .name(let name) = encoding { return name }
        return nil
    }
}

// MARK: - TypeSpecProto

/// The type of a TF2 composite tensor (`tensorflow.TypeSpecProto`, struct.proto).
public struct TypeSpecProto: Hashable, Sendable {
    /// A `TypeSpecProto.TypeSpecClass` value (1 = sparse, 3 = ragged, ...).
    public var typeSpecClass: Int32
    /// The spec's own state (shape, dtype, ragged rank, ...), as the spec class serializes it.
    public var typeState: StructuredValue?
    public var typeSpecClassName: String
    public var numFlatComponents: Int32

    public init(
        typeSpecClass: Int32 = 0, typeState: StructuredValue? = nil, typeSpecClassName: String = "",
        numFlatComponents: Int32 = 0
    ) {
        self.typeSpecClass = typeSpecClass
        self.typeState = typeState
        self.typeSpecClassName = typeSpecClassName
        self.numFlatComponents = numFlatComponents
    }
}

// MARK: - AssetFileDef

/// An asset file of a SavedModel (`tensorflow.AssetFileDef`): the graph tensor that receives the
/// file's path at load time, and the file name relative to `assets/`.
public struct AssetFileDef: Hashable, Sendable {
    public var tensorInfo: TensorInfo
    /// Whether `tensorInfo` was present in the encoding.
    public var hasTensorInfo: Bool
    public var filename: String
    public init(tensorInfo: TensorInfo? = nil, filename: String = "") {
        self.tensorInfo = tensorInfo ?? TensorInfo()
        self.hasTensorInfo = tensorInfo != nil
        self.filename = filename
    }
}

// MARK: - Decoding

extension SignatureDef: ProtoMessage {
    public static let protoMessageName = "tensorflow.SignatureDef"
    public static let _cDescriptor = cDescriptor(tensorflow__signature_def__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__SignatureDef.self)) }

    init(_ c: Tensorflow__SignatureDef) {
        self.init(
            inputs: swiftMap(c.n_inputs, c.inputs) { (swiftString($0.key), swiftMessage($0.value, TensorInfo.init) ?? TensorInfo()) },
            outputs: swiftMap(c.n_outputs, c.outputs) { (swiftString($0.key), swiftMessage($0.value, TensorInfo.init) ?? TensorInfo()) },
            methodName: swiftString(c.method_name),
            defaults: swiftMap(c.n_defaults, c.defaults) { (swiftString($0.key), swiftMessage($0.value, TensorProto.init) ?? TensorProto()) })
    }
}

extension TensorInfo: ProtoMessage {
    public static let protoMessageName = "tensorflow.TensorInfo"
    public static let _cDescriptor = cDescriptor(tensorflow__tensor_info__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__TensorInfo.self)) }

    init(_ c: Tensorflow__TensorInfo) {
        let encoding: Encoding?
        switch c.encoding_case {
        case TENSORFLOW__TENSOR_INFO__ENCODING_NAME: encoding = .name(swiftString(c.name))
        case TENSORFLOW__TENSOR_INFO__ENCODING_COO_SPARSE:
            encoding = .cooSparse(swiftMessage(c.coo_sparse, CooSparse.init) ?? CooSparse())
        case TENSORFLOW__TENSOR_INFO__ENCODING_COMPOSITE_TENSOR:
            encoding = .compositeTensor(swiftMessage(c.composite_tensor, CompositeTensor.init) ?? CompositeTensor())
        default: encoding = nil
        }
        self.init(
            encoding: encoding, dtype: DataType(rawValue: swiftEnum(c.dtype)),
            tensorShape: swiftMessage(c.tensor_shape, TensorShapeProto.init))
    }
}

extension TensorInfo.CooSparse: ProtoMessage {
    public static let protoMessageName = "tensorflow.TensorInfo.CooSparse"
    public static let _cDescriptor = cDescriptor(tensorflow__tensor_info__coo_sparse__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__TensorInfo__CooSparse.self)) }

    init(_ c: Tensorflow__TensorInfo__CooSparse) {
        self.init(
            valuesTensorName: swiftString(c.values_tensor_name), indicesTensorName: swiftString(c.indices_tensor_name),
            denseShapeTensorName: swiftString(c.dense_shape_tensor_name))
    }
}

extension TensorInfo.CompositeTensor: ProtoMessage {
    public static let protoMessageName = "tensorflow.TensorInfo.CompositeTensor"
    public static let _cDescriptor = cDescriptor(tensorflow__tensor_info__composite_tensor__init)
    public init(_cMessage raw: UnsafeRawPointer) {
        self.init(cStruct(raw, as: Tensorflow__TensorInfo__CompositeTensor.self))
    }

    init(_ c: Tensorflow__TensorInfo__CompositeTensor) {
        self.init(
            typeSpec: swiftMessage(c.type_spec, TypeSpecProto.init),
            components: swiftMessages(c.n_components, c.components, TensorInfo.init))
    }
}

extension TypeSpecProto: ProtoMessage {
    public static let protoMessageName = "tensorflow.TypeSpecProto"
    public static let _cDescriptor = cDescriptor(tensorflow__type_spec_proto__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__TypeSpecProto.self)) }

    init(_ c: Tensorflow__TypeSpecProto) {
        self.init(
            typeSpecClass: swiftEnum(c.type_spec_class), typeState: swiftMessage(c.type_state, StructuredValue.init),
            typeSpecClassName: swiftString(c.type_spec_class_name), numFlatComponents: c.num_flat_components)
    }
}

extension AssetFileDef: ProtoMessage {
    public static let protoMessageName = "tensorflow.AssetFileDef"
    public static let _cDescriptor = cDescriptor(tensorflow__asset_file_def__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__AssetFileDef.self)) }

    init(_ c: Tensorflow__AssetFileDef) {
        self.init(
            tensorInfo: swiftMessage(c.tensor_info, TensorInfo.init), filename: swiftString(c.filename))
    }
}
