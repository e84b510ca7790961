internal import CTFProtos

// MARK: - TrackableObjectGraph

/// The object graph a TF2 checkpoint stores (serialized) under the key `_CHECKPOINTABLE_OBJECT_GRAPH`
/// (`tensorflow.TrackableObjectGraph`, trackable_object_graph.proto). Node 0 is the root; a node's
/// `attributes` name the checkpoint keys of the tensors it saved, e.g. a variable's
/// `layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE`.
public struct TrackableObjectGraph: Hashable, Sendable {
    /// One object of the graph (`tensorflow.TrackableObjectGraph.TrackableObject`).
    public struct TrackableObject: Hashable, Sendable {
        /// A named edge to another node (`...TrackableObject.ObjectReference`).
        public struct ObjectReference: Hashable, Sendable {
            public var nodeID: Int32
            public var localName: String
            public init(nodeID: Int32 = 0, localName: String = "") {
                self.nodeID = nodeID
                self.localName = localName
            }
        }

        /// A tensor the object saved (`...TrackableObject.SerializedTensor`).
        public struct SerializedTensor: Hashable, Sendable {
            /// E.g. `VARIABLE_VALUE`.
            public var name: String
            /// The variable's name when it was saved, e.g. `conv1/kernel`.
            public var fullName: String
            /// The tensor's key in the checkpoint bundle.
            public var checkpointKey: String
            public init(name: String = "", fullName: String = "", checkpointKey: String = "") {
                self.name = name
                self.fullName = fullName
                self.checkpointKey = checkpointKey
            }
        }

        /// An optimizer slot (`...TrackableObject.SlotVariableReference`).
        public struct SlotVariableReference: Hashable, Sendable {
            public var originalVariableNodeID: Int32
            public var slotName: String
            public var slotVariableNodeID: Int32
            public init(originalVariableNodeID: Int32 = 0, slotName: String = "", slotVariableNodeID: Int32 = 0) {
                self.originalVariableNodeID = originalVariableNodeID
                self.slotName = slotName
                self.slotVariableNodeID = slotVariableNodeID
            }
        }

        public var children: [ObjectReference]
        public var attributes: [SerializedTensor]
        public var slotVariables: [SlotVariableReference]
        public var registeredSaver: RegisteredSaver?
        /// `google.protobuf.BoolValue`: `nil` when absent.
        public var hasCheckpointValues: Bool?

        public init(
            children: [ObjectReference] = [], attributes: [SerializedTensor] = [],
            slotVariables: [SlotVariableReference] = [], registeredSaver: RegisteredSaver? = nil,
            hasCheckpointValues: Bool? = nil
        ) {
            self.children = children
            self.attributes = attributes
            self.slotVariables = slotVariables
            self.registeredSaver = registeredSaver
            self.hasCheckpointValues = hasCheckpointValues
        }
    }

    public var nodes: [TrackableObject]

    public init(nodes: [TrackableObject] = []) { self.nodes = nodes }
}

/// A saver registered for an object (`tensorflow.RegisteredSaver`).
public struct RegisteredSaver: Hashable, Sendable {
    public var name: String
    public var objectName: String
    public init(name: String = "", objectName: String = "") {
        self.name = name
        self.objectName = objectName
    }
}

// MARK: - Decoding

extension TrackableObjectGraph: ProtoMessage {
    public static let protoMessageName = "tensorflow.TrackableObjectGraph"
    public static let _cDescriptor = cDescriptor(tensorflow__trackable_object_graph__init)
    public init(_cMessage raw: UnsafeRawPointer) {
        let c = cStruct(raw, as: Tensorflow__TrackableObjectGraph.self)
        self.init(nodes: swiftMessages(c.n_nodes, c.nodes, TrackableObject.init))
    }
}

extension TrackableObjectGraph.TrackableObject {
    init(_ c: Tensorflow__TrackableObjectGraph__TrackableObject) {
        self.init(
            children: swiftMessages(c.n_children, c.children, ObjectReference.init),
            attributes: swiftMessages(c.n_attributes, c.attributes, SerializedTensor.init),
            slotVariables: swiftMessages(c.n_slot_variables, c.slot_variables, SlotVariableReference.init),
            registeredSaver: swiftMessage(c.registered_saver, RegisteredSaver.init),
            hasCheckpointValues: swiftMessage(c.has_checkpoint_values) { $0.value != 0 })
    }
}

extension TrackableObjectGraph.TrackableObject.ObjectReference {
    init(_ c: Tensorflow__TrackableObjectGraph__TrackableObject__ObjectReference) {
        self.init(nodeID: c.node_id, localName: swiftString(c.local_name))
    }
}

extension TrackableObjectGraph.TrackableObject.SerializedTensor {
    init(_ c: Tensorflow__TrackableObjectGraph__TrackableObject__SerializedTensor) {
        self.init(name: swiftString(c.name), fullName: swiftString(c.full_name), checkpointKey: swiftString(c.checkpoint_key))
    }
}

extension TrackableObjectGraph.TrackableObject.SlotVariableReference {
    init(_ c: Tensorflow__TrackableObjectGraph__TrackableObject__SlotVariableReference) {
        self.init(
            originalVariableNodeID: c.original_variable_node_id, slotName: swiftString(c.slot_name),
            slotVariableNodeID: c.slot_variable_node_id)
    }
}

extension RegisteredSaver {
    init(_ c: Tensorflow__RegisteredSaver) {
        self.init(name: swiftString(c.name), objectName: swiftString(c.object_name))
    }
}
