internal import CTFProtos

// MARK: - GraphDef

/// A TensorFlow graph (`tensorflow.GraphDef`, graph.proto): nodes in no particular order, the
/// graph's versions, and a library of functions (empty in TF1 hub modules).
///
/// Not copied: field 3 (`version`, deprecated since 2016) and field 5 (`debug_info`, stack traces
/// for error messages); both are defined in Proto/.
public struct GraphDef: Hashable, Sendable {
    public var node: [NodeDef]
    public var versions: VersionDef
    /// Whether `versions` was present in the encoding.
    public var hasVersions: Bool
    public var library: FunctionDefLibrary
    /// Whether `library` was present in the encoding.
    public var hasLibrary: Bool

    public init(
        node: [NodeDef] = [], versions: VersionDef? = nil,
        library: FunctionDefLibrary? = nil
    ) {
        self.node = node
        self.versions = versions ?? VersionDef()
        self.hasVersions = versions != nil
        self.library = library ?? FunctionDefLibrary()
        self.hasLibrary = library != nil
    }
}

// MARK: - FunctionDefLibrary

/// Functions and gradient registrations of a graph (`tensorflow.FunctionDefLibrary`).
public struct FunctionDefLibrary: Hashable, Sendable {
    public var function: [FunctionDef]
    public var gradient: [GradientDef]
    public var registeredGradients: [RegisteredGradient]

    public init(function: [FunctionDef] = [], gradient: [GradientDef] = [], registeredGradients: [RegisteredGradient] = []) {
        self.function = function
        self.gradient = gradient
        self.registeredGradients = registeredGradients
    }

    /// True when the library holds nothing (the TF1 hub case).
    public var isEmpty: Bool { function.isEmpty && gradient.isEmpty && registeredGradients.isEmpty }
}

/// A graph function (`tensorflow.FunctionDef`): a signature, a body of nodes and the mapping of
/// output names to body tensors.
public struct FunctionDef: Hashable, Sendable {
    public var signature: OpDef
    /// Whether `signature` was present in the encoding.
    public var hasSignature: Bool
    public var attr: [String: AttrValue]
    /// Attributes of arguments, by argument index.
    public var argAttr: [UInt32: [String: AttrValue]]
    public var resourceArgUniqueID: [UInt32: UInt32]
    public var nodeDef: [NodeDef]
    public var ret: [String: String]
    public var controlRet: [String: String]

    public init(
        signature: OpDef? = nil, attr: [String: AttrValue] = [:], argAttr: [UInt32: [String: AttrValue]] = [:],
        resourceArgUniqueID: [UInt32: UInt32] = [:], nodeDef: [NodeDef] = [], ret: [String: String] = [:],
        controlRet: [String: String] = [:]
    ) {
        self.signature = signature ?? OpDef()
        self.hasSignature = signature != nil
        self.attr = attr
        self.argAttr = argAttr
        self.resourceArgUniqueID = resourceArgUniqueID
        self.nodeDef = nodeDef
        self.ret = ret
        self.controlRet = controlRet
    }
}

/// Names the gradient function of a function (`tensorflow.GradientDef`).
public struct GradientDef: Hashable, Sendable {
    public var functionName: String
    public var gradientFunc: String
    public init(functionName: String = "", gradientFunc: String = "") {
        self.functionName = functionName
        self.gradientFunc = gradientFunc
    }
}

/// Names the gradient function registered for an op type (`tensorflow.RegisteredGradient`).
public struct RegisteredGradient: Hashable, Sendable {
    public var gradientFunc: String
    public var registeredOpType: String
    public init(gradientFunc: String = "", registeredOpType: String = "") {
        self.gradientFunc = gradientFunc
        self.registeredOpType = registeredOpType
    }
}

// MARK: - Decoding

extension GraphDef: ProtoMessage {
    public static let protoMessageName = "tensorflow.GraphDef"
    public static let _cDescriptor = cDescriptor(tensorflow__graph_def__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__GraphDef.self)) }

    init(_ c: Tensorflow__GraphDef) {
        self.init(
            node: swiftMessages(c.n_node, c.node, NodeDef.init),
            versions: swiftMessage(c.versions, VersionDef.init),
            library: swiftMessage(c.library, FunctionDefLibrary.init))
    }
}

extension FunctionDefLibrary: ProtoMessage {
    public static let protoMessageName = "tensorflow.FunctionDefLibrary"
    public static let _cDescriptor = cDescriptor(tensorflow__function_def_library__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__FunctionDefLibrary.self)) }

    init(_ c: Tensorflow__FunctionDefLibrary) {
        self.init(
            function: swiftMessages(c.n_function, c.function, FunctionDef.init),
            gradient: swiftMessages(c.n_gradient, c.gradient, GradientDef.init),
            registeredGradients: swiftMessages(c.n_registered_gradients, c.registered_gradients, RegisteredGradient.init))
    }
}

extension FunctionDef: ProtoMessage {
    public static let protoMessageName = "tensorflow.FunctionDef"
    public static let _cDescriptor = cDescriptor(tensorflow__function_def__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__FunctionDef.self)) }

    init(_ c: Tensorflow__FunctionDef) {
        self.init(
            signature: swiftMessage(c.signature, OpDef.init),
            attr: swiftAttrMap(c.n_attr, c.attr),
            argAttr: swiftMap(c.n_arg_attr, c.arg_attr) { entry in
                (entry.key, entry.value.map { swiftAttrMap($0.pointee.n_attr, $0.pointee.attr) } ?? [:])
            },
            resourceArgUniqueID: swiftMap(c.n_resource_arg_unique_id, c.resource_arg_unique_id) { ($0.key, $0.value) },
            nodeDef: swiftMessages(c.n_node_def, c.node_def, NodeDef.init),
            ret: swiftMap(c.n_ret, c.ret) { (swiftString($0.key), swiftString($0.value)) },
            controlRet: swiftMap(c.n_control_ret, c.control_ret) { (swiftString($0.key), swiftString($0.value)) })
    }
}

extension GradientDef: ProtoMessage {
    public static let protoMessageName = "tensorflow.GradientDef"
    public static let _cDescriptor = cDescriptor(tensorflow__gradient_def__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__GradientDef.self)) }

    init(_ c: Tensorflow__GradientDef) {
        self.init(functionName: swiftString(c.function_name), gradientFunc: swiftString(c.gradient_func))
    }
}

extension RegisteredGradient: ProtoMessage {
    public static let protoMessageName = "tensorflow.RegisteredGradient"
    public static let _cDescriptor = cDescriptor(tensorflow__registered_gradient__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__RegisteredGradient.self)) }

    init(_ c: Tensorflow__RegisteredGradient) {
        self.init(gradientFunc: swiftString(c.gradient_func), registeredOpType: swiftString(c.registered_op_type))
    }
}
