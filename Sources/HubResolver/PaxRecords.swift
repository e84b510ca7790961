// MARK: - pax extended header records

/// Parses pax records `"<length> <key>=<value>\n"`, where `<length>` counts the whole record.
enum PaxRecords {
    enum Problem: Error {
        case malformed(at: Int)
    }

    static func parse(_ bytes: [UInt8]) throws -> [String: String] {
        var records: [String: String] = [:]
        var position = 0
        while position < bytes.count {
            if bytes[position] == 0 { break }  // NUL padding after the last record
            var length = 0
            var cursor = position
            while cursor < bytes.count, bytes[cursor] >= 0x30, bytes[cursor] <= 0x39, length < 1 << 24 {
                length = length * 10 + Int(bytes[cursor] - 0x30)
                cursor += 1
            }
            guard cursor < bytes.count, bytes[cursor] == 0x20, length > cursor - position + 1,
                  position + length <= bytes.count, bytes[position + length - 1] == 0x0A
            else { throw Problem.malformed(at: position) }
            let body = bytes[(cursor + 1)..<(position + length - 1)]
            guard let equals = body.firstIndex(of: UInt8(ascii: "=")) else { throw Problem.malformed(at: position) }
            let key = String(decoding: body[body.startIndex..<equals], as: UTF8.self)
            records[key] = String(decoding: body[(equals + 1)...], as: UTF8.self)
            position += length
        }
        return records
    }
}
