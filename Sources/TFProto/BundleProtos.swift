internal import CTFProtos

// MARK: - BundleHeaderProto

/// The header of a checkpoint V2 (tensor bundle) index, stored under the empty key
/// (`tensorflow.BundleHeaderProto`, tensor_bundle.proto).
public struct BundleHeaderProto: Hashable, Sendable {
    /// Byte order of the data files. Open like every proto3 enum: unknown values are kept.
    public enum Endianness: Hashable, Sendable {
        case little
        case big
        case unrecognized(Int32)

        init(rawValue: Int32) {
            switch rawValue {
            case 0: self = .little
            case 1: self = .big
            default: self = .unrecognized(rawValue)
            }
        }

        public var rawValue: Int32 {
            switch self {
            case .little: return 0
            case .big: return 1
            case .unrecognized(let value): return value
            }
        }
    }

    /// Number of `data-NNNNN-of-SSSSS` shard files.
    public var numShards: Int32
    public var endianness: Endianness
    public var version: VersionDef
    /// Whether `version` was present in the encoding.
    public var hasVersion: Bool

    public init(numShards: Int32 = 0, endianness: Endianness = .little, version: VersionDef? = nil) {
        self.numShards = numShards
        self.endianness = endianness
        self.version = version ?? VersionDef()
        self.hasVersion = version != nil
    }
}

extension BundleHeaderProto: ProtoMessage {
    public static let protoMessageName = "tensorflow.BundleHeaderProto"
    public static let _cDescriptor = cDescriptor(tensorflow__bundle_header_proto__init)
    public init(_cMessage raw: UnsafeRawPointer) {
        let c = cStruct(raw, as: Tensorflow__BundleHeaderProto.self)
        self.init(
            numShards: c.num_shards, endianness: Endianness(rawValue: swiftEnum(c.endianness)),
            version: swiftMessage(c.version, VersionDef.init))
    }
}

// MARK: - BundleEntryProto

/// Where one tensor lives in a checkpoint V2 data file (`tensorflow.BundleEntryProto`).
///
/// The tensor's bytes are `size` bytes at `offset` in shard `shardID`, with masked CRC32C
/// `crc32c`. A partitioned variable's entry has no data of its own; `slices` lists its parts.
public struct BundleEntryProto: Hashable, Sendable {
    public var dtype: DataType
    public var shape: TensorShapeProto
    /// Whether `shape` was present in the encoding.
    public var hasShape: Bool
    public var shardID: Int32
    public var offset: Int64
    public var size: Int64
    public var crc32c: UInt32
    public var slices: [TensorSliceProto]

    public init(
        dtype: DataType = .invalid, shape: TensorShapeProto? = nil, shardID: Int32 = 0,
        offset: Int64 = 0, size: Int64 = 0, crc32c: UInt32 = 0, slices: [TensorSliceProto] = []
    ) {
        self.dtype = dtype
        self.shape = shape ?? TensorShapeProto()
        self.hasShape = shape != nil
        self.shardID = shardID
        self.offset = offset
        self.size = size
        self.crc32c = crc32c
        self.slices = slices
    }
}

extension BundleEntryProto: ProtoMessage {
    public static let protoMessageName = "tensorflow.BundleEntryProto"
    public static let _cDescriptor = cDescriptor(tensorflow__bundle_entry_proto__init)
    public init(_cMessage raw: UnsafeRawPointer) {
        let c = cStruct(raw, as: Tensorflow__BundleEntryProto.self)
        self.init(
            dtype: DataType(rawValue: swiftEnum(c.dtype)),
            shape: swiftMessage(c.shape, TensorShapeProto.init),
            shardID: c.shard_id, offset: c.offset, size: c.size, crc32c: c.crc32c,
            slices: swiftMessages(c.n_slices, c.slices, TensorSliceProto.init))
    }
}
