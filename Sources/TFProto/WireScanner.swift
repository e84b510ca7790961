internal import CProtobufC
internal import CTFProtos

// MARK: - WireScanner

/// A structural pass over protobuf wire bytes, run before libprotobuf-c unpacks them.
///
/// It follows the message descriptors exactly as `protobuf_c_message_unpack` does (same tag
/// decoding, same field lookup, same rule for when a field is a nested message or a packed array)
/// and checks what libprotobuf-c does not bound: nesting depth (libprotobuf-c recurses once per
/// nested message) and the memory the unpack will allocate (one struct per message, arrays sized
/// from element counts, copies of strings, bytes and unknown fields). It also reports the first
/// encoding error with its byte offset and field path, which libprotobuf-c cannot.
struct WireScanner {
    /// Per-field bookkeeping libprotobuf-c allocates while scanning (its `ScannedMember`), rounded up.
    static let scanOverhead = 32

    let bytes: UnsafeRawBufferPointer
    let limits: ProtoDecodingLimits
    var allocated = 0

    struct Failure: Error {
        enum Kind { case malformed(offset: Int, reason: String), tooDeep, tooMuchMemory }
        var kind: Kind
        var path: [String] = []
    }

    static func check(
        _ bytes: UnsafeRawBufferPointer, descriptor: UnsafePointer<ProtobufCMessageDescriptor>,
        messageType: String, limits: ProtoDecodingLimits
    ) throws {
        var scanner = WireScanner(bytes: bytes, limits: limits)
        do {
            try scanner.scanMessage(descriptor, start: 0, end: bytes.count, depth: 1)
        } catch let failure as Failure {
            let path = failure.path.reversed().joined(separator: ".")
            switch failure.kind {
            case let .malformed(offset, reason):
                throw ProtoDecodingError.malformed(
                    messageType: messageType, file: nil, fieldPath: path, offset: offset, reason: reason)
            case .tooDeep:
                throw ProtoDecodingError.nestingTooDeep(
                    messageType: messageType, file: nil, fieldPath: path, limit: limits.maxDepth)
            case .tooMuchMemory:
                throw ProtoDecodingError.allocationTooLarge(
                    messageType: messageType, file: nil, estimatedBytes: scanner.allocated,
                    limit: limits.maxAllocatedBytes)
            }
        }
    }

    // MARK: Messages

    private mutating func scanMessage(
        _ descriptor: UnsafePointer<ProtobufCMessageDescriptor>, start: Int, end: Int, depth: Int
    ) throws {
        try charge(Int(descriptor.pointee.sizeof_message))
        var position = start
        while position < end {
            let tagOffset = position
            let (fieldNumber, wireType) = try readTag(&position, end: end)
            let field = protobuf_c_message_descriptor_get_field(descriptor, fieldNumber)
            do {
                try scanField(field, number: fieldNumber, wireType: wireType, position: &position, end: end,
                              tagOffset: tagOffset, depth: depth)
            } catch var failure as Failure {
                if let field { failure.path.append(String(cString: field.pointee.name)) }
                throw failure
            }
        }
    }

    // MARK: Fields

    /// Reads one field's payload at `position` (after its tag) and, for a known field, checks it
    /// against the field's declared type.
    private mutating func scanField(
        _ field: UnsafePointer<ProtobufCFieldDescriptor>?, number: UInt32, wireType: UInt8,
        position: inout Int, end: Int, tagOffset: Int, depth: Int
    ) throws {
        try charge(Self.scanOverhead)
        let payloadStart: Int
        let payloadLength: Int
        switch wireType {
        case 0:
            payloadStart = position
            _ = try readVarint(&position, end: end, maxBytes: 10, what: "varint")
            payloadLength = position - payloadStart
        case 1, 5:
            let width = wireType == 1 ? 8 : 4
            guard end - position >= width else {
                throw malformed(tagOffset, "field \(number): \(width)-byte value runs past the end")
            }
            payloadStart = position
            payloadLength = width
            position += width
        case 2:
            let length = try readVarint(&position, end: end, maxBytes: 5, what: "length prefix")
            guard length <= UInt64(Int32.max), Int(length) <= end - position else {
                throw malformed(
                    tagOffset, "field \(number): length \(length) runs past the end (\(end - position) bytes left)")
            }
            payloadStart = position
            payloadLength = Int(length)
            position += payloadLength
        case 3, 4:
            throw malformed(tagOffset, "field \(number): group wire type \(wireType) is not supported")
        default:
            throw malformed(tagOffset, "field \(number): invalid wire type \(wireType)")
        }
        guard let field else {
            try charge(payloadLength + Self.scanOverhead)  // kept as an unknown field
            return
        }
        try scanKnownField(field, wireType: wireType, start: payloadStart, length: payloadLength,
                           tagOffset: tagOffset, depth: depth)
    }

