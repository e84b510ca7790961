internal import CTFProtos

// MARK: - SaverDef

/// How a TF1 graph saves and restores its variables (`tensorflow.SaverDef`, saver.proto): feed the
/// checkpoint prefix to `filenameTensorName` and run `restoreOpName`.
public struct SaverDef: Hashable, Sendable {
    /// `tensorflow.SaverDef.CheckpointFormatVersion` (open proto3 enum).
    public struct CheckpointFormatVersion: RawRepresentable, Hashable, Sendable {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        public static let legacy = Self(rawValue: 0)
        public static let v1 = Self(rawValue: 1)
        /// The tensor bundle format (`variables.index` + `variables.data-*`).
        public static let v2 = Self(rawValue: 2)
    }

    public var filenameTensorName: String
    public var saveTensorName: String
    public var restoreOpName: String
    public var maxToKeep: Int32
    public var sharded: Bool
    public var keepCheckpointEveryNHours: Float
    public var version: CheckpointFormatVersion

    public init(
        filenameTensorName: String = "", saveTensorName: String = "", restoreOpName: String = "",
        maxToKeep: Int32 = 0, sharded: Bool = false, keepCheckpointEveryNHours: Float = 0,
        version: CheckpointFormatVersion = .legacy
    ) {
        self.filenameTensorName = filenameTensorName
        self.saveTensorName = saveTensorName
        self.restoreOpName = restoreOpName
        self.maxToKeep = maxToKeep
        self.sharded = sharded
        self.keepCheckpointEveryNHours = keepCheckpointEveryNHours
        self.version = version
    }
}

extension SaverDef: ProtoMessage {
    public static let protoMessageName = "tensorflow.SaverDef"
    public static let _cDescriptor = cDescriptor(tensorflow__saver_def__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__SaverDef.self)) }

    init(_ c: Tensorflow__SaverDef) {
        self.init(
            filenameTensorName: swiftString(c.filename_tensor_name), saveTensorName: swiftString(c.save_tensor_name),
            restoreOpName: swiftString(c.restore_op_name), maxToKeep: c.max_to_keep, sharded: c.sharded != 0,
            keepCheckpointEveryNHours: c.keep_checkpoint_every_n_hours,
            version: CheckpointFormatVersion(rawValue: swiftEnum(c.version)))
    }
}
