// MARK: - Encoded slice keys (spec 6.7)

/// The table key under which one stored slice of a partitioned tensor lives:
/// `OC_uint(0) ‖ OC_string(name) ‖ OC_uint(rank) ‖ (OC_sint(start) ‖ OC_sint(length))` per dimension,
/// in TensorFlow's `OrderedCode`, with `length = -1` for a full extent.
///
/// Every slice key starts with `0x00`, so slice keys sort right after the header and before every
/// ordinary tensor name.
public enum SliceKey {
    /// One dimension of a slice: `start` and `length`, or `length == nil` for the whole dimension.
    public typealias Extent = (start: Int64, length: Int64?)

    /// The key of the slice `extents` of tensor `name`.
    public static func encode(name: String, extents: [Extent]) -> [UInt8] {
        var key: [UInt8] = []
        appendUnsigned(0, to: &key)
        appendString(Array(name.utf8), to: &key)
        appendUnsigned(UInt64(extents.count), to: &key)
        for extent in extents {
            appendSigned(extent.start, to: &key)
            appendSigned(extent.length ?? -1, to: &key)
        }
        return key
    }

    // MARK: - OrderedCode primitives

    /// `WriteNumIncreasing`: a length byte (0...8), then the value big-endian without leading zeros.
    static func appendUnsigned(_ value: UInt64, to key: inout [UInt8]) {
        let length = (64 - value.leadingZeroBitCount + 7) / 8
        key.append(UInt8(length))
        for index in stride(from: length - 1, through: 0, by: -1) {
            key.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(index))))
        }
    }

    /// `WriteString`: `00` becomes `00 FF`, `FF` becomes `FF 00`, then the terminator `00 01`.
    static func appendString(_ bytes: [UInt8], to key: inout [UInt8]) {
        for byte in bytes {
            key.append(byte)
            if byte == 0x00 { key.append(0xFF) } else if byte == 0xFF { key.append(0x00) }
        }
        key.append(contentsOf: [0x00, 0x01])
    }

    /// `kLengthToHeaderBits[len]` for len 1...10.
    private static let headerBits: [(UInt8, UInt8)] = [
        (0x00, 0x00), (0x80, 0x00), (0xC0, 0x00), (0xE0, 0x00), (0xF0, 0x00), (0xF8, 0x00),
        (0xFC, 0x00), (0xFE, 0x00), (0xFF, 0x00), (0xFF, 0x80), (0xFF, 0xC0),
    ]

    /// `WriteSignedNumIncreasing`: the shortest sign-extended big-endian form whose first bits
    /// (from `headerBits`) give its length, so that byte order equals numeric order.
    static func appendSigned(_ value: Int64, to key: inout [UInt8]) {
        let magnitude = UInt64(bitPattern: value < 0 ? ~value : value)
        if magnitude < 64 {
            key.append(0x80 ^ UInt8(truncatingIfNeeded: value))
            return
        }
        let bits = 64 - magnitude.leadingZeroBitCount
        let length = bits / 7 + 1
        let sign: UInt8 = value < 0 ? 0xFF : 0x00
        var buffer = [sign, sign]
        for index in stride(from: 7, through: 0, by: -1) {
            buffer.append(UInt8(truncatingIfNeeded: UInt64(bitPattern: value) >> (8 * UInt64(index))))
        }
        var encoded = Array(buffer[(buffer.count - length)...])
        encoded[0] ^= headerBits[length].0
        encoded[1] ^= headerBits[length].1
        key.append(contentsOf: encoded)
    }
}