    private mutating func scanKnownField(
        _ field: UnsafePointer<ProtobufCFieldDescriptor>, wireType: UInt8, start: Int, length: Int,
        tagOffset: Int, depth: Int
    ) throws {
        let type = field.pointee.type
        let repeated = field.pointee.label == PROTOBUF_C_LABEL_REPEATED
        let expected = Self.wireType(of: type)
        if wireType != expected {
            guard repeated, wireType == 2, expected != 2 else {
                throw malformed(tagOffset, "wrong wire type \(wireType) (expected \(expected))")
            }
            try scanPacked(type: type, start: start, length: length, tagOffset: tagOffset)
            return
        }
        if repeated { try charge(Self.elementSize(of: type)) }
        switch type {
        case PROTOBUF_C_TYPE_STRING: try charge(length + 1)
        case PROTOBUF_C_TYPE_BYTES: try charge(length)
        case PROTOBUF_C_TYPE_MESSAGE:
            guard depth < limits.maxDepth else { throw Failure(kind: .tooDeep) }
            let sub = field.pointee.descriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
            try scanMessage(sub, start: start, end: start + length, depth: depth + 1)
        default: break
        }
    }

    /// A packed run of numbers: libprotobuf-c counts the elements, then allocates the array.
    private mutating func scanPacked(type: ProtobufCType, start: Int, length: Int, tagOffset: Int) throws {
        let count: Int
        switch Self.wireType(of: type) {
        case 1, 5:
            let width = Self.wireType(of: type) == 1 ? 8 : 4
            guard length % width == 0 else {
                throw malformed(tagOffset, "packed array of \(length) bytes is not a multiple of \(width)")
            }
            count = length / width
        default:
            var position = start
            var n = 0
            while position < start + length {
                _ = try readVarint(&position, end: start + length, maxBytes: 10, what: "packed varint")
                n += 1
            }
            count = n
        }
        try charge(count * Self.elementSize(of: type))
    }

    // MARK: Primitives

    private func readTag(_ position: inout Int, end: Int) throws -> (UInt32, UInt8) {
        let offset = position
        let key = try readVarint(&position, end: end, maxBytes: 5, what: "tag")
        // Same truncation as libprotobuf-c's parse_tag_and_wiretype.
        let fieldNumber = UInt32(truncatingIfNeeded: key >> 3)
        guard fieldNumber != 0 else { throw malformed(offset, "field number 0") }
        return (fieldNumber, UInt8(key & 7))
    }

    private func readVarint(_ position: inout Int, end: Int, maxBytes: Int, what: String) throws -> UInt64 {
        let offset = position
        var value: UInt64 = 0
        var shift: UInt64 = 0
        for _ in 0..<maxBytes {
            guard position < end else { throw malformed(offset, "\(what) runs past the end") }
            let byte = bytes[position]
            position += 1
            if shift < 64 { value |= UInt64(byte & 0x7f) << shift }
            shift += 7
            if byte & 0x80 == 0 { return value }
        }
        throw malformed(offset, "\(what) longer than \(maxBytes) bytes")
    }

    private mutating func charge(_ byteCount: Int) throws {
        allocated += byteCount
        if allocated > limits.maxAllocatedBytes { throw Failure(kind: .tooMuchMemory) }
    }

    private func malformed(_ offset: Int, _ reason: String) -> Failure {
        Failure(kind: .malformed(offset: offset, reason: reason))
    }

    // MARK: Type tables

    private static func wireType(of type: ProtobufCType) -> UInt8 {
        switch type {
        case PROTOBUF_C_TYPE_SFIXED32, PROTOBUF_C_TYPE_FIXED32, PROTOBUF_C_TYPE_FLOAT: return 5
        case PROTOBUF_C_TYPE_SFIXED64, PROTOBUF_C_TYPE_FIXED64, PROTOBUF_C_TYPE_DOUBLE: return 1
        case PROTOBUF_C_TYPE_STRING, PROTOBUF_C_TYPE_BYTES, PROTOBUF_C_TYPE_MESSAGE: return 2
        default: return 0
        }
    }

    /// Bytes one element of a repeated field of `type` takes in libprotobuf-c's array.
    private static func elementSize(of type: ProtobufCType) -> Int {
        switch type {
        case PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_SINT64, PROTOBUF_C_TYPE_SFIXED64,
             PROTOBUF_C_TYPE_UINT64, PROTOBUF_C_TYPE_FIXED64, PROTOBUF_C_TYPE_DOUBLE,
             PROTOBUF_C_TYPE_STRING, PROTOBUF_C_TYPE_MESSAGE:
            return 8
        case PROTOBUF_C_TYPE_BYTES: return MemoryLayout<ProtobufCBinaryData>.size
        default: return 4
        }
    }
}
