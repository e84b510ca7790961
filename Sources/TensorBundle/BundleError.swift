import Foundation

/// Everything that can go wrong while reading a tensor bundle (TF checkpoint V2).
///
/// Every case names the file it concerns (the `.index` or the `.data-SSSSS-of-NNNNN` shard) and, where
/// one is involved, the tensor key, together with what was expected and what was found.
public enum BundleError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A file could not be opened, sized or read (`reason` is the system's message).
    case unreadableFile(file: String, reason: String)
    /// The data shard that `key` lives in does not exist.
    case missingShard(file: String, key: String, shardID: Int, numShards: Int)
    /// The `.index` file is shorter than the 48-byte table footer.
    case indexTooShort(file: String, size: Int)
    /// The footer's magic number is not LevelDB's `0xdb4775248b80fb57`.
    case badMagic(file: String, found: UInt64)
    /// A structural problem in the `.index` table (block handle, restart array, entry encoding).
    case corruptIndex(file: String, detail: String)
    /// A table block's stored (masked) CRC32C does not match its bytes.
    case blockChecksumMismatch(file: String, blockOffset: Int, expected: UInt32, found: UInt32)
    /// A table block uses a compression type other than 0 (none); 1 is Snappy, written only by TF < 1.2.
    case compressedBlock(file: String, blockOffset: Int, compressionType: UInt8)
    /// The bundle header (empty key) is missing or malformed, or its values are out of range.
    case badHeader(file: String, detail: String)
    /// The header's `VersionDef` rejects this reader (consumer version 1).
    case unsupportedVersion(file: String, producer: Int32, minConsumer: Int32, badConsumers: [Int32])
    /// No entry with this key exists in the bundle.
    case keyNotFound(file: String, key: String)
    /// The entry's `BundleEntryProto` does not decode, or holds values a valid writer never writes.
    case badEntry(file: String, key: String, detail: String)
    /// The entry's dtype is one a checkpoint cannot hold in this reader (resource, variant, `_REF`, invalid).
    case unsupportedDType(file: String, key: String, dtype: Int32)
    /// The entry's byte size does not fit its dtype and shape.
    case sizeMismatch(file: String, key: String, expected: String, found: Int64)
    /// The entry's `[offset, offset + size)` reaches past the end of its shard.
    case outOfBounds(file: String, key: String, offset: Int64, size: Int64, fileSize: Int)
    /// The tensor's bytes do not match the entry's CRC32C (both unmasked).
    case checksumMismatch(file: String, key: String, expected: UInt32, found: UInt32)
    /// A string tensor's encoded lengths are malformed or do not match their own CRC32C.
    case badStringLengths(file: String, key: String, detail: String)
    /// The slices of a partitioned tensor do not exactly tile the full tensor.
    case badSlices(file: String, key: String, detail: String)
    /// A typed accessor was called on a tensor of another dtype.
    case dtypeMismatch(key: String, requested: String, actual: Int32)

    public var description: String {
        switch self {
        case let .unreadableFile(file, reason):
            return "\(file): cannot read file: \(reason)"
        case let .missingShard(file, key, shardID, numShards):
            return "\(file): data shard \(shardID) of \(numShards) needed by key '\(key)' does not exist"
        case let .indexTooShort(file, size):
            return "\(file): \(size) bytes is too short to be a table (expected at least 48 bytes of footer)"
        case let .badMagic(file, found):
            return "\(file): not a table (bad magic number: expected 0xdb4775248b80fb57, found 0x"
                + String(found, radix: 16) + ")"
        case let .corruptIndex(file, detail):
            return "\(file): corrupt table: \(detail)"
        case let .blockChecksumMismatch(file, offset, expected, found):
            return "\(file): block checksum mismatch in block at offset \(offset): expected "
                + "\(hex(expected)), found \(hex(found))"
        case let .compressedBlock(file, offset, type):
            return "\(file): block at offset \(offset) has compression type \(type) "
                + (type == 1 ? "(Snappy, written by TensorFlow before 1.2), which is not supported"
                    : "(unknown); expected 0 (uncompressed)")
        case let .badHeader(file, detail):
            return "\(file): bad bundle header: \(detail)"
        case let .unsupportedVersion(file, producer, minConsumer, badConsumers):
            return "\(file): unsupported bundle version: producer \(producer), min_consumer \(minConsumer), "
                + "bad_consumers \(badConsumers); this reader is consumer 1 and needs producer >= 0"
        case let .keyNotFound(file, key):
            return "\(file): key '\(key)' not found in checkpoint"
        case let .badEntry(file, key, detail):
            return "\(file): bad entry for key '\(key)': \(detail)"
        case let .unsupportedDType(file, key, dtype):
            return "\(file): key '\(key)' has dtype \(dtype), which a bundle reader does not support"
        case let .sizeMismatch(file, key, expected, found):
            return "\(file): invalid size in bundle entry for key '\(key)': expected \(expected), found \(found)"
        case let .outOfBounds(file, key, offset, size, fileSize):
            return "\(file): key '\(key)' claims bytes [\(offset), \(offset) + \(size)) but the file has "
                + "\(fileSize) bytes"
        case let .checksumMismatch(file, key, expected, found):
            return "\(file): checksum does not match for key '\(key)': expected \(hex(expected)), "
                + "found \(hex(found))"
        case let .badStringLengths(file, key, detail):
            return "\(file): string tensor '\(key)': \(detail)"
        case let .badSlices(file, key, detail):
            return "\(file): partitioned tensor '\(key)': \(detail)"
        case let .dtypeMismatch(key, requested, actual):
            return "tensor '\(key)': requested \(requested) values but its dtype is \(actual)"
        }
    }
}

/// `0x` and eight hex digits.
func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
