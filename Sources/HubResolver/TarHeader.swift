// MARK: - One 512-byte tar header block

/// The fields of a ustar / GNU / pax header block that extraction needs.
struct TarHeader {
    /// Entry type byte: '0' / NUL / '7' file, '5' folder, 'x' 'g' 'X' pax, 'L' 'K' GNU long names, ...
    var typeFlag: UInt8
    /// `name`, joined with the ustar `prefix` when the block is POSIX ustar.
    var name: String
    var linkName: String
    var size: Int64

    enum Problem: Error {
        case badChecksum(stored: Int64, computed: Int64)
        case badNumber(field: String, bytes: String)
    }

    static let blockSize = 512

    /// Parses a header block; nil for an all-zero block (end of archive).
    static func parse(_ block: UnsafeRawBufferPointer) throws -> TarHeader? {
        precondition(block.count == blockSize)
        if block.allSatisfy({ $0 == 0 }) { return nil }

        let stored = try number(block, 148, 8, field: "checksum")
        var unsignedSum: Int64 = 0
        var signedSum: Int64 = 0
        for (i, byte) in block.enumerated() {
            let value = (148..<156).contains(i) ? 0x20 : byte
            unsignedSum += Int64(value)
            signedSum += Int64(Int8(bitPattern: value))
        }
        guard stored == unsignedSum || stored == signedSum else {
            throw Problem.badChecksum(stored: stored, computed: unsignedSum)
        }

        let magic = Array(block[257..<265])
        let isPOSIX = magic.starts(with: Array("ustar\0".utf8))
        var name = string(block, 0, 100)
        let prefix = string(block, 345, 155)
        if isPOSIX && !prefix.isEmpty {
            name = prefix + "/" + name
        }
        return TarHeader(
            typeFlag: block[156],
            name: name,
            linkName: string(block, 157, 100),
            size: try number(block, 124, 12, field: "size"))
    }

    /// A NUL-terminated string field (bytes that are not UTF-8 are replaced, never trusted as paths).
    private static func string(_ block: UnsafeRawBufferPointer, _ start: Int, _ length: Int) -> String {
        let field = block[start..<(start + length)]
        let end = field.firstIndex(of: 0) ?? field.endIndex
        return String(decoding: block[start..<end], as: UTF8.self)
    }

    /// An octal ASCII number (NUL / space padded) or a GNU base-256 number (first byte 0x80 or 0xFF).
    static func number(_ block: UnsafeRawBufferPointer, _ start: Int, _ length: Int, field: String) throws -> Int64 {
        let bytes = Array(block[start..<(start + length)])
        let shown = bytes.map { String($0, radix: 16) }.joined(separator: " ")
        if bytes[0] == 0x80 || bytes[0] == 0xFF {
            // Base-256, two's complement after the marker byte; values beyond Int64 are refused.
            let negative = bytes[0] == 0xFF
            var value: Int64 = negative ? -1 : 0
            for byte in bytes.dropFirst() {
                guard value >> 55 == (negative ? -1 : 0) else { throw Problem.badNumber(field: field, bytes: shown) }
                value = value << 8 | Int64(byte)
            }
            return value
        }
        var value: Int64 = 0
        var index = 0
        while index < bytes.count && bytes[index] == 0x20 { index += 1 }
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x37 {
            guard value >> 60 == 0 else { throw Problem.badNumber(field: field, bytes: shown) }
            value = value << 3 | Int64(bytes[index] - 0x30)
            index += 1
        }
        while index < bytes.count {
            guard bytes[index] == 0 || bytes[index] == 0x20 else {
                throw Problem.badNumber(field: field, bytes: shown)
            }
            index += 1
        }
        return value
    }
}
