internal import CTFProtos

// MARK: - SavedObjectGraph

/// The TF2 object graph of a SavedModel (`tensorflow.SavedObjectGraph`, saved_object_graph.proto;
/// `MetaGraphDef.object_graph_def`): what `tf.saved_model.save` reached from the root object
/// (node 0), with the concrete functions of the graph's library by name. Node ids are those of the
/// checkpoint's `TrackableObjectGraph`.
public struct SavedObjectGraph: Hashable, Sendable {
    public var nodes: [SavedObject]
    /// By function name in `GraphDef.library`.
    public var concreteFunctions: [String: SavedConcreteFunction]

    public init(nodes: [SavedObject] = [], concreteFunctions: [String: SavedConcreteFunction] = [:]) {
        self.nodes = nodes
        self.concreteFunctions = concreteFunctions
    }
}

/// One object of the graph (`tensorflow.SavedObject`).
public struct SavedObject: Hashable, Sendable {
    public typealias ObjectReference = TrackableObjectGraph.TrackableObject.ObjectReference

    /// The oneof `kind`.
    public enum Kind: Hashable, Sendable {
        case userObject(SavedUserObject)
        case asset(SavedAsset)
        case function(SavedFunction)
        case variable(SavedVariable)
        case bareConcreteFunction(SavedBareConcreteFunction)
        case constant(SavedConstant)
        case resource(SavedResource)
        case capturedTensor(CapturedTensor)
    }

    /// Named edges (`layer-0`, `kernel`, `__call__`, `signatures`, ...).
    public var children: [ObjectReference]
    public var dependencies: [ObjectReference]
    public var slotVariables: [TrackableObjectGraph.TrackableObject.SlotVariableReference]
    public var kind: Kind?
    public var saveableObjects: [String: SaveableObject]
    public var registeredName: String
    public var serializedUserProto: ProtoAny?
    public var registeredSaver: String

    public init(
        children: [ObjectReference] = [], dependencies: [ObjectReference] = [],
        slotVariables: [TrackableObjectGraph.TrackableObject.SlotVariableReference] = [], kind: Kind? = nil,
        saveableObjects: [String: SaveableObject] = [:], registeredName: String = "",
        serializedUserProto: ProtoAny? = nil, registeredSaver: String = ""
    ) {
        self.children = children
        self.dependencies = dependencies
        self.slotVariables = slotVariables
        self.kind = kind
        self.saveableObjects = saveableObjects
        self.registeredName = registeredName
        self.serializedUserProto = serializedUserProto
        self.registeredSaver = registeredSaver
    }

    /// The node id of the child called `name`, or `nil`.
    public func child(_ name: String) -> Int32? { children.first { $0.localName == name }?.nodeID }
}

/// An object of a user or framework class (`tensorflow.SavedUserObject`).
public struct SavedUserObject: Hashable, Sendable {
    /// E.g. `_generic_user_object`, `signature_map`, `_tf_keras_model`.
    public var identifier: String
    public var version: VersionDef?
    public var metadata: String
    public init(identifier: String = "", version: VersionDef? = nil, metadata: String = "") {
        self.identifier = identifier
        self.version = version
        self.metadata = metadata
    }
}

/// An asset (`tensorflow.SavedAsset`): an index into `MetaGraphDef.assetFileDef`.
public struct SavedAsset: Hashable, Sendable {
    public var assetFileDefIndex: Int32
    public init(assetFileDefIndex: Int32 = 0) { self.assetFileDefIndex = assetFileDefIndex }
}

/// A `tf.function` with its traced concrete functions (`tensorflow.SavedFunction`).
public struct SavedFunction: Hashable, Sendable {
    /// Names of `SavedObjectGraph.concreteFunctions` entries (and library functions).
    public var concreteFunctions: [String]
    public var functionSpec: FunctionSpec?
    public init(concreteFunctions: [String] = [], functionSpec: FunctionSpec? = nil) {
        self.concreteFunctions = concreteFunctions
        self.functionSpec = functionSpec
    }
}

/// `tensorflow.CapturedTensor`.
public struct CapturedTensor: Hashable, Sendable {
    public var name: String
    public var concreteFunction: String
    public init(name: String = "", concreteFunction: String = "") {
        self.name = name
        self.concreteFunction = concreteFunction
    }
}

/// What calling a library function needs beyond its body (`tensorflow.SavedConcreteFunction`).
public struct SavedConcreteFunction: Hashable, Sendable {
    /// Node ids of the captured objects (variables, resources, assets), in the order they follow the
    /// caller's tensors among the function's inputs.
    public var boundInputs: [Int32]
    /// `(args, kwargs)`: `TensorSpecProto`s where tensors go, plain values for Python arguments.
    public var canonicalizedInputSignature: StructuredValue?
    public var outputSignature: StructuredValue?
    public init(
        boundInputs: [Int32] = [], canonicalizedInputSignature: StructuredValue? = nil,
        outputSignature: StructuredValue? = nil
    ) {
        self.boundInputs = boundInputs
        self.canonicalizedInputSignature = canonicalizedInputSignature
        self.outputSignature = outputSignature
    }
}

