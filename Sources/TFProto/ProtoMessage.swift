import Foundation
internal import CProtobufC

// MARK: - Limits

/// Bounds the decoder enforces before libprotobuf-c sees any byte.
///
/// libprotobuf-c recurses once per nested message without a depth limit and allocates arrays for
/// repeated fields from the counts it scans, so the decoder first walks the bytes itself (see
/// `WireScanner`) and refuses input that would nest too deeply or allocate too much.
public struct ProtoDecodingLimits: Sendable, Hashable {
    /// Longest accepted input; protobuf's own hard limit is 2 GiB - 1.
    public var maxInputBytes: Int
    /// Deepest accepted message nesting (the top-level message is depth 1); protobuf's default is 100.
    public var maxDepth: Int
    /// Most memory libprotobuf-c may allocate for one decode (our estimate, an upper bound).
    public var maxAllocatedBytes: Int

    public init(maxInputBytes: Int = Int(Int32.max), maxDepth: Int = 100, maxAllocatedBytes: Int = 1 << 30) {
        self.maxInputBytes = maxInputBytes
        self.maxDepth = maxDepth
        self.maxAllocatedBytes = maxAllocatedBytes
    }

    public static let `default` = ProtoDecodingLimits()
}

// MARK: - ProtoMessage

/// A Swift value decoded from one protobuf message type through libprotobuf-c.
///
/// Decoding copies everything into Swift values and frees the C memory before returning; no C
/// pointer outlives the call. Proto3 rules apply: absent scalars read as 0 / "" / false, absent
/// sub-messages as empty values (see the `has...` properties where presence matters), and unknown
/// fields are skipped.
public protocol ProtoMessage: Sendable {
    /// Full protobuf name, e.g. `tensorflow.GraphDef`.
    static var protoMessageName: String { get }
    /// The libprotobuf-c descriptor. Implementation detail.
    static var _cDescriptor: CMessageDescriptor { get }
    /// Copies a decoded libprotobuf-c message (a pointer to its C struct). Implementation detail.
    init(_cMessage: UnsafeRawPointer)
}

extension ProtoMessage {
    /// Decodes the wire-format bytes of one message.
    public init(serializedBytes bytes: [UInt8]) throws {
        try self.init(serializedBytes: bytes, limits: .default)
    }

    /// Decodes the wire-format bytes of one message.
    public init(serializedBytes bytes: UnsafeRawBufferPointer) throws {
        try self.init(serializedBytes: bytes, limits: .default)
    }

    /// Decodes the wire-format bytes of one message under explicit `limits`.
    public init(serializedBytes bytes: [UInt8], limits: ProtoDecodingLimits) throws {
        self = try bytes.withUnsafeBytes { try Self.decode($0, limits: limits) }
    }

    /// Decodes the wire-format bytes of one message under explicit `limits`.
    public init(serializedBytes bytes: UnsafeRawBufferPointer, limits: ProtoDecodingLimits) throws {
        self = try Self.decode(bytes, limits: limits)
    }

    /// Reads a file holding exactly one serialized message (e.g. `saved_model.pb`).
    /// Errors name the file.
    public init(contentsOf url: URL, limits: ProtoDecodingLimits = .default) throws {
        let path = url.isFileURL ? url.path : url.absoluteString
        let data: Data
        do {
            // swift-foundation leaks a 4 KiB buffer per read of an empty file (found by fuzz-savedmodel
            // under LeakSanitizer), so empty regular files are not handed to it.
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int
            let isRegular = (try? FileManager.default.attributesOfItem(atPath: path)[.type]) as? FileAttributeType
                == .typeRegular
            data = url.isFileURL && size == 0 && isRegular ? Data() : try Data(contentsOf: url)  // read, not mapped: a mapped file truncated meanwhile raises SIGBUS
        } catch {
            throw ProtoDecodingError.unreadableFile(file: path, reason: "\(error.localizedDescription)")
        }
        do {
            self = try data.withUnsafeBytes { try Self.decode($0, limits: limits) }
        } catch let error as ProtoDecodingError {
            throw error.naming(file: path)
        }
    }

    // MARK: Decoding

    private static func decode(_ bytes: UnsafeRawBufferPointer, limits: ProtoDecodingLimits) throws -> Self {
        let descriptor = _cDescriptor.address.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
        guard bytes.count <= limits.maxInputBytes else {
            throw ProtoDecodingError.inputTooLarge(
                messageType: protoMessageName, file: nil, byteCount: bytes.count, limit: limits.maxInputBytes)
        }
        try WireScanner.check(bytes, descriptor: descriptor, messageType: protoMessageName, limits: limits)
        // libprotobuf-c reads nothing when the length is 0, but wants a non-null pointer.
        var empty: UInt8 = 0
        let message: UnsafeMutablePointer<ProtobufCMessage>? = withUnsafePointer(to: &empty) { fallback in
            let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? fallback
            return protobuf_c_message_unpack(descriptor, nil, bytes.count, base)
        }
        guard let message else {
            throw ProtoDecodingError.rejectedByParser(messageType: protoMessageName, file: nil)
        }
        defer { protobuf_c_message_free_unpacked(message, nil) }
        return Self(_cMessage: UnsafeRawPointer(message))
    }
}

// MARK: - Descriptor lookup

/// The descriptor address of a protoc-c message type, read from a message its `__init` function
/// set up (the generated descriptors are `const` globals whose address Swift cannot take directly).
func cDescriptor<C>(_ initialise: (UnsafeMutablePointer<C>?) -> Void) -> CMessageDescriptor {
    let storage = UnsafeMutableRawPointer.allocate(
        byteCount: MemoryLayout<C>.size, alignment: MemoryLayout<C>.alignment)
    defer { storage.deallocate() }
    initialise(storage.bindMemory(to: C.self, capacity: 1))
    return CMessageDescriptor(address: UnsafeRawPointer(storage.assumingMemoryBound(to: ProtobufCMessage.self).pointee.descriptor))
}

/// The address of a protoc-c `ProtobufCMessageDescriptor`. Implementation detail.
///
/// `@unchecked Sendable`: the descriptor is a `const` global of the generated C code, never written.
public struct CMessageDescriptor: @unchecked Sendable {
    let address: UnsafeRawPointer
}
