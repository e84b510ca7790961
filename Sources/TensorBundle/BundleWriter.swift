import Foundation
import TFProto

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a TensorFlow checkpoint V2 ("tensor bundle") that TensorFlow's `BundleReader` reads, byte for
/// byte what TF's `BundleWriter` writes for the same tensors added in the same order:
/// `<prefix>.index` plus one data shard `<prefix>.data-00000-of-00001`.
///
/// Tensors go to the data file in the order they are added (TF's savers add them sorted by name),
/// densely packed; the index lists them in bytewise key order after the header (`num_shards` 1,
/// little-endian, version `producer` 1). Both files are first written as `*.tempstate<random>` and
/// renamed into place by `finish()` (the data file first, the index last), so a reader never sees a
/// half-written bundle; a writer dropped before `finish()` removes its temporary file.
///
/// ```swift
/// let writer = try BundleWriter(prefix: moduleURL.appendingPathComponent("variables/variables"))
/// try weights.withUnsafeBytes { try writer.add(key: "dense/kernel", dtype: .float, shape: [3, 4], bytes: $0) }
/// try writer.add(key: "vocabulary", shape: [2], strings: [Array("a".utf8), []])
/// try writer.finish()
/// ```
public final class BundleWriter {
    /// The prefix the bundle is written to (the paths without `.index` / `.data-…`).
    public let prefix: URL
    private let indexPath: String
    private let dataPath: String
    private let temporaryDataPath: String
    private var data: DataFileOutput?
    private var entries: [[UInt8]: BundleEntryProto] = [:]
    private var finished = false