/// A concrete function exposed on its own, e.g. a signature (`tensorflow.SavedBareConcreteFunction`).
public struct SavedBareConcreteFunction: Hashable, Sendable {
    public var concreteFunctionName: String
    /// One keyword per tensor argument.
    public var argumentKeywords: [String]
    public var allowedPositionalArguments: Int64
    public var functionSpec: FunctionSpec?
    public init(
        concreteFunctionName: String = "", argumentKeywords: [String] = [], allowedPositionalArguments: Int64 = 0,
        functionSpec: FunctionSpec? = nil
    ) {
        self.concreteFunctionName = concreteFunctionName
        self.argumentKeywords = argumentKeywords
        self.allowedPositionalArguments = allowedPositionalArguments
        self.functionSpec = functionSpec
    }
}

/// `tensorflow.SavedConstant`: the name of a `Const` node of the meta graph.
public struct SavedConstant: Hashable, Sendable {
    public var operation: String
    public init(operation: String = "") { self.operation = operation }
}

/// A variable restored from the checkpoint (`tensorflow.SavedVariable`).
public struct SavedVariable: Hashable, Sendable {
    public var dtype: DataType
    public var shape: TensorShapeProto
    public var trainable: Bool
    public var synchronization: VariableSynchronization
    public var aggregation: VariableAggregation
    /// The variable's name, e.g. `conv1/kernel`.
    public var name: String
    public var device: String
    public var experimentalDistributedVariableComponents: [SavedVariable]
    public init(
        dtype: DataType = .invalid, shape: TensorShapeProto = TensorShapeProto(), trainable: Bool = false,
        synchronization: VariableSynchronization = .auto, aggregation: VariableAggregation = .none,
        name: String = "", device: String = "", experimentalDistributedVariableComponents: [SavedVariable] = []
    ) {
        self.dtype = dtype
        self.shape = shape
        self.trainable = trainable
        self.synchronization = synchronization
        self.aggregation = aggregation
        self.name = name
        self.device = device
        self.experimentalDistributedVariableComponents = experimentalDistributedVariableComponents
    }
}

/// How a `tf.function` binds Python arguments (`tensorflow.FunctionSpec`).
public struct FunctionSpec: Hashable, Sendable {
    /// `inspect.getfullargspec` as a named tuple `FullArgSpec` (`args`, `defaults`, `kwonlyargs`, ...).
    public var fullargspec: StructuredValue?
    /// Whether `args` starts with `self`.
    public var isMethod: Bool
    public var inputSignature: StructuredValue?
    /// `tensorflow.FunctionSpec.JitCompile`: 0 default, 1 on, 2 off.
    public var jitCompile: Int32
    public init(
        fullargspec: StructuredValue? = nil, isMethod: Bool = false, inputSignature: StructuredValue? = nil,
        jitCompile: Int32 = 0
    ) {
        self.fullargspec = fullargspec
        self.isMethod = isMethod
        self.inputSignature = inputSignature
        self.jitCompile = jitCompile
    }
}

/// `tensorflow.SavedResource`.
public struct SavedResource: Hashable, Sendable {
    public var device: String
    public init(device: String = "") { self.device = device }
}

/// `tensorflow.SaveableObject`: node ids of its save and restore functions.
public struct SaveableObject: Hashable, Sendable {
    public var saveFunction: Int32
    public var restoreFunction: Int32
    public init(saveFunction: Int32 = 0, restoreFunction: Int32 = 0) {
        self.saveFunction = saveFunction
        self.restoreFunction = restoreFunction
    }
}

// MARK: - Decoding

extension SavedObjectGraph: ProtoMessage {
    public static let protoMessageName = "tensorflow.SavedObjectGraph"
    public static let _cDescriptor = cDescriptor(tensorflow__saved_object_graph__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__SavedObjectGraph.self)) }

    init(_ c: Tensorflow__SavedObjectGraph) {
        self.init(
            nodes: swiftMessages(c.n_nodes, c.nodes, SavedObject.init),
            concreteFunctions: swiftMap(c.n_concrete_functions, c.concrete_functions) {
                (swiftString($0.key), swiftMessage($0.value, SavedConcreteFunction.init) ?? SavedConcreteFunction())
            })
    }
}

