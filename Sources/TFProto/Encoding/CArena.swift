internal import CProtobufC

// MARK: - CArena

/// Memory for the libprotobuf-c structs of one encode: every struct, string, byte buffer and
/// array the encoder builds comes from here and is freed at once when the arena goes away.
///
/// A bump allocator over 64 KiB chunks (larger requests get their own block); memory is zeroed,
/// so a struct's fields start as libprotobuf-c's "absent" values before its `__init` runs.
/// Implementation detail of `ProtoEncodable`: no C pointer outlives the encode that made it.
public final class CArena {
    private static let chunkSize = 64 * 1024
    private var blocks: [UnsafeMutableRawPointer] = []
    private var cursor: UnsafeMutableRawPointer?
    private var remaining = 0

    init() {}

    deinit {
        for block in blocks { block.deallocate() }
    }

    // MARK: Raw memory

    /// `byteCount` zeroed bytes aligned to 16 (enough for every C type protoc-c uses).
    func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        let size = max(16, (byteCount + 15) & ~15)
        if size > Self.chunkSize / 4 {
            let block = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
            block.initializeMemory(as: UInt8.self, repeating: 0, count: size)
            blocks.append(block)
            return block
        }
        if size > remaining {
            let block = UnsafeMutableRawPointer.allocate(byteCount: Self.chunkSize, alignment: 16)
            block.initializeMemory(as: UInt8.self, repeating: 0, count: Self.chunkSize)
            blocks.append(block)
            cursor = block
            remaining = Self.chunkSize
        }
        let result = cursor!
        cursor = result + size
        remaining -= size
        return result
    }

    /// Uninitialised-but-zeroed storage for `count` values of `T`.
    func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        allocate(byteCount: max(1, count) * MemoryLayout<T>.stride).bindMemory(to: T.self, capacity: count)
    }

    // MARK: Messages

    /// A protoc-c message struct set up by its generated `__init` (descriptor and defaults).
    func message<C>(_ initialise: (UnsafeMutablePointer<C>?) -> Void) -> UnsafeMutablePointer<C> {
        let pointer = allocate(C.self, count: 1)
        initialise(pointer)
        return pointer
    }

    /// A repeated message field: an array of pointers to the structs `build` makes; `nil` when empty.
    func messages<T, C>(
        _ values: some Collection<T>, _ build: (T) -> UnsafeMutablePointer<C>
    ) -> UnsafeMutablePointer<UnsafeMutablePointer<C>?>? {
        guard !values.isEmpty else { return nil }
        let array = allocate(UnsafeMutablePointer<C>?.self, count: values.count)
        for (index, value) in values.enumerated() { array[index] = build(value) }
        return array
    }

    // MARK: Scalars and arrays

    /// A NUL-terminated copy of `string`'s UTF-8 bytes (libprotobuf-c's `char *`; never NULL, since
    /// it packs repeated and oneof strings without checking).
    func string(_ string: String) -> UnsafeMutablePointer<CChar> {
        var string = string
        return string.withUTF8 { utf8 in
            let pointer = allocate(CChar.self, count: utf8.count + 1)
            if let base = utf8.baseAddress {
                UnsafeMutableRawPointer(pointer).copyMemory(from: base, byteCount: utf8.count)
            }
            return pointer
        }
    }

    /// A copy of `bytes` as libprotobuf-c's `bytes` value.
    func bytes(_ bytes: [UInt8]) -> ProtobufCBinaryData {
        guard !bytes.isEmpty else { return ProtobufCBinaryData(len: 0, data: nil) }
        let pointer = allocate(UInt8.self, count: bytes.count)
        bytes.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: bytes.count) }
        return ProtobufCBinaryData(len: bytes.count, data: pointer)
    }

    /// A copy of `values` (repeated numbers); `nil` when empty.
    func array<T>(_ values: [T]) -> UnsafeMutablePointer<T>? {
        guard !values.isEmpty else { return nil }
        let pointer = allocate(T.self, count: values.count)
        values.withUnsafeBufferPointer { pointer.initialize(from: $0.baseAddress!, count: values.count) }
        return pointer
    }

    /// `values` converted one by one (repeated enums and booleans); `nil` when empty.
    func array<T, C>(_ values: [T], _ convert: (T) -> C) -> UnsafeMutablePointer<C>? {
        guard !values.isEmpty else { return nil }
        let pointer = allocate(C.self, count: values.count)
        for (index, value) in values.enumerated() { (pointer + index).initialize(to: convert(value)) }
        return pointer
    }

    /// Repeated strings; `nil` when empty.
    func strings(_ values: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        array(values) { Optional(string($0)) }
    }

    /// Repeated `bytes`; `nil` when empty.
    func byteArrays(_ values: [[UInt8]]) -> UnsafeMutablePointer<ProtobufCBinaryData>? {
        array(values) { bytes($0) }
    }

    /// Repeated `bool`; `nil` when empty.
    func bools(_ values: [Bool]) -> UnsafeMutablePointer<protobuf_c_boolean>? {
        array(values) { $0 ? 1 : 0 }
    }
}

/// A proto3 enum value as libprotobuf-c stores it (unknown values are kept, as in decoding).
func cEnum<E: RawRepresentable>(_ value: Int32) -> E where E.RawValue: BinaryInteger {
    E(rawValue: E.RawValue(truncatingIfNeeded: value))!
}

func cBool(_ value: Bool) -> protobuf_c_boolean { value ? 1 : 0 }
