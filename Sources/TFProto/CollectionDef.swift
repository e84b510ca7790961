internal import CTFProtos

// MARK: - CollectionDef

/// One named collection of a meta graph (`tensorflow.CollectionDef`, meta_graph.proto).
///
/// Hub modules use `nodeList` for op and tensor names (`update_ops`, `table_initializer`),
/// `bytesList` for serialized messages (`variables` holds `VariableDef`s, `attachments` holds
/// `ModuleAttachment`s) and rarely the numeric kinds.
public struct CollectionDef: Hashable, Sendable {
    /// The oneof `kind`.
    public enum Kind: Hashable, Sendable {
        case nodeList([String])
        case bytesList([[UInt8]])
        case int64List([Int64])
        case floatList([Float])
        case anyList([ProtoAny])
        /// No kind set (an empty collection).
        case none
    }

    public var kind: Kind
    public init(kind: Kind = .none) { self.kind = kind }
}

extension CollectionDef: ProtoMessage {
    public static let protoMessageName = "tensorflow.CollectionDef"
    public static let _cDescriptor = cDescriptor(tensorflow__collection_def__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__CollectionDef.self)) }

    init(_ c: Tensorflow__CollectionDef) {
        switch c.kind_case {
        case TENSORFLOW__COLLECTION_DEF__KIND_NODE_LIST:
            self.init(kind: .nodeList(c.node_list.map { swiftStrings($0.pointee.n_value, $0.pointee.value) } ?? []))
        case TENSORFLOW__COLLECTION_DEF__KIND_BYTES_LIST:
            self.init(kind: .bytesList(c.bytes_list.map { swiftByteArrays($0.pointee.n_value, $0.pointee.value) } ?? []))
        case TENSORFLOW__COLLECTION_DEF__KIND_INT64_LIST:
            self.init(kind: .int64List(c.int64_list.map { swiftArray($0.pointee.n_value, $0.pointee.value) } ?? []))
        case TENSORFLOW__COLLECTION_DEF__KIND_FLOAT_LIST:
            self.init(kind: .floatList(c.float_list.map { swiftArray($0.pointee.n_value, $0.pointee.value) } ?? []))
        case TENSORFLOW__COLLECTION_DEF__KIND_ANY_LIST:
            self.init(kind: .anyList(c.any_list.map {
                swiftMessages($0.pointee.n_value, $0.pointee.value, ProtoAny.init)
            } ?? []))
        default:
            self.init(kind: .none)
        }
    }
}
