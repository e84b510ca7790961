internal import CTFProtos

// MARK: - NodeDef

/// One node of a graph (`tensorflow.NodeDef`, node_def.proto).
public struct NodeDef: Hashable, Sendable {
    /// Debug names of the nodes this one was made from by graph rewrites.
    public struct ExperimentalDebugInfo: Hashable, Sendable {
        public var originalNodeNames: [String]
        public var originalFuncNames: [String]
        public init(originalNodeNames: [String] = [], originalFuncNames: [String] = []) {
            self.originalNodeNames = originalNodeNames
            self.originalFuncNames = originalFuncNames
        }
    }

    public var name: String
    public var op: String
    /// Inputs as written: `node`, `node:2`, or `^node` for a control dependency (see `parsedInputs`).
    public var input: [String]
    public var device: String
    /// Attributes. Attrs holding their op's default may be missing (stripped on export); the
    /// defaults are in the meta graph's `strippedOpList`.
    public var attr: [String: AttrValue]
    public var experimentalDebugInfo: ExperimentalDebugInfo?
    public var experimentalType: FullTypeDef?

    public init(
        name: String = "", op: String = "", input: [String] = [], device: String = "",
        attr: [String: AttrValue] = [:], experimentalDebugInfo: ExperimentalDebugInfo? = nil,
        experimentalType: FullTypeDef? = nil
    ) {
        self.name = name
        self.op = op
        self.input = input
        self.device = device
        self.attr = attr
        self.experimentalDebugInfo = experimentalDebugInfo
        self.experimentalType = experimentalType
    }

    /// `input`, parsed.
    public var parsedInputs: [NodeInput] { input.map(NodeInput.init(parsing:)) }
}

// MARK: - NodeInput

/// One parsed entry of `NodeDef.input`.
public enum NodeInput: Hashable, Sendable {
    /// Output `output` of node `node` (`"node:1"`; a plain `"node"` is output 0).
    case data(node: String, output: Int)
    /// A control dependency (`"^node"`): run after `node`, no value flows.
    case control(node: String)

    /// Parses TensorFlow's input syntax. The text after the last `:` is an output index only when
    /// it is all decimal digits (and fits an `Int`); otherwise the whole string is the node name.
    public init(parsing text: String) {
        if text.hasPrefix("^") {
            self = .control(node: String(text.dropFirst()))
            return
        }
        if let colon = text.lastIndex(of: ":") {
            let suffix = text[text.index(after: colon)...]
            if !suffix.isEmpty, suffix.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let index = Int(suffix) {
                self = .data(node: String(text[..<colon]), output: index)
                return
            }
        }
        self = .data(node: text, output: 0)
    }

    /// The node this input refers to.
    public var node: String {
        switch self {
        case .data(let node, _), .control(let node): return node
        }
    }

    /// TensorFlow's spelling: `node`, `node:1`, `^node`.
    public var text: String {
        switch self {
        case let .data(node, 0): return node
        case let .data(node, output): return "\(node):\(output)"
        case let .control(node): return "^" + node
        }
    }
}

// MARK: - FullTypeDef

/// TensorFlow's experimental full type annotation (`tensorflow.FullTypeDef`, full_type.proto).
public struct FullTypeDef: Hashable, Sendable {
    /// The oneof `attr`.
    public enum Attr: Hashable, Sendable {
        case s(String)
        case i(Int64)
    }

    /// A `FullTypeId` value (e.g. 0 = TFT_UNSET, 10001 = TFT_ARRAY); kept as a number.
    public var typeID: Int32
    public var args: [FullTypeDef]
    public var attr: Attr?

    public init(typeID: Int32 = 0, args: [FullTypeDef] = [], attr: Attr? = nil) {
        self.typeID = typeID
        self.args = args
        self.attr = attr
    }
}

// MARK: - Decoding

extension NodeDef: ProtoMessage {
    public static let protoMessageName = "tensorflow.NodeDef"
    public static let _cDescriptor = cDescriptor(tensorflow__node_def__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__NodeDef.self)) }

    init(_ c: Tensorflow__NodeDef) {
        self.init(
            name: swiftString(c.name), op: swiftString(c.op), input: swiftStrings(c.n_input, c.input),
            device: swiftString(c.device), attr: swiftAttrMap(c.n_attr, c.attr),
            experimentalDebugInfo: swiftMessage(c.experimental_debug_info, ExperimentalDebugInfo.init),
            experimentalType: swiftMessage(c.experimental_type, FullTypeDef.init))
    }
}

extension NodeDef.ExperimentalDebugInfo: ProtoMessage {
    public static let protoMessageName = "tensorflow.NodeDef.ExperimentalDebugInfo"
    public static let _cDescriptor = cDescriptor(tensorflow__node_def__experimental_debug_info__init)
    public init(_cMessage raw: UnsafeRawPointer) {
        self.init(cStruct(raw, as: Tensorflow__NodeDef__ExperimentalDebugInfo.self))
    }

    init(_ c: Tensorflow__NodeDef__ExperimentalDebugInfo) {
        self.init(
            originalNodeNames: swiftStrings(c.n_original_node_names, c.original_node_names),
            originalFuncNames: swiftStrings(c.n_original_func_names, c.original_func_names))
    }
}

extension FullTypeDef: ProtoMessage {
    public static let protoMessageName = "tensorflow.FullTypeDef"
    public static let _cDescriptor = cDescriptor(tensorflow__full_type_def__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__FullTypeDef.self)) }

    init(_ c: Tensorflow__FullTypeDef) {
        let attr: Attr?
        switch c.attr_case {
        case TENSORFLOW__FULL_TYPE_DEF__ATTR_S: attr = .s(swiftString(c.s))
        case TENSORFLOW__FULL_TYPE_DEF__ATTR_I: attr = .i(c.i)
        default: attr = nil
        }
        self.init(
            typeID: swiftEnum(c.type_id), args: swiftMessages(c.n_args, c.args, FullTypeDef.init), attr: attr)
    }
}
