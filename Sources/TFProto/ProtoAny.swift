internal import CTFProtos

// MARK: - ProtoAny

/// `google.protobuf.Any`: a serialized message with a URL naming its type
/// (`type.googleapis.com/tensorflow.VariableDef`). Decode `value` with the named type's
/// `init(serializedBytes:)`.
public struct ProtoAny: Hashable, Sendable {
    public var typeURL: String
    public var value: [UInt8]

    public init(typeURL: String = "", value: [UInt8] = []) {
        self.typeURL = typeURL
        self.value = value
    }

    /// The full message name after the last `/` of `typeURL` (e.g. `tensorflow.VariableDef`).
    public var typeName: String {
        guard let slash = typeURL.lastIndex(of: "/") else { return typeURL }
        return String(typeURL[typeURL.index(after: slash)...])
    }

    /// Decodes `value` as `type`, after checking that `typeURL` names that type.
    /// Returns `nil` when the URL names another type.
    public func unpack<M: ProtoMessage>(_ type: M.Type, limits: ProtoDecodingLimits = .default) throws -> M? {
        guard typeName == M.protoMessageName else { return nil }
        return try M(serializedBytes: value, limits: limits)
    }
}

extension ProtoAny: ProtoMessage {
    public static let protoMessageName = "google.protobuf.Any"
    public static let _cDescriptor = cDescriptor(google__protobuf__any__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Google__Protobuf__Any.self)) }

    init(_ c: Google__Protobuf__Any) {
        self.init(typeURL: swiftString(c.type_url), value: swiftBytes(c.value))
    }
}