extension SavedObject {
    init(_ c: Tensorflow__SavedObject) {
        let kind: Kind?
        switch c.kind_case {
        case TENSORFLOW__SAVED_OBJECT__KIND_USER_OBJECT:
            kind = .userObject(swiftMessage(c.user_object, SavedUserObject.init) ?? SavedUserObject())
        case TENSORFLOW__SAVED_OBJECT__KIND_ASSET:
            kind = .asset(SavedAsset(assetFileDefIndex: c.asset?.pointee.asset_file_def_index ?? 0))
        case TENSORFLOW__SAVED_OBJECT__KIND_FUNCTION:
            kind = .function(swiftMessage(c.function, SavedFunction.init) ?? SavedFunction())
        case TENSORFLOW__SAVED_OBJECT__KIND_VARIABLE:
            kind = .variable(swiftMessage(c.variable, SavedVariable.init) ?? SavedVariable())
        case TENSORFLOW__SAVED_OBJECT__KIND_BARE_CONCRETE_FUNCTION:
            kind = .bareConcreteFunction(
                swiftMessage(c.bare_concrete_function, SavedBareConcreteFunction.init) ?? SavedBareConcreteFunction())
        case TENSORFLOW__SAVED_OBJECT__KIND_CONSTANT:
            kind = .constant(SavedConstant(operation: swiftString(c.constant?.pointee.operation)))
        case TENSORFLOW__SAVED_OBJECT__KIND_RESOURCE:
            kind = .resource(SavedResource(device: swiftString(c.resource?.pointee.device)))
        case TENSORFLOW__SAVED_OBJECT__KIND_CAPTURED_TENSOR:
            kind = .capturedTensor(CapturedTensor(
                name: swiftString(c.captured_tensor?.pointee.name),
                concreteFunction: swiftString(c.captured_tensor?.pointee.concrete_function)))
        default:
            kind = nil
        }
        self.init(
            children: swiftMessages(c.n_children, c.children, ObjectReference.init),
            dependencies: swiftMessages(c.n_dependencies, c.dependencies, ObjectReference.init),
            slotVariables: swiftMessages(
                c.n_slot_variables, c.slot_variables, TrackableObjectGraph.TrackableObject.SlotVariableReference.init),
            kind: kind,
            saveableObjects: swiftMap(c.n_saveable_objects, c.saveable_objects) {
                let value = $0.value?.pointee
                return (swiftString($0.key), SaveableObject(
                    saveFunction: value?.save_function ?? 0, restoreFunction: value?.restore_function ?? 0))
            },
            registeredName: swiftString(c.registered_name),
            serializedUserProto: swiftMessage(c.serialized_user_proto, ProtoAny.init),
            registeredSaver: swiftString(c.registered_saver))
    }
}

extension SavedUserObject {
    init(_ c: Tensorflow__SavedUserObject) {
        self.init(
            identifier: swiftString(c.identifier), version: swiftMessage(c.version, VersionDef.init),
            metadata: swiftString(c.metadata))
    }
}

extension SavedFunction {
    init(_ c: Tensorflow__SavedFunction) {
        self.init(
            concreteFunctions: swiftStrings(c.n_concrete_functions, c.concrete_functions),
            functionSpec: swiftMessage(c.function_spec, FunctionSpec.init))
    }
}

extension SavedConcreteFunction {
    init(_ c: Tensorflow__SavedConcreteFunction) {
        self.init(
            boundInputs: swiftArray(c.n_bound_inputs, c.bound_inputs),
            canonicalizedInputSignature: swiftMessage(c.canonicalized_input_signature, StructuredValue.init),
            outputSignature: swiftMessage(c.output_signature, StructuredValue.init))
    }
}

extension SavedBareConcreteFunction {
    init(_ c: Tensorflow__SavedBareConcreteFunction) {
        self.init(
            concreteFunctionName: swiftString(c.concrete_function_name),
            argumentKeywords: swiftStrings(c.n_argument_keywords, c.argument_keywords),
            allowedPositionalArguments: c.allowed_positional_arguments,
            functionSpec: swiftMessage(c.function_spec, FunctionSpec.init))
    }
}

extension SavedVariable {
    init(_ c: Tensorflow__SavedVariable) {
        self.init(
            dtype: DataType(rawValue: swiftEnum(c.dtype)),
            shape: swiftMessage(c.shape, TensorShapeProto.init) ?? TensorShapeProto(), trainable: c.trainable != 0,
            synchronization: VariableSynchronization(rawValue: swiftEnum(c.synchronization)),
            aggregation: VariableAggregation(rawValue: swiftEnum(c.aggregation)), name: swiftString(c.name),
            device: swiftString(c.device),
            experimentalDistributedVariableComponents: swiftMessages(
                c.n_experimental_distributed_variable_components, c.experimental_distributed_variable_components,
                SavedVariable.init))
    }
}

extension FunctionSpec {
    init(_ c: Tensorflow__FunctionSpec) {
        self.init(
            fullargspec: swiftMessage(c.fullargspec, StructuredValue.init), isMethod: c.is_method != 0,
            inputSignature: swiftMessage(c.input_signature, StructuredValue.init), jitCompile: swiftEnum(c.jit_compile))
    }
}
