// MARK: - ProtoDecodingError

/// Why a serialized protocol buffer could not be turned into a Swift value.
///
/// Every case names the message type being decoded (its full protobuf name, e.g.
/// `tensorflow.GraphDef`) and, when the bytes came from a file, that file's path.
/// `fieldPath` is the chain of field names from the top-level message down to the place that
/// failed (e.g. `meta_graphs[0].graph_def.node[12].attr["value"].tensor`), empty for the top level.
public enum ProtoDecodingError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be read at all.
    case unreadableFile(file: String, reason: String)
    /// The input is longer than the decoder accepts (`ProtoDecodingLimits.maxInputBytes`).
    case inputTooLarge(messageType: String, file: String?, byteCount: Int, limit: Int)
    /// The bytes are not a valid encoding of the message: truncated, bad varint, wrong wire type,
    /// a length prefix running past the end, an unsupported (group) wire type, field number 0...
    case malformed(messageType: String, file: String?, fieldPath: String, offset: Int, reason: String)
    /// Messages nest deeper than `ProtoDecodingLimits.maxDepth`.
    case nestingTooDeep(messageType: String, file: String?, fieldPath: String, limit: Int)
    /// Decoding would allocate more than `ProtoDecodingLimits.maxAllocatedBytes`.
    case allocationTooLarge(messageType: String, file: String?, estimatedBytes: Int, limit: Int)
    /// libprotobuf-c refused bytes that passed our own structural scan.
    case rejectedByParser(messageType: String, file: String?)

    public var description: String {
        switch self {
        case let .unreadableFile(file, reason):
            return "cannot read protobuf file \(file): \(reason)"
        case let .inputTooLarge(type, file, count, limit):
            return "\(Self.subject(type, file)): input of \(count) bytes exceeds the limit of \(limit) bytes"
        case let .malformed(type, file, path, offset, reason):
            return "\(Self.subject(type, file)): malformed at byte \(offset)\(Self.at(path)): \(reason)"
        case let .nestingTooDeep(type, file, path, limit):
            return "\(Self.subject(type, file)): messages nest deeper than \(limit) levels\(Self.at(path))"
        case let .allocationTooLarge(type, file, estimated, limit):
            return "\(Self.subject(type, file)): decoding would allocate about \(estimated) bytes, "
                + "more than the limit of \(limit) bytes"
        case let .rejectedByParser(type, file):
            return "\(Self.subject(type, file)): libprotobuf-c rejected the encoding"
        }
    }

    /// The same error, now naming `file`.
    func naming(file: String) -> ProtoDecodingError {
        switch self {
        case .unreadableFile: return self
        case let .inputTooLarge(type, _, count, limit):
            return .inputTooLarge(messageType: type, file: file, byteCount: count, limit: limit)
        case let .malformed(type, _, path, offset, reason):
            return .malformed(messageType: type, file: file, fieldPath: path, offset: offset, reason: reason)
        case let .nestingTooDeep(type, _, path, limit):
            return .nestingTooDeep(messageType: type, file: file, fieldPath: path, limit: limit)
        case let .allocationTooLarge(type, _, estimated, limit):
            return .allocationTooLarge(messageType: type, file: file, estimatedBytes: estimated, limit: limit)
        case let .rejectedByParser(type, _):
            return .rejectedByParser(messageType: type, file: file)
        }
    }

    private static func subject(_ type: String, _ file: String?) -> String {
        if let file { return "cannot decode \(type) from \(file)" }
        return "cannot decode \(type)"
    }

    private static func at(_ path: String) -> String {
        path.isEmpty ? "" : " (in field \(path))"
    }
}
