import CProtobufC
import CTFProtos

/// How often each field occurs in wire-format bytes, by field path (`meta_graphs.graph_def.node.attr`),
/// walked with the libprotobuf-c descriptors: a message field counts once and is walked into, a packed
/// run counts one per element, a field the descriptor lacks counts under `path.#<number>`.
///
/// Comparing the census of a file TF wrote with the census of our re-encoding shows every field the
/// Swift values drop (or invent), whatever order either writer put fields and map entries in.
///
/// The `key` of a map entry (`…Entry` messages) is not counted: TF writes it even when it holds the
/// proto3 default (`arg_attr` entries of argument 0), libprotobuf-c does not, and both read back as 0.
struct WireCensus: Equatable {
    private(set) var counts: [String: Int] = [:]

    init(_ bytes: [UInt8], descriptor: UnsafePointer<ProtobufCMessageDescriptor>) {
        bytes.withUnsafeBytes { walk($0, descriptor, path: "") }
    }

    /// Field paths whose counts differ: (path, count here, count in `other`).
    func differences(from other: WireCensus) -> [(path: String, this: Int, other: Int)] {
        Set(counts.keys).union(other.counts.keys).sorted().compactMap { path in
            let mine = counts[path] ?? 0
            let theirs = other.counts[path] ?? 0
            return mine == theirs ? nil : (path, mine, theirs)
        }
    }

    private mutating func walk(_ bytes: UnsafeRawBufferPointer, _ descriptor: UnsafePointer<ProtobufCMessageDescriptor>, path: String) {
        var position = 0
        while position < bytes.count {
            let key = varint(bytes, &position)
            let number = UInt32(truncatingIfNeeded: key >> 3)
            let wireType = Int(key & 7)
            var payload = UnsafeRawBufferPointer(start: nil, count: 0)
            switch wireType {
            case 0: _ = varint(bytes, &position)
            case 1: position += 8
            case 5: position += 4
            case 2:
                let length = Int(varint(bytes, &position))
                payload = UnsafeRawBufferPointer(rebasing: bytes[position ..< position + length])
                position += length
            default: preconditionFailure("wire type \(wireType) in a TF file")
            }
            guard let field = protobuf_c_message_descriptor_get_field(descriptor, number) else {
                counts[path + "#\(number)", default: 0] += 1
                continue
            }
            let fieldName = String(cString: field.pointee.name)
            let name = path + fieldName
            if fieldName == "key", String(cString: descriptor.pointee.name).hasSuffix("Entry") {
                continue
            } else if field.pointee.type == PROTOBUF_C_TYPE_MESSAGE {
                counts[name, default: 0] += 1
                let sub = field.pointee.descriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
                walk(payload, sub, path: name + ".")
            } else if wireType == 2, field.pointee.type != PROTOBUF_C_TYPE_STRING, field.pointee.type != PROTOBUF_C_TYPE_BYTES {
                counts[name, default: 0] += packedCount(payload, field.pointee.type)
            } else {
                counts[name, default: 0] += 1
            }
        }
    }

    private func packedCount(_ payload: UnsafeRawBufferPointer, _ type: ProtobufCType) -> Int {
        switch type {
        case PROTOBUF_C_TYPE_FIXED32, PROTOBUF_C_TYPE_SFIXED32, PROTOBUF_C_TYPE_FLOAT: return payload.count / 4
        case PROTOBUF_C_TYPE_FIXED64, PROTOBUF_C_TYPE_SFIXED64, PROTOBUF_C_TYPE_DOUBLE: return payload.count / 8
        default:
            var position = 0
            var count = 0
            while position < payload.count {
                _ = varint(payload, &position)
                count += 1
            }
            return count
        }
    }

    private func varint(_ bytes: UnsafeRawBufferPointer, _ position: inout Int) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = bytes[position]
            position += 1
            if shift < 64 { value |= UInt64(byte & 0x7F) << shift }
            if byte < 0x80 { return value }
            shift += 7
        }
    }
}

/// The descriptor of a protoc-c message type, read from a struct its `__init` set up.
func descriptor<C>(_ initialise: (UnsafeMutablePointer<C>?) -> Void) -> UnsafePointer<ProtobufCMessageDescriptor> {
    let storage = UnsafeMutablePointer<C>.allocate(capacity: 1)
    defer { storage.deallocate() }
    initialise(storage)
    return UnsafeRawPointer(storage).assumingMemoryBound(to: ProtobufCMessage.self).pointee.descriptor
}
