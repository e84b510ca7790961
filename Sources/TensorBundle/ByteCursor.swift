// MARK: - Primitive encodings (spec 6.2)

/// Reads LevelDB's primitive encodings from a byte range, never past its end.
///
/// Every read returns `nil` instead of trapping when the bytes run out or an encoding is malformed;
/// callers turn that into a `BundleError` that names the file.
struct ByteCursor {
    let bytes: UnsafeRawBufferPointer
    private(set) var position: Int

    init(_ bytes: UnsafeRawBufferPointer, position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    var remaining: Int { bytes.count - position }

    /// LEB128, at most 10 bytes, value within 64 bits.
    mutating func varint64() -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.count && shift <= 63 {
            let byte = bytes[position]
            position += 1
            let payload = UInt64(byte & 0x7F)
            if shift == 63 && payload > 1 { return nil }
            result |= payload << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
        return nil
    }

    /// LEB128, at most 5 bytes, value within 32 bits.
    mutating func varint32() -> UInt32? {
        let start = position
        guard let value = varint64(), position - start <= 5, let narrow = UInt32(exactly: value) else {
            return nil
        }
        return narrow
    }

    /// A LEB128 value that must also fit in `Int` (lengths and offsets).
    mutating func varintInt() -> Int? {
        guard let value = varint64() else { return nil }
        return Int(exactly: value)
    }

    /// Little-endian 32-bit.
    mutating func fixed32() -> UInt32? {
        guard remaining >= 4 else { return nil }
        let value = loadLittleEndian32(bytes, at: position)
        position += 4
        return value
    }

    /// The next `count` bytes.
    mutating func take(_ count: Int) -> UnsafeRawBufferPointer? {
        guard count >= 0, count <= remaining else { return nil }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position ..< position + count])
        position += count
        return slice
    }
}

/// The little-endian `UInt32` at `offset`; the caller has checked `offset + 4 <= bytes.count`.
@inline(__always)
func loadLittleEndian32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
    UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
}

/// The little-endian `UInt64` at `offset`; the caller has checked `offset + 8 <= bytes.count`.
@inline(__always)
func loadLittleEndian64(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt64 {
    UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
}
