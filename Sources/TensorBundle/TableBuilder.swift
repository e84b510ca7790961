// MARK: - Writing the `.index` table (spec 6.3)

/// Builds an immutable LevelDB-style table in memory, byte for byte as TensorFlow's
/// `tsl::table::TableBuilder` does with the options every bundle writer uses:
///
/// - data blocks of `block_size` 256 KiB (a block is cut once its size estimate reaches it, and before
///   any entry whose key and value together reach twice that), restart interval 16, no compression;
/// - an empty metaindex block;
/// - an index block with restart interval 1, whose keys are TF's `BytewiseComparator` shortenings:
///   `FindShortestSeparator(last key of block, first key of next block)`, and for the last block
///   `FindShortSuccessor(last key)`;
/// - every block followed by its trailer (type byte 0, masked CRC32C of block and type byte), then the
///   48-byte footer (metaindex and index handles, zero padding, magic number).
///
/// Keys must be added in strictly increasing bytewise order.
struct TableBuilder {
    static let blockSize = 262_144
    static let restartInterval = 16

    private(set) var output: [UInt8] = []
    private var dataBlock = BlockBuilder(restartInterval: Self.restartInterval)
    private var indexBlock = BlockBuilder(restartInterval: 1)
    private var lastKey: [UInt8] = []
    private var entryCount = 0
    /// The handle of the data block just written, whose index entry waits for the next key.
    private var pendingHandle: [UInt8]?

    mutating func add(key: [UInt8], value: [UInt8]) {
        precondition(entryCount == 0 || lastKey.lexicographicallyPrecedes(key), "table keys out of order")
        if entryCount > 0 && key.count + value.count >= 2 * Self.blockSize { flush() }
        if let handle = pendingHandle {
            Self.shortenToSeparator(&lastKey, limit: key)
            indexBlock.add(key: lastKey, value: handle)
            pendingHandle = nil
        }
        lastKey = key
        entryCount += 1
        dataBlock.add(key: key, value: value)
        if dataBlock.sizeEstimate >= Self.blockSize { flush() }
    }

    /// The finished table: remaining data block, metaindex, index and footer.
    mutating func finish() -> [UInt8] {
        flush()
        let metaindexHandle = writeBlock(BlockBuilder(restartInterval: Self.restartInterval).finish())
        if let handle = pendingHandle {
            Self.shortenToSuccessor(&lastKey)
            indexBlock.add(key: lastKey, value: handle)
            pendingHandle = nil
        }
        let indexHandle = writeBlock(indexBlock.finish())
        var footer = metaindexHandle + indexHandle
        footer += [UInt8](repeating: 0, count: 40 - footer.count)
        appendFixed64(&footer, IndexTable.magic)
        output += footer
        return output
    }

    private mutating func flush() {
        guard !dataBlock.isEmpty else { return }
        pendingHandle = writeBlock(dataBlock.finish())
        dataBlock = BlockBuilder(restartInterval: Self.restartInterval)
    }

    /// Appends a finished block and its trailer; returns its encoded handle (varint offset, varint size).
    private mutating func writeBlock(_ contents: [UInt8]) -> [UInt8] {
        var handle: [UInt8] = []
        appendVarint(&handle, UInt64(output.count))
        appendVarint(&handle, UInt64(contents.count))
        output += contents
        let type: [UInt8] = [0]
        let crc = contents.withUnsafeBytes { body in type.withUnsafeBytes { CRC32C.extend(CRC32C.extend(0, body), $0) } }
        output += type
        appendFixed32(&output, CRC32C.mask(crc))
        return handle
    }

    // MARK: BytewiseComparator shortenings

    /// `FindShortestSeparator`: when neither key is a prefix of the other and the first differing byte
    /// of `start` can be incremented while staying below `limit`'s, keep `start` up to that byte, incremented.
    static func shortenToSeparator(_ start: inout [UInt8], limit: [UInt8]) {
        let minLength = min(start.count, limit.count)
        var index = 0
        while index < minLength && start[index] == limit[index] { index += 1 }
        guard index < minLength else { return }
        let byte = start[index]
        if byte < 0xFF && Int(byte) + 1 < Int(limit[index]) {
            start[index] = byte + 1
            start.removeSubrange((index + 1)...)
        }
    }

    /// `FindShortSuccessor`: increment the first byte that is not 0xFF and drop the rest; a key of only
    /// 0xFF bytes stays as it is.
    static func shortenToSuccessor(_ key: inout [UInt8]) {
        guard let index = key.firstIndex(where: { $0 != 0xFF }) else { return }
        key[index] += 1
        key.removeSubrange((index + 1)...)
    }
}

// MARK: - Blocks

/// One block: prefix-compressed entries, then the restart offsets and their count (all fixed32).
struct BlockBuilder {
    let restartInterval: Int
    private var buffer: [UInt8] = []
    private var restarts: [UInt32] = [0]
    private var counter = 0
    private var lastKey: [UInt8] = []

    init(restartInterval: Int) { self.restartInterval = restartInterval }

    var isEmpty: Bool { buffer.isEmpty }

    /// `CurrentSizeEstimate`: entries, restart array and its length.
    var sizeEstimate: Int { buffer.count + 4 * restarts.count + 4 }

    mutating func add(key: [UInt8], value: [UInt8]) {
        var shared = 0
        if counter < restartInterval {
            let minLength = min(lastKey.count, key.count)
            while shared < minLength && lastKey[shared] == key[shared] { shared += 1 }
        } else {
            restarts.append(UInt32(buffer.count))
            counter = 0
        }
        appendVarint(&buffer, UInt64(shared))
        appendVarint(&buffer, UInt64(key.count - shared))
        appendVarint(&buffer, UInt64(value.count))
        buffer += key[shared...]
        buffer += value
        lastKey = key
        counter += 1
    }

    func finish() -> [UInt8] {
        var bytes = buffer
        for restart in restarts { appendFixed32(&bytes, restart) }
        appendFixed32(&bytes, UInt32(restarts.count))
        return bytes
    }
}

// MARK: - Primitive encodings (spec 6.2)

func appendVarint(_ bytes: inout [UInt8], _ value: UInt64) {
    var value = value
    while value >= 0x80 {
        bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
        value >>= 7
    }
    bytes.append(UInt8(value))
}

func appendFixed32(_ bytes: inout [UInt8], _ value: UInt32) {
    withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
}

func appendFixed64(_ bytes: inout [UInt8], _ value: UInt64) {
    withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
}
