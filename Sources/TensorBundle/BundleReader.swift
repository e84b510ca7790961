import Foundation
import TFProto

/// Reads a TensorFlow checkpoint V2 ("tensor bundle"): `<prefix>.index` plus
/// `<prefix>.data-SSSSS-of-NNNNN` (for a hub module, `prefix` is `<module>/variables/variables`).
///
/// Opening maps the `.index` file, verifies every table block's CRC, parses the header (shard count,
/// endianness, version check) and lists the keys. Data shards are read lazily, the first time a
/// tensor in them is read. Every tensor's CRC32C is verified each time it is read. All numbers from the
/// files are checked before use, so damaged files give a `BundleError` naming the file and key.
/// Safe to use from several threads at once.
public final class BundleReader: Sendable {
    /// The prefix the reader was opened with.
    public let prefix: URL
    /// Every tensor key in key order, without the header and without the per-slice entries of
    /// partitioned tensors (which appear once, under their full name). Keys are decoded as UTF-8, as
    /// TensorFlow names always are.
    public let keys: [String]

    private let table: IndexTable
    /// Where each key's value lies in the `.index` file read at open (one pass at open; lookups then hash).
    private let values: [TableKey: Range<Int>]
    private let header: BundleHeader
    private let shards: ShardFiles

    /// The number of data shards the header announces.
    public var shardCount: Int { header.numShards }
    /// Whether the bundle stores tensor bytes big-endian (they are returned in host order).
    public var isBigEndian: Bool { header.isBigEndian }

    /// Opens the bundle at `prefix` (the path without `.index`).
    public init(prefix: URL) throws {
        self.prefix = prefix
        let table = try IndexTable(url: URL(fileURLWithPath: prefix.path + ".index"))
        let indexPath = table.path
        guard let header = try table.withValue(forKey: [], { try BundleHeader(serialized: $0, file: indexPath) }) else {
            throw BundleError.badHeader(file: indexPath, detail: "no header entry (empty key)")
        }
        var keys: [String] = []
        var values: [TableKey: Range<Int>] = [:]
        let base = Int(bitPattern: table.file.bytes.baseAddress)
        try table.forEachEntry { key, value in
            let start = Int(bitPattern: value.baseAddress) - base
            guard start >= 0, start + value.count <= table.file.count else {
                throw BundleError.corruptIndex(file: indexPath, detail: "entry value outside the file")
            }
            values[TableKey(key)] = start ..< start + value.count
            // Skip the header ("") and encoded slice keys, which all start with 0x00.
            guard let first = key.first, first != 0 else { return }
            keys.append(String(decoding: key, as: UTF8.self))
        }
        self.values = values
        self.table = table
        self.header = header
        self.keys = keys
        self.shards = ShardFiles(prefix: prefix.path, count: header.numShards)
    }

    // MARK: - Entries

    /// The dtype, shape and slicing of the tensor stored under `key`.
    public func entry(forKey key: String) throws -> BundleEntry {
        try entry(forKey: key, rawKey: Array(key.utf8))
    }

    private func entry(forKey key: String, rawKey: [UInt8]) throws -> BundleEntry {
        let numShards = header.numShards
        let path = table.path
        guard let range = values[TableKey(rawKey)] else { throw BundleError.keyNotFound(file: path, key: key) }
        let serialized = UnsafeRawBufferPointer(rebasing: table.file.bytes[range])
        return try withExtendedLifetime(table) {
            try BundleEntry(key: key, serialized: serialized, file: path, numShards: numShards)
        }
    }

    /// The entries of all `keys`, in key order.
    public func entries() throws -> [BundleEntry] {
        try keys.map { try entry(forKey: $0) }
    }

    // MARK: - Tensors

    /// The full tensor stored under `key`: CRC-verified, converted to host byte order, and for a
    /// partitioned tensor assembled from its slices.
    public func tensor(forKey key: String) throws -> BundleTensor {
        let entry = try entry(forKey: key)
        guard !entry.slices.isEmpty else { return try storedTensor(entry) }
        return try assembledTensor(entry)
    }

    private func storedTensor(_ entry: BundleEntry) throws -> BundleTensor {
        let file = try shards.file(entry.shardID, forKey: entry.key)
        return try readStoredTensor(entry: entry, file: file, bigEndian: header.isBigEndian)
    }

    /// Reads every slice named by `entry.slices` from its own entry, then copies them into place.
    private func assembledTensor(_ entry: BundleEntry) throws -> BundleTensor {
        func bad(_ detail: String) -> BundleError { .badSlices(file: table.path, key: entry.key, detail: detail) }
        var total = 0
        for ranges in entry.slices {
            let count = ranges.reduce(1) { $0 * $1.count }  // within the checked full shape
            let (sum, overflow) = total.addingReportingOverflow(count)
            guard !overflow else { throw bad("slice element counts overflow") }
            total = sum
        }
        guard total == entry.elementCount else {
            throw bad("\(entry.slices.count) slices hold \(total) elements, the full shape \(entry.shape) has "
                + "\(entry.elementCount)")
        }
        var parts: [BundleTensor] = []
        var regions: [(shard: Int, range: Range<Int>, label: String)] = []
        for (extents, ranges) in zip(entry.sliceExtents, entry.slices) {
            let sliceKey = SliceKey.encode(name: entry.key, extents: extents)
            let label = entry.key + " slice " + ranges.map { "\($0.lowerBound):\($0.count)" }.joined(separator: ",")
            let slice = try self.entry(forKey: label, rawKey: sliceKey)
            guard slice.slices.isEmpty, slice.dtype == entry.dtype, slice.shape == ranges.map(\.count) else {
                throw bad("stored slice '\(label)' is \(slice.dtype) \(slice.shape), expected \(entry.dtype) "
                    + "\(ranges.map(\.count))")
            }
            parts.append(try storedTensor(slice))
            regions.append((slice.shardID, slice.offset ..< slice.offset + slice.size, label))
        }
        // Writers never share bytes between slices; refusing it bounds the assembled size by the files'.
        regions.sort { ($0.shard, $0.range.lowerBound) < ($1.shard, $1.range.lowerBound) }
        for (first, second) in zip(regions, regions.dropFirst())
        where first.shard == second.shard && first.range.overlaps(second.range) {
            throw bad("stored slices '\(first.label)' and '\(second.label)' share bytes in shard \(first.shard)")
        }
        let storage = try assembleSlices(entry: entry, parts: parts, file: table.path)
        return BundleTensor(key: entry.key, dtype: entry.dtype, shape: entry.shape,
                            elementCount: entry.elementCount, storage: storage)
    }
}

/// A table key as a dictionary key, hashed in one pass over its bytes (not byte by byte).
private struct TableKey: Hashable {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
