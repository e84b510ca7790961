internal import CProtobufC

// MARK: - Copying libprotobuf-c fields into Swift values
//
// protoc-c represents a proto3 string as a NUL-terminated `char *` (never NULL once unpacked, but we
// do not rely on that), bytes as `ProtobufCBinaryData`, a repeated field as a count plus a pointer,
// and a sub-message as a pointer that is NULL when absent.

func swiftString(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
    guard let pointer else { return "" }
    return String(cString: pointer)
}

func swiftBytes(_ data: ProtobufCBinaryData) -> [UInt8] {
    guard data.len > 0, let start = data.data else { return [] }
    return Array(UnsafeBufferPointer(start: start, count: data.len))
}

// The helpers below are generic and, in debug builds (no whole-module optimisation), are not
// specialised for the files that call them; plain loops keep their per-element cost low.

func swiftArray<T>(_ count: Int, _ pointer: UnsafeMutablePointer<T>?) -> [T] {
    guard count > 0, let pointer else { return [] }
    return Array(UnsafeBufferPointer(start: pointer, count: count))
}

func swiftArray<T, U>(_ count: Int, _ pointer: UnsafeMutablePointer<T>?, _ convert: (T) -> U) -> [U] {
    guard count > 0, let pointer else { return [] }
    var result: [U] = []
    result.reserveCapacity(count)
    for index in 0..<count { result.append(convert(pointer[index])) }
    return result
}

func swiftStrings(_ count: Int, _ pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> [String] {
    guard count > 0, let pointer else { return [] }
    var result: [String] = []
    result.reserveCapacity(count)
    for index in 0..<count { result.append(swiftString(pointer[index])) }
    return result
}

func swiftByteArrays(_ count: Int, _ pointer: UnsafeMutablePointer<ProtobufCBinaryData>?) -> [[UInt8]] {
    guard count > 0, let pointer else { return [] }
    var result: [[UInt8]] = []
    result.reserveCapacity(count)
    for index in 0..<count { result.append(swiftBytes(pointer[index])) }
    return result
}

func swiftBools(_ count: Int, _ pointer: UnsafeMutablePointer<protobuf_c_boolean>?) -> [Bool] {
    guard count > 0, let pointer else { return [] }
    var result: [Bool] = []
    result.reserveCapacity(count)
    for index in 0..<count { result.append(pointer[index] != 0) }
    return result
}

/// A repeated message field; NULL entries (which libprotobuf-c never produces) are skipped.
func swiftMessages<C, S>(
    _ count: Int, _ pointer: UnsafeMutablePointer<UnsafeMutablePointer<C>?>?, _ convert: (C) -> S
) -> [S] {
    guard count > 0, let pointer else { return [] }
    var result: [S] = []
    result.reserveCapacity(count)
    for index in 0..<count {
        if let element = pointer[index] { result.append(convert(element.pointee)) }
    }
    return result
}

/// A protobuf `map<K, V>`: a repeated entry message. The last entry for a key wins, as in protobuf.
func swiftMap<C, K: Hashable, V>(
    _ count: Int, _ pointer: UnsafeMutablePointer<UnsafeMutablePointer<C>?>?, _ convert: (C) -> (K, V)
) -> [K: V] {
    guard count > 0, let pointer else { return [:] }
    var result: [K: V] = [:]
    result.reserveCapacity(count)
    for index in 0..<count {
        if let element = pointer[index] {
            let (key, value) = convert(element.pointee)
            result[key] = value
        }
    }
    return result
}

/// A singular sub-message; `nil` when absent.
func swiftMessage<C, S>(_ pointer: UnsafeMutablePointer<C>?, _ convert: (C) -> S) -> S? {
    guard let pointer else { return nil }
    return convert(pointer.pointee)
}

/// The C struct behind the opaque pointer `ProtoMessage.init(_cMessage:)` receives.
func cStruct<C>(_ raw: UnsafeRawPointer, as type: C.Type) -> C {
    raw.assumingMemoryBound(to: C.self).pointee
}

/// A proto3 enum value as stored by libprotobuf-c (an `int`-sized C enum, imported as an unsigned
/// raw value); unknown values are kept.
func swiftEnum<E: RawRepresentable>(_ value: E) -> Int32 where E.RawValue: BinaryInteger {
    Int32(truncatingIfNeeded: value.rawValue)
}
