import TFProto

// MARK: - Reading one stored (unpartitioned) tensor (spec 6.4, 6.5)

/// Reads the bytes of `entry` from `file`, verifies them and decodes them per dtype.
/// `bigEndian` is the bundle header's endianness (of tensor bytes; protobufs are unaffected).
func readStoredTensor(entry: BundleEntry, file: FileContents, bigEndian: Bool) throws -> BundleTensor {
    let storage: BundleTensor.Storage
    if entry.dtype == .string {
        storage = .strings(try decodeStrings(entry: entry, file: file, bigEndian: bigEndian))
    } else {
        let hostIsBigEndian = 1.bigEndian == 1
        storage = try decodePOD(entry: entry, file: file, byteSwap: bigEndian != hostIsBigEndian)
    }
    return BundleTensor(key: entry.key, dtype: entry.dtype, shape: entry.shape, elementCount: entry.elementCount,
                        storage: storage)
}

/// Throws unless `[entry.offset, entry.offset + entry.size)` lies within `file`.
private func checkBounds(entry: BundleEntry, file: FileContents) throws {
    let (end, overflow) = entry.offset.addingReportingOverflow(entry.size)
    guard !overflow, end <= file.count else {
        throw BundleError.outOfBounds(
            file: file.path, key: entry.key, offset: Int64(entry.offset), size: Int64(entry.size),
            fileSize: file.count)
    }
}

/// Fixed-size elements: exactly `elementCount * byteSize` bytes whose CRC32C (as stored, before any
/// byte swap) matches the entry.
private func decodePOD(entry: BundleEntry, file: FileContents, byteSwap: Bool) throws -> BundleTensor.Storage {
    let elementSize = entry.dtype.byteSize ?? 0
    let (expected, overflow) = entry.elementCount.multipliedReportingOverflow(by: elementSize)
    guard !overflow, expected == entry.size else {
        throw BundleError.sizeMismatch(
            file: file.path, key: entry.key,
            expected: "\(entry.elementCount) elements x \(elementSize) bytes of \(entry.dtype) "
                + "(shape \(entry.shape))",
            found: Int64(entry.size))
    }
    try checkBounds(entry: entry, file: file)
    let bytes = file.bytes(offset: entry.offset, length: entry.size)
    let actual = CRC32C.checksum(bytes)
    guard actual == entry.crc32c else {
        throw BundleError.checksumMismatch(file: file.path, key: entry.key, expected: entry.crc32c, found: actual)
    }
    let swapWidth = entry.dtype == .complex64 || entry.dtype == .complex128 ? elementSize / 2 : elementSize
    guard byteSwap, swapWidth > 1 else { return .fileBytes(file, offset: entry.offset, length: entry.size) }
    return .owned(byteSwapped(bytes, width: swapWidth))
}

/// Reverses the bytes of every `width`-byte word.
private func byteSwapped(_ bytes: UnsafeRawBufferPointer, width: Int) -> [UInt8] {
    [UInt8](unsafeUninitializedCapacity: bytes.count) { buffer, initialized in
        var word = 0
        while word + width <= bytes.count {
            for index in 0 ..< width { buffer[word + index] = bytes[word + width - 1 - index] }
            word += width
        }
        initialized = bytes.count
    }
}

// MARK: - DT_STRING

/// `varint64 len[i]* ‖ fixed32 mask(C_len) ‖ bytes*`, where `C_len` is the CRC32C of the lengths fed
/// as 4-byte (or, above 4 GiB, 8-byte) integers in the writer's byte order (also the stored
/// checksum's order), and the entry's CRC continues `C_len` over the 4 stored bytes and then over all
/// string bytes.
private func decodeStrings(entry: BundleEntry, file: FileContents, bigEndian: Bool) throws -> [[UInt8]] {
    func bad(_ detail: String) -> BundleError { .badStringLengths(file: file.path, key: entry.key, detail: detail) }
    // TensorFlow writes nothing at all for an empty string tensor only when size is 0.
    if entry.size == 0 {
        guard entry.elementCount == 0 else {
            throw BundleError.sizeMismatch(
                file: file.path, key: entry.key, expected: "at least \(entry.elementCount) bytes", found: 0)
        }
        guard entry.crc32c == 0 else {
            throw BundleError.checksumMismatch(file: file.path, key: entry.key, expected: entry.crc32c, found: 0)
        }
        return []
    }
    // Each length takes at least one byte, which bounds what the element count may allocate.
    guard entry.elementCount <= entry.size else {
        throw BundleError.sizeMismatch(
            file: file.path, key: entry.key, expected: "at least \(entry.elementCount) bytes for the lengths",
            found: Int64(entry.size))
    }
    try checkBounds(entry: entry, file: file)
    var cursor = ByteCursor(file.bytes(offset: entry.offset, length: entry.size))
    var lengths = [Int]()
    lengths.reserveCapacity(entry.elementCount)
    var crc: UInt32 = 0
    var total = 0
    for index in 0 ..< entry.elementCount {
        guard let length = cursor.varint64() else { throw bad("length \(index) is truncated or malformed") }
        if length <= UInt64(UInt32.max) {
            let word = bigEndian ? UInt32(length).bigEndian : UInt32(length).littleEndian
            crc = Swift.withUnsafeBytes(of: word) { CRC32C.extend(crc, $0) }
        } else {
            let word = bigEndian ? length.bigEndian : length.littleEndian
            crc = Swift.withUnsafeBytes(of: word) { CRC32C.extend(crc, $0) }
        }
        guard let size = Int(exactly: length), size <= cursor.remaining else {
            throw bad("length \(index) is \(length) bytes but only \(cursor.remaining) bytes remain")
        }
        let (sum, overflow) = total.addingReportingOverflow(size)
        guard !overflow else { throw bad("string lengths add up past the entry's size") }
        lengths.append(size)
        total = sum
    }
    guard let stored = cursor.take(4) else { throw bad("the length checksum is truncated") }
    let storedWord = stored.loadUnaligned(as: UInt32.self)
    let lengthChecksum = CRC32C.unmask(bigEndian ? UInt32(bigEndian: storedWord) : UInt32(littleEndian: storedWord))
    guard lengthChecksum == crc else {
        throw bad("length checksum does not match: expected \(hex(lengthChecksum)), found \(hex(crc))")
    }
    crc = CRC32C.extend(crc, stored)
    guard total == cursor.remaining else {
        throw BundleError.sizeMismatch(
            file: file.path, key: entry.key,
            expected: "\(cursor.position) bytes of lengths and checksum + \(total) string bytes",
            found: Int64(entry.size))
    }
    guard let payload = cursor.take(total) else { throw bad("string bytes are truncated") }
    crc = CRC32C.extend(crc, payload)
    guard crc == entry.crc32c else {
        throw BundleError.checksumMismatch(file: file.path, key: entry.key, expected: entry.crc32c, found: crc)
    }
    var strings = [[UInt8]]()
    strings.reserveCapacity(lengths.count)
    var start = 0
    for length in lengths {
        strings.append(Array(payload[start ..< start + length]))
        start += length
    }
    return strings
}
