internal import CTFProtos

// MARK: - MetaGraphDef

/// One graph of a SavedModel with everything needed to use it (`tensorflow.MetaGraphDef`,
/// meta_graph.proto). A hub module holds one per tag set (`{}` for inference, `{"train"}`).
///
/// Not copied: field 7 (`object_graph_def`, TF2 only; left out of Proto/ too).
public struct MetaGraphDef: Hashable, Sendable {
    /// Provenance and the signatures of the ops the graph uses (`tensorflow.MetaGraphDef.MetaInfoDef`).
    public struct MetaInfoDef: Hashable, Sendable {
        public var metaGraphVersion: String
        /// Signatures (with attr defaults) of every op in the graph; defaults stripped from
        /// nodes must be restored from here.
        public var strippedOpList: OpList
        /// Whether `strippedOpList` was present in the encoding.
        public var hasStrippedOpList: Bool
        public var anyInfo: ProtoAny?
        /// The tag set that selects this meta graph; empty for a hub module's default graph.
        public var tags: [String]
        public var tensorflowVersion: String
        public var tensorflowGitVersion: String
        /// True when attrs equal to their op's default were removed from the nodes.
        public var strippedDefaultAttrs: Bool
        public var functionAliases: [String: String]

        public init(
            metaGraphVersion: String = "", strippedOpList: OpList? = nil, anyInfo: ProtoAny? = nil,
            tags: [String] = [], tensorflowVersion: String = "", tensorflowGitVersion: String = "",
            strippedDefaultAttrs: Bool = false, functionAliases: [String: String] = [:]
        ) {
            self.metaGraphVersion = metaGraphVersion
            self.strippedOpList = strippedOpList ?? OpList()
            self.hasStrippedOpList = strippedOpList != nil
            self.anyInfo = anyInfo
            self.tags = tags
            self.tensorflowVersion = tensorflowVersion
            self.tensorflowGitVersion = tensorflowGitVersion
            self.strippedDefaultAttrs = strippedDefaultAttrs
            self.functionAliases = functionAliases
        }
    }

    public var metaInfoDef: MetaInfoDef
    public var hasMetaInfoDef: Bool
    public var graphDef: GraphDef
    public var hasGraphDef: Bool
    public var saverDef: SaverDef
    public var hasSaverDef: Bool
    /// Named collections (`variables`, `trainable_variables`, `attachments`, `update_ops`, ...).
    public var collectionDef: [String: CollectionDef]
    /// Signatures by key (`default`, `image_feature_vector`, ...).
    public var signatureDef: [String: SignatureDef]
    public var assetFileDef: [AssetFileDef]
    /// TF2 only (field 7): the objects, functions and variables `tf.saved_model.load` restores; `nil`
    /// in TF1 hub modules.
    public var objectGraphDef: SavedObjectGraph?

    public init(
        metaInfoDef: MetaInfoDef? = nil, graphDef: GraphDef? = nil, saverDef: SaverDef? = nil,
        collectionDef: [String: CollectionDef] = [:], signatureDef: [String: SignatureDef] = [:],
        assetFileDef: [AssetFileDef] = [], objectGraphDef: SavedObjectGraph? = nil
    ) {
        self.metaInfoDef = metaInfoDef ?? MetaInfoDef()
        self.hasMetaInfoDef = metaInfoDef != nil
        self.graphDef = graphDef ?? GraphDef()
        self.hasGraphDef = graphDef != nil
        self.saverDef = saverDef ?? SaverDef()
        self.hasSaverDef = saverDef != nil
        self.collectionDef = collectionDef
        self.signatureDef = signatureDef
        self.assetFileDef = assetFileDef
        self.objectGraphDef = objectGraphDef
    }
}

// MARK: - SavedModel

/// The content of `saved_model.pb` (`tensorflow.SavedModel`, saved_model.proto).
public struct SavedModel: Hashable, Sendable {
    /// 1 in TF's writers, but hub exports leave it unset (0).
    public var savedModelSchemaVersion: Int64
    public var metaGraphs: [MetaGraphDef]

    public init(savedModelSchemaVersion: Int64 = 0, metaGraphs: [MetaGraphDef] = []) {
        self.savedModelSchemaVersion = savedModelSchemaVersion
        self.metaGraphs = metaGraphs
    }
}

// MARK: - Decoding

extension MetaGraphDef: ProtoMessage {
    public static let protoMessageName = "tensorflow.MetaGraphDef"
    public static let _cDescriptor = cDescriptor(tensorflow__meta_graph_def__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__MetaGraphDef.self)) }

    init(_ c: Tensorflow__MetaGraphDef) {
        self.init(
            metaInfoDef: swiftMessage(c.meta_info_def, MetaInfoDef.init),
            graphDef: swiftMessage(c.graph_def, GraphDef.init),
            saverDef: swiftMessage(c.saver_def, SaverDef.init),
            collectionDef: swiftMap(c.n_collection_def, c.collection_def) {
                (swiftString($0.key), swiftMessage($0.value, CollectionDef.init) ?? CollectionDef())
            },
            signatureDef: swiftMap(c.n_signature_def, c.signature_def) {
                (swiftString($0.key), swiftMessage($0.value, SignatureDef.init) ?? SignatureDef())
            },
            assetFileDef: swiftMessages(c.n_asset_file_def, c.asset_file_def, AssetFileDef.init),
            objectGraphDef: swiftMessage(c.object_graph_def, SavedObjectGraph.init))
    }
}

extension MetaGraphDef.MetaInfoDef: ProtoMessage {
    public static let protoMessageName = "tensorflow.MetaGraphDef.MetaInfoDef"
    public static let _cDescriptor = cDescriptor(tensorflow__meta_graph_def__meta_info_def__init)
    public init(_cMessage raw: UnsafeRawPointer) {
        self.init(cStruct(raw, as: Tensorflow__MetaGraphDef__MetaInfoDef.self))
    }

    init(_ c: Tensorflow__MetaGraphDef__MetaInfoDef) {
        self.init(
            metaGraphVersion: swiftString(c.meta_graph_version),
            strippedOpList: swiftMessage(c.stripped_op_list, OpList.init),
            anyInfo: swiftMessage(c.any_info, ProtoAny.init),
            tags: swiftStrings(c.n_tags, c.tags),
            tensorflowVersion: swiftString(c.tensorflow_version),
            tensorflowGitVersion: swiftString(c.tensorflow_git_version),
            strippedDefaultAttrs: c.stripped_default_attrs != 0,
            functionAliases: swiftMap(c.n_function_aliases, c.function_aliases) {
                (swiftString($0.key), swiftString($0.value))
            })
    }
}

extension SavedModel: ProtoMessage {
    public static let protoMessageName = "tensorflow.SavedModel"
    public static let _cDescriptor = cDescriptor(tensorflow__saved_model__init)
    public init(_cMessage raw: UnsafeRawPointer) {
        let c = cStruct(raw, as: Tensorflow__SavedModel.self)
        self.init(
            savedModelSchemaVersion: c.saved_model_schema_version,
            metaGraphs: swiftMessages(c.n_meta_graphs, c.meta_graphs, MetaGraphDef.init))
    }
}
