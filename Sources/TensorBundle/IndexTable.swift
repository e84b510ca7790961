import Foundation

/// The immutable LevelDB-style sorted table that a bundle's `.index` file is (spec 6.3):
/// `[data block][trailer]* [metaindex block][trailer] [index block][trailer] [48-byte footer]`.
///
/// Opening maps the file, checks the footer's magic number, and verifies the CRC32C and the
/// compression type of the index block and of every data block, so later lookups only decode.
/// Keys are byte strings in unsigned lexicographic order; the bundle header is the empty key.
public struct IndexTable: Sendable {
    /// `kTableMagicNumber`, stored little-endian in the footer's last 8 bytes.
    static let magic: UInt64 = 0xDB47_7524_8B80_FB57
    static let footerLength = 48
    static let trailerLength = 5

    let file: FileContents
    /// One per data block: the index block's separator key (`>=` every key in that block) and the
    /// block's byte range without its trailer.
    private let blocks: [(separator: [UInt8], range: Range<Int>)]

    /// The path of the `.index` file.
    public var path: String { file.path }

    /// Opens and verifies the table at `url`.
    public init(url: URL) throws {
        try self.init(file: FileContents(url: url))
    }

    init(file: FileContents) throws {
        self.file = file
        let bytes = file.bytes
        guard bytes.count >= Self.footerLength else {
            throw BundleError.indexTooShort(file: file.path, size: bytes.count)
        }
        let footerStart = bytes.count - Self.footerLength
        let foundMagic = loadLittleEndian64(bytes, at: footerStart + 40)
        guard foundMagic == Self.magic else { throw BundleError.badMagic(file: file.path, found: foundMagic) }
        var footer = ByteCursor(UnsafeRawBufferPointer(rebasing: bytes[footerStart ..< footerStart + 40]))
        guard footer.varintInt() != nil, footer.varintInt() != nil,
              let indexOffset = footer.varintInt(), let indexSize = footer.varintInt()
        else { throw BundleError.corruptIndex(file: file.path, detail: "footer block handles are malformed") }

        let indexRange = try Self.verifiedBlock(file: file, offset: indexOffset, size: indexSize, limit: footerStart)
        let index = try TableBlock(
            bytes: UnsafeRawBufferPointer(rebasing: bytes[indexRange]), file: file.path, blockOffset: indexOffset)
        var blocks: [(separator: [UInt8], range: Range<Int>)] = []
        try index.forEach { entry in
            var handle = ByteCursor(entry.value)
            guard let offset = handle.varintInt(), let size = handle.varintInt() else {
                throw BundleError.corruptIndex(file: file.path, detail: "index entry holds a malformed block handle")
            }
            let range = try Self.verifiedBlock(file: file, offset: offset, size: size, limit: indexOffset)
            blocks.append((entry.key, range))
        }
        self.blocks = blocks
    }

    /// Checks that block `[offset, offset + size)` plus its 5-byte trailer ends by `limit`, that the
    /// trailer says "uncompressed" and that its masked CRC32C (over block and type byte) matches.
    private static func verifiedBlock(file: FileContents, offset: Int, size: Int, limit: Int) throws -> Range<Int> {
        let (blockEnd, overflow1) = offset.addingReportingOverflow(size)
        let (trailerEnd, overflow2) = blockEnd.addingReportingOverflow(trailerLength)
        guard !overflow1, !overflow2, trailerEnd <= limit else {
            throw BundleError.corruptIndex(
                file: file.path,
                detail: "block handle (offset \(offset), size \(size)) plus its trailer passes byte \(limit) "
                    + "(truncated block read)")
        }
        let bytes = file.bytes
        let type = bytes[blockEnd]
        let stored = CRC32C.unmask(loadLittleEndian32(bytes, at: blockEnd + 1))
        let actual = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[offset ..< blockEnd + 1]))
        guard stored == actual else {
            throw BundleError.blockChecksumMismatch(file: file.path, blockOffset: offset, expected: stored, found: actual)
        }
        guard type == 0 else {
            throw BundleError.compressedBlock(file: file.path, blockOffset: offset, compressionType: type)
        }
        return offset ..< blockEnd
    }

    private func block(_ index: Int) throws -> TableBlock {
        try TableBlock(
            bytes: UnsafeRawBufferPointer(rebasing: file.bytes[blocks[index].range]),
            file: file.path, blockOffset: blocks[index].range.lowerBound)
    }

    // MARK: - Lookup and iteration

    /// Calls `body` with the value stored under `key` (pointing into the file's bytes), or returns nil.
    func withValue<R>(forKey key: [UInt8], _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R? {
        // The first data block whose separator is >= key is the only one that can hold it.
        var low = 0
        var high = blocks.count
        while low < high {
            let middle = low + (high - low) / 2
            if blocks[middle].separator.lexicographicallyPrecedes(key) { low = middle + 1 } else { high = middle }
        }
        guard low < blocks.count, let found = try block(low).seek(key), found.key == key else { return nil }
        return try body(found.value)
    }

    /// The value stored under `key`, or nil if the table has no such key.
    public func value(forKey key: [UInt8]) throws -> [UInt8]? {
        try withValue(forKey: key) { Array($0) }
    }

    /// Calls `body` with every key and value in key order; values point into the file's bytes and are
    /// valid only during the call. Checks that keys strictly increase across the whole table.
    public func forEachEntry(_ body: (_ key: [UInt8], _ value: UnsafeRawBufferPointer) throws -> Void) throws {
        var previous: [UInt8]? = nil
        for index in blocks.indices {
            try block(index).forEach { entry in
                if let previous, !previous.lexicographicallyPrecedes(entry.key) {
                    throw BundleError.corruptIndex(file: file.path, detail: "keys out of order across data blocks")
                }
                try body(entry.key, entry.value)
                previous = entry.key
            }
        }
    }
}
