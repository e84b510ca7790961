import Foundation
internal import CProtobufC

// MARK: - ProtoEncodable

/// A Swift value that encodes to protobuf wire format through libprotobuf-c.
///
/// Encoding builds the message's C structs in a `CArena`, packs them with `protobuf_c_message_pack`
/// and frees the arena before returning. Proto3 rules apply as TensorFlow's writers follow them:
/// scalars holding their default (0, "", false, the first enum value) are not written, repeated
/// numbers are packed, oneof members are written whenever their case is set, and a sub-message is
/// written when its `has...` flag is set or it differs from the empty message. Maps are written in
/// sorted key order, so equal values give equal bytes.
///
/// ```swift
/// let bytes = try savedModel.serializedBytes()
/// try ModuleDef(format: .v3).write(to: moduleURL.appendingPathComponent("tfhub_module.pb"))
/// ```
///
/// Fields the Swift values do not hold (`GraphDef.version`, `GraphDef.debug_info`, unknown fields) are
/// not written.
public protocol ProtoEncodable: ProtoMessage {
    /// Builds this value's libprotobuf-c struct in `arena`. Implementation detail.
    func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer
}

extension ProtoEncodable {
    /// The wire-format bytes of this message.
    ///
    /// - Throws: `ProtoEncodingError.messageTooLarge` past protobuf's limit of 2 GiB - 1 bytes,
    ///   which no protobuf reader (TensorFlow's included) accepts.
    public func serializedBytes() throws -> [UInt8] {
        let arena = CArena()
        return try withExtendedLifetime(arena) {
            let message = _cMessage(in: arena).assumingMemoryBound(to: ProtobufCMessage.self)
            let size = protobuf_c_message_get_packed_size(message)
            guard size <= Int(Int32.max) else {
                throw ProtoEncodingError.messageTooLarge(messageType: Self.protoMessageName, byteCount: size)
            }
            return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                count = size == 0 ? 0 : protobuf_c_message_pack(message, buffer.baseAddress)
            }
        }
    }

    /// Writes the message to `url` atomically: into a temporary file in the same folder, then renamed
    /// over `url`, so readers never see a partial file. Errors name the file.
    public func write(to url: URL) throws {
        let bytes: [UInt8]
        do {
            bytes = try serializedBytes()
        } catch let error as ProtoEncodingError {
            throw error.naming(file: url.path)
        }
        do {
            try Data(bytes).write(to: url, options: .atomic)
        } catch {
            throw ProtoEncodingError.unwritableFile(file: url.path, reason: error.localizedDescription)
        }
    }
}

// MARK: - ProtoEncodingError

/// Why a Swift value could not be written as a protocol buffer.
public enum ProtoEncodingError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The encoding would be longer than protobuf's limit of 2 GiB - 1 bytes.
    case messageTooLarge(messageType: String, byteCount: Int, file: String? = nil)
    /// The file could not be written (`reason` is the system's message).
    case unwritableFile(file: String, reason: String)

    public var description: String {
        switch self {
        case let .messageTooLarge(type, count, file):
            return (file.map { "\($0): " } ?? "") + "\(type) encodes to \(count) bytes, more than protobuf's "
                + "limit of \(Int32.max) bytes"
        case let .unwritableFile(file, reason):
            return "cannot write protobuf file \(file): \(reason)"
        }
    }

    func naming(file: String) -> ProtoEncodingError {
        guard case let .messageTooLarge(type, count, _) = self else { return self }
        return .messageTooLarge(messageType: type, byteCount: count, file: file)
    }
}
