internal import CTFProtos

// MARK: - OpDef

/// The signature of an op (`tensorflow.OpDef`, op_def.proto) as recorded in a meta graph's
/// stripped op list: inputs, outputs, attrs and their defaults.
public struct OpDef: Hashable, Sendable {
    /// One input or output. Its type is given by exactly one of `type`, `typeAttr` (an attr naming
    /// the type) or `typeListAttr`; `numberAttr` names an int attr that repeats the argument.
    public struct ArgDef: Hashable, Sendable {
        public var name: String
        public var description: String
        public var type: DataType
        public var typeAttr: String
        public var numberAttr: String
        public var typeListAttr: String
        public var handleData: [ResourceHandleProto.DtypeAndShape]
        public var isRef: Bool
        public var experimentalFullType: FullTypeDef?

        public init(
            name: String = "", description: String = "", type: DataType = .invalid, typeAttr: String = "",
            numberAttr: String = "", typeListAttr: String = "",
            handleData: [ResourceHandleProto.DtypeAndShape] = [], isRef: Bool = false,
            experimentalFullType: FullTypeDef? = nil
        ) {
            self.name = name
            self.description = description
            self.type = type
            self.typeAttr = typeAttr
            self.numberAttr = numberAttr
            self.typeListAttr = typeListAttr
            self.handleData = handleData
            self.isRef = isRef
            self.experimentalFullType = experimentalFullType
        }
    }

    /// One attr: its type as TF spells it (`"int"`, `"list(type)"`, ...) and its default, if any.
    public struct AttrDef: Hashable, Sendable {
        public var name: String
        public var type: String
        public var defaultValue: AttrValue?
        public var description: String
        public var hasMinimum: Bool
        public var minimum: Int64
        public var allowedValues: AttrValue?

        public init(
            name: String = "", type: String = "", defaultValue: AttrValue? = nil, description: String = "",
            hasMinimum: Bool = false, minimum: Int64 = 0, allowedValues: AttrValue? = nil
        ) {
            self.name = name
            self.type = type
            self.defaultValue = defaultValue
            self.description = description
            self.hasMinimum = hasMinimum
            self.minimum = minimum
            self.allowedValues = allowedValues
        }
    }

    public var name: String
    public var inputArg: [ArgDef]
    public var outputArg: [ArgDef]
    public var controlOutput: [String]
    public var attr: [AttrDef]
    public var deprecation: OpDeprecation?
    public var summary: String
    public var description: String
    public var isCommutative: Bool
    public var isAggregate: Bool
    public var isStateful: Bool
    public var allowsUninitializedInput: Bool
    public var isDistributedCommunication: Bool

    public init(
        name: String = "", inputArg: [ArgDef] = [], outputArg: [ArgDef] = [], controlOutput: [String] = [],
        attr: [AttrDef] = [], deprecation: OpDeprecation? = nil, summary: String = "", description: String = "",
        isCommutative: Bool = false, isAggregate: Bool = false, isStateful: Bool = false,
        allowsUninitializedInput: Bool = false, isDistributedCommunication: Bool = false
    ) {
        self.name = name
        self.inputArg = inputArg
        self.outputArg = outputArg
        self.controlOutput = controlOutput
        self.attr = attr
        self.deprecation = deprecation
        self.summary = summary
        self.description = description
        self.isCommutative = isCommutative
        self.isAggregate = isAggregate
        self.isStateful = isStateful
        self.allowsUninitializedInput = allowsUninitializedInput
        self.isDistributedCommunication = isDistributedCommunication
    }

    /// Default values of the attrs that have one, by attr name.
    public var attrDefaults: [String: AttrValue] {
        var defaults: [String: AttrValue] = [:]
        for attr in attr { if let value = attr.defaultValue { defaults[attr.name] = value } }
        return defaults
    }
}

/// Since which GraphDef version an op is deprecated, and why (`tensorflow.OpDeprecation`).
public struct OpDeprecation: Hashable, Sendable {
    public var version: Int32
    public var explanation: String
    public init(version: Int32 = 0, explanation: String = "") {
        self.version = version
        self.explanation = explanation
    }
}

/// A list of op signatures (`tensorflow.OpList`).
public struct OpList: Hashable, Sendable {
    public var op: [OpDef]
    public init(op: [OpDef] = []) { self.op = op }
}

// MARK: - Decoding

extension OpDef: ProtoMessage {
    public static let protoMessageName = "tensorflow.OpDef"
    public static let _cDescriptor = cDescriptor(tensorflow__op_def__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__OpDef.self)) }

    init(_ c: Tensorflow__OpDef) {
        self.init(
            name: swiftString(c.name),
            inputArg: swiftMessages(c.n_input_arg, c.input_arg, ArgDef.init),
            outputArg: swiftMessages(c.n_output_arg, c.output_arg, ArgDef.init),
            controlOutput: swiftStrings(c.n_control_output, c.control_output),
            attr: swiftMessages(c.n_attr, c.attr, AttrDef.init),
            deprecation: swiftMessage(c.deprecation, OpDeprecation.init),
            summary: swiftString(c.summary), description: swiftString(c.description),
            isCommutative: c.is_commutative != 0, isAggregate: c.is_aggregate != 0, isStateful: c.is_stateful != 0,
            allowsUninitializedInput: c.allows_uninitialized_input != 0,
            isDistributedCommunication: c.is_distributed_communication != 0)
    }
}

extension OpDef.ArgDef: ProtoMessage {
    public static let protoMessageName = "tensorflow.OpDef.ArgDef"
    public static let _cDescriptor = cDescriptor(tensorflow__op_def__arg_def__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__OpDef__ArgDef.self)) }

    init(_ c: Tensorflow__OpDef__ArgDef) {
        self.init(
            name: swiftString(c.name), description: swiftString(c.description),
            type: DataType(rawValue: swiftEnum(c.type)), typeAttr: swiftString(c.type_attr),
            numberAttr: swiftString(c.number_attr), typeListAttr: swiftString(c.type_list_attr),
            handleData: swiftMessages(c.n_handle_data, c.handle_data, ResourceHandleProto.DtypeAndShape.init),
            isRef: c.is_ref != 0,
            experimentalFullType: swiftMessage(c.experimental_full_type, FullTypeDef.init))
    }
}

extension OpDef.AttrDef: ProtoMessage {
    public static let protoMessageName = "tensorflow.OpDef.AttrDef"
    public static let _cDescriptor = cDescriptor(tensorflow__op_def__attr_def__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__OpDef__AttrDef.self)) }

    init(_ c: Tensorflow__OpDef__AttrDef) {
        self.init(
            name: swiftString(c.name), type: swiftString(c.type),
            defaultValue: swiftMessage(c.default_value, AttrValue.init), description: swiftString(c.description),
            hasMinimum: c.has_minimum != 0, minimum: c.minimum,
            allowedValues: swiftMessage(c.allowed_values, AttrValue.init))
    }
}

extension OpDeprecation: ProtoMessage {
    public static let protoMessageName = "tensorflow.OpDeprecation"
    public static let _cDescriptor = cDescriptor(tensorflow__op_deprecation__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__OpDeprecation.self)) }

    init(_ c: Tensorflow__OpDeprecation) {
        self.init(version: c.version, explanation: swiftString(c.explanation))
    }
}

extension OpList: ProtoMessage {
    public static let protoMessageName = "tensorflow.OpList"
    public static let _cDescriptor = cDescriptor(tensorflow__op_list__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__OpList.self)) }

    init(_ c: Tensorflow__OpList) {
        self.init(op: swiftMessages(c.n_op, c.op, OpDef.init))
    }
}
