import TFProto

/// What the `.index` file says about one tensor: its dtype, shape and, for a partitioned tensor,
/// the slices it was saved in. Built from a `BundleEntryProto` and checked on the way.
public struct BundleEntry: Sendable, Equatable {
    /// The tensor's name in the checkpoint (for TF1 variables, the variable's name without `:0`).
    public let key: String
    /// The element type (never a `_REF`, resource, variant or invalid type).
    public let dtype: DataType
    /// Dimension sizes, outermost first; `[]` for a scalar. Elements are stored row-major.
    public let shape: [Int]
    /// Empty for a tensor stored in one piece. For a partitioned tensor, one element per stored slice:
    /// the index range it covers in each dimension of `shape`.
    public let slices: [[Range<Int>]]

    /// `shape`'s product (1 for a scalar).
    public let elementCount: Int

    // MARK: - Where the bytes are (ignored for partitioned tensors)

    let shardID: Int
    let offset: Int
    let size: Int
    /// Unmasked CRC32C of the stored bytes.
    let crc32c: UInt32
    /// The slices as written (`length == nil` for a full extent), needed to rebuild their keys.
    let sliceExtents: [[SliceKey.Extent]]

    public static func == (lhs: BundleEntry, rhs: BundleEntry) -> Bool {
        lhs.key == rhs.key && lhs.dtype == rhs.dtype && lhs.shape == rhs.shape && lhs.slices == rhs.slices
            && lhs.shardID == rhs.shardID && lhs.offset == rhs.offset && lhs.size == rhs.size
            && lhs.crc32c == rhs.crc32c
    }
}

// MARK: - Decoding and validation

extension BundleEntry {
    /// Decodes and checks the serialized `BundleEntryProto` stored under `key` in `file`.
    init(key: String, serialized: UnsafeRawBufferPointer, file: String, numShards: Int) throws {
        func bad(_ detail: String) -> BundleError { .badEntry(file: file, key: key, detail: detail) }
        let proto: BundleEntryProto
        do {
            proto = try BundleEntryProto(serializedBytes: serialized)
        } catch {
            throw bad("BundleEntryProto does not decode: \(error)")
        }
        let dtype = proto.dtype
        guard dtype == .string || (dtype.byteSize != nil && !dtype.isReference) else {
            throw BundleError.unsupportedDType(file: file, key: key, dtype: dtype.rawValue)
        }
        guard !proto.shape.unknownRank else { throw bad("shape has unknown rank") }
        var shape: [Int] = []
        var count = 1
        for dim in proto.shape.dim {
            guard let size = Int(exactly: dim.size), size >= 0 else { throw bad("dimension size \(dim.size) in shape") }
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow else { throw bad("shape \(proto.shape.dim.map(\.size)) has too many elements") }
            shape.append(size)
            count = product
        }

        var extents: [[SliceKey.Extent]] = []
        var ranges: [[Range<Int>]] = []
        for (index, slice) in proto.slices.enumerated() {
            guard slice.extent.count == shape.count else {
                throw bad("slice \(index) has \(slice.extent.count) extents for a rank-\(shape.count) tensor")
            }
            var sliceRanges: [Range<Int>] = []
            for (dimension, extent) in slice.extent.enumerated() {
                let start = Int(exactly: extent.start) ?? -1
                let length = extent.length.map { Int(exactly: $0) ?? -1 } ?? (shape[dimension] - max(start, 0))
                let (end, overflow) = start.addingReportingOverflow(length)
                guard start >= 0, length >= 0, !overflow, end <= shape[dimension] else {
                    throw bad("slice \(index) extent \(dimension) (start \(extent.start), length "
                        + "\(extent.length.map(String.init) ?? "full")) is outside dimension size \(shape[dimension])")
                }
                sliceRanges.append(start ..< end)
            }
            extents.append(slice.extent.map { (start: $0.start, length: $0.length) })
            ranges.append(sliceRanges)
        }

        // Location fields are not written for partitioned tensors; check them only when used.
        guard let shardID = Int(exactly: proto.shardID), let offset = Int(exactly: proto.offset),
              let size = Int(exactly: proto.size), shardID >= 0, offset >= 0, size >= 0
        else { throw bad("negative shard_id \(proto.shardID), offset \(proto.offset) or size \(proto.size)") }
        guard !ranges.isEmpty || shardID < numShards else {
            throw bad("shard_id \(shardID) but the bundle has \(numShards) shards")
        }

        self.init(
            key: key, dtype: dtype, shape: shape, slices: ranges, elementCount: count, shardID: shardID,
            offset: offset, size: size, crc32c: CRC32C.unmask(proto.crc32c), sliceExtents: extents)
    }
}
