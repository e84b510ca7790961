internal import CTFProtos

// MARK: - VariableDef

/// How a TF1 graph variable is wired (`tensorflow.VariableDef`, variable.proto), as stored in the
/// `variables` / `trainable_variables` collections (bytes_list entries).
///
/// `variableName` is the variable's node output (`conv/kernel:0`); for ref variables
/// (`VariableV2`) `snapshotName` is the `read` Identity, for resource variables (`VarHandleOp`,
/// `isResource`) it is a `ReadVariableOp`.
public struct VariableDef: Hashable, Sendable {
    public var variableName: String
    public var initialValueName: String
    public var initializerName: String
    public var snapshotName: String
    /// Set when the variable is one part of a partitioned variable.
    public var saveSliceInfoDef: SaveSliceInfoDef?
    public var isResource: Bool
    public var trainable: Bool
    public var synchronization: VariableSynchronization
    public var aggregation: VariableAggregation

    public init(
        variableName: String = "", initialValueName: String = "", initializerName: String = "",
        snapshotName: String = "", saveSliceInfoDef: SaveSliceInfoDef? = nil, isResource: Bool = false,
        trainable: Bool = false, synchronization: VariableSynchronization = .auto,
        aggregation: VariableAggregation = .none
    ) {
        self.variableName = variableName
        self.initialValueName = initialValueName
        self.initializerName = initializerName
        self.snapshotName = snapshotName
        self.saveSliceInfoDef = saveSliceInfoDef
        self.isResource = isResource
        self.trainable = trainable
        self.synchronization = synchronization
        self.aggregation = aggregation
    }
}

/// Where one partition sits in its full variable (`tensorflow.SaveSliceInfoDef`): the full
/// variable's checkpoint name and shape, and this part's offset and shape (one entry per dimension).
public struct SaveSliceInfoDef: Hashable, Sendable {
    public var fullName: String
    public var fullShape: [Int64]
    public var varOffset: [Int64]
    public var varShape: [Int64]

    public init(fullName: String = "", fullShape: [Int64] = [], varOffset: [Int64] = [], varShape: [Int64] = []) {
        self.fullName = fullName
        self.fullShape = fullShape
        self.varOffset = varOffset
        self.varShape = varShape
    }
}

/// `tensorflow.VariableSynchronization` (open proto3 enum).
public struct VariableSynchronization: RawRepresentable, Hashable, Sendable {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let auto = Self(rawValue: 0)
    public static let none = Self(rawValue: 1)
    public static let onWrite = Self(rawValue: 2)
    public static let onRead = Self(rawValue: 3)
}

/// `tensorflow.VariableAggregation` (open proto3 enum).
public struct VariableAggregation: RawRepresentable, Hashable, Sendable {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let none = Self(rawValue: 0)
    public static let sum = Self(rawValue: 1)
    public static let mean = Self(rawValue: 2)
    public static let onlyFirstReplica = Self(rawValue: 3)
}

// MARK: - Decoding

extension VariableDef: ProtoMessage {
    public static let protoMessageName = "tensorflow.VariableDef"
    public static let _cDescriptor = cDescriptor(tensorflow__variable_def__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__VariableDef.self)) }

    init(_ c: Tensorflow__VariableDef) {
        self.init(
            variableName: swiftString(c.variable_name), initialValueName: swiftString(c.initial_value_name),
            initializerName: swiftString(c.initializer_name), snapshotName: swiftString(c.snapshot_name),
            saveSliceInfoDef: swiftMessage(c.save_slice_info_def, SaveSliceInfoDef.init),
            isResource: c.is_resource != 0, trainable: c.trainable != 0,
            synchronization: VariableSynchronization(rawValue: swiftEnum(c.synchronization)),
            aggregation: VariableAggregation(rawValue: swiftEnum(c.aggregation)))
    }
}

extension SaveSliceInfoDef: ProtoMessage {
    public static let protoMessageName = "tensorflow.SaveSliceInfoDef"
    public static let _cDescriptor = cDescriptor(tensorflow__save_slice_info_def__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__SaveSliceInfoDef.self)) }

    init(_ c: Tensorflow__SaveSliceInfoDef) {
        self.init(
            fullName: swiftString(c.full_name), fullShape: swiftArray(c.n_full_shape, c.full_shape),
            varOffset: swiftArray(c.n_var_offset, c.var_offset), varShape: swiftArray(c.n_var_shape, c.var_shape))
    }
}