    /// Creates the folder of `prefix` if needed and opens a temporary data file next to it.
    public init(prefix: URL) throws {
        self.prefix = prefix
        indexPath = prefix.path + ".index"
        dataPath = prefix.path + ".data-00000-of-00001"
        temporaryDataPath = dataPath + ".tempstate" + String(UInt64.random(in: 0 ... .max))
        let folder = prefix.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw BundleWriteError.unwritableFile(file: folder.path, reason: error.localizedDescription)
        }
        data = try DataFileOutput(path: temporaryDataPath)
    }

    deinit {
        if !finished {
            data?.close()
            unlink(temporaryDataPath)
        }
    }

    // MARK: - Adding tensors

    /// Appends a tensor of fixed-size elements.
    ///
    /// - Parameters:
    ///   - key: the tensor's name in the checkpoint (for TF1 variables, the variable node name); not empty.
    ///   - dtype: any numeric or boolean type (`byteSize != nil`, not a `_REF` type).
    ///   - shape: dimension sizes, outermost first; `[]` for a scalar.
    ///   - bytes: the elements, row-major, little-endian: exactly `shape`'s product × `dtype.byteSize` bytes.
    public func add(key: String, dtype: DataType, shape: [Int], bytes: UnsafeRawBufferPointer) throws {
        let rawKey = try checkedKey(key)
        guard let elementSize = dtype.byteSize, !dtype.isReference else {
            throw BundleWriteError.unsupportedDType(file: indexPath, key: key, dtype: dtype)
        }
        let count = try elementCount(shape, key: key)
        let (expected, overflow) = count.multipliedReportingOverflow(by: elementSize)
        guard !overflow, expected == bytes.count else {
            throw BundleWriteError.invalidTensor(
                file: indexPath, key: key,
                detail: "\(bytes.count) bytes for \(dtype) \(shape) (expected \(count) x \(elementSize) bytes)")
        }
        let offset = try output().offset
        try output().append(bytes)
        entries[rawKey] = entry(dtype: dtype, shape: shape, offset: offset, size: bytes.count,
                                crc: CRC32C.checksum(bytes))
    }

    /// Appends a tensor of fixed-size elements (see `add(key:dtype:shape:bytes:)` with a buffer).
    public func add(key: String, dtype: DataType, shape: [Int], bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try add(key: key, dtype: dtype, shape: shape, bytes: $0) }
    }

    /// Appends a DT_STRING tensor: `strings` holds its elements in row-major order, each as raw bytes.
    ///
    /// Stored as TF does: the lengths as varint64s, a masked CRC32C of the lengths (each fed as a
    /// little-endian uint32, or uint64 above 4 GiB), then the bytes of every element.
    public func add(key: String, shape: [Int], strings: [[UInt8]]) throws {
        let rawKey = try checkedKey(key)
        let count = try elementCount(shape, key: key)
        guard strings.count == count else {
            throw BundleWriteError.invalidTensor(
                file: indexPath, key: key, detail: "\(strings.count) strings for shape \(shape) (\(count) elements)")
        }
        var prefixBytes: [UInt8] = []
        var crc: UInt32 = 0
        for string in strings {
            appendVarint(&prefixBytes, UInt64(string.count))
            if string.count <= Int(UInt32.max) {
                crc = withUnsafeBytes(of: UInt32(string.count).littleEndian) { CRC32C.extend(crc, $0) }
            } else {
                crc = withUnsafeBytes(of: UInt64(string.count).littleEndian) { CRC32C.extend(crc, $0) }
            }
        }
        let lengthChecksum = withUnsafeBytes(of: CRC32C.mask(crc).littleEndian) { Array($0) }
        prefixBytes += lengthChecksum
        crc = lengthChecksum.withUnsafeBytes { CRC32C.extend(crc, $0) }
        let offset = try output().offset
        try prefixBytes.withUnsafeBytes { try output().append($0) }
        var size = prefixBytes.count
        for string in strings {
            try string.withUnsafeBytes { bytes in
                try output().append(bytes)
                crc = CRC32C.extend(crc, bytes)
            }
            size += string.count
        }
        entries[rawKey] = entry(dtype: .string, shape: shape, offset: offset, size: size, crc: crc)
    }

    /// Appends a tensor read from another bundle under its own key (or `key`).
    public func add(_ tensor: BundleTensor, key: String? = nil) throws {
        if tensor.dtype == .string {
            try add(key: key ?? tensor.key, shape: tensor.shape, strings: try tensor.strings())
        } else {
            try tensor.withUnsafeBytes { try add(key: key ?? tensor.key, dtype: tensor.dtype, shape: tensor.shape, bytes: $0) }
        }
    }

    // MARK: - Finishing

    /// Writes the index and renames both files into place. The writer takes no tensors afterwards.
    public func finish() throws {
        let output = try output()
        finished = true
        do {
            try output.flushAndClose()
            var table = TableBuilder()
            table.add(key: [], value: try BundleHeaderProto(
                numShards: 1, endianness: .little, version: VersionDef(producer: 1, minConsumer: 0)).serializedBytes())
            for key in entries.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                table.add(key: key, value: try entries[key]!.serializedBytes())
            }
            let temporaryIndexPath = indexPath + ".tempstate" + String(UInt64.random(in: 0 ... .max))
            let index = try DataFileOutput(path: temporaryIndexPath)
            do {
                try table.finish().withUnsafeBytes { try index.append($0) }
                try index.flushAndClose()
                try moveFile(temporaryDataPath, to: dataPath)
                try moveFile(temporaryIndexPath, to: indexPath)
            } catch {
                index.close()
                unlink(temporaryIndexPath)
                throw error
            }
        } catch {
            unlink(temporaryDataPath)
            throw error
        }
        data = nil
    }

    // MARK: - Helpers

    private func output() throws -> DataFileOutput {
        guard !finished, let data else { throw BundleWriteError.alreadyFinished(file: indexPath) }
        return data
    }

    private func checkedKey(_ key: String) throws -> [UInt8] {
        guard !finished else { throw BundleWriteError.alreadyFinished(file: indexPath) }
        guard !key.isEmpty else {
            throw BundleWriteError.invalidKey(file: indexPath, key: key, reason: "the empty key is the bundle header's")
        }
        let raw = Array(key.utf8)
        guard entries[raw] == nil else {
            throw BundleWriteError.invalidKey(file: indexPath, key: key, reason: "added twice")
        }
        return raw
    }

    private func elementCount(_ shape: [Int], key: String) throws -> Int {
        var count = 1
        for size in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard size >= 0, !overflow else {
                throw BundleWriteError.invalidTensor(file: indexPath, key: key, detail: "invalid shape \(shape)")
            }
            count = product
        }
        return count
    }

    private func entry(dtype: DataType, shape: [Int], offset: Int, size: Int, crc: UInt32) -> BundleEntryProto {
        BundleEntryProto(
            dtype: dtype, shape: TensorShapeProto(dims: shape.map(Int64.init)), shardID: 0, offset: Int64(offset),
            size: Int64(size), crc32c: CRC32C.mask(crc))
    }

    private func moveFile(_ from: String, to destination: String) throws {
        guard rename(from, destination) == 0 else {
            throw BundleWriteError.unwritableFile(
                file: destination, reason: "cannot rename \(from): " + String(cString: strerror(errno)))
        }
    }
}
