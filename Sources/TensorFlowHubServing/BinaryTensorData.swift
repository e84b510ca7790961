import Tensors

/// Triton's binary tensor data extension (`extension_binary_data.md`): the JSON header of a body is
/// followed by raw tensors, little-endian, row-major, without padding; `BOOL` is one byte per element;
/// a `BYTES` element is a 4-byte little-endian length and then its bytes.
enum BinaryTensorData {
    /// The JSON header and the binary part of a body whose JSON is `headerLength` bytes long.
    static func split(_ body: [UInt8], headerLength: Int?) throws -> (json: ArraySlice<UInt8>, binary: ArraySlice<UInt8>) {
        guard let headerLength else { return (body[...], []) }
        guard headerLength >= 0, headerLength <= body.count else {
            throw ServingError.malformedRequest(
                "Inference-Header-Content-Length is \(headerLength), but the body has \(body.count) bytes")
        }
        return (body[..<headerLength], body[headerLength...])
    }

    /// A dense tensor of `type` and `shape` from `bytes` (exactly its size).
    static func dense(_ bytes: ArraySlice<UInt8>, shape: [Int], type: ElementType, input: String) throws -> Tensor {
        let count = shape.reduce(1, *)
        let size = type.byteSize!
        guard bytes.count == count * size else {
            throw ServingError.badInput(
                input: input, reason: "binary_data_size is \(bytes.count) bytes; \(DataTypeNames.v2(type)) \(shape) "
                    + "takes \(count * size)")
        }
        if type == .bool, let bad = bytes.first(where: { $0 > 1 }) {
            throw ServingError.badInput(input: input, reason: "a BOOL element is byte \(bad), expected 0 or 1")
        }
        let storage = TensorStorage(uninitializedByteCount: bytes.count)
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress, source.count > 0 {
                storage.mutableRawBuffer.baseAddress!.copyMemory(from: base, byteCount: source.count)
            }
        }
        return Tensor(elementType: type, shape: Shape(shape), storage: storage)
    }

    /// `count` length-prefixed byte strings from `bytes` (exactly their size).
    static func byteStrings(_ bytes: ArraySlice<UInt8>, count: Int, input: String) throws -> [[UInt8]] {
        var strings: [[UInt8]] = []
        strings.reserveCapacity(count)
        var index = bytes.startIndex
        for element in 0..<count {
            guard bytes.endIndex - index >= 4 else {
                throw ServingError.badInput(input: input, reason: "BYTES element \(element) has no 4-byte length prefix")
            }
            let length = (0..<4).reduce(0) { $0 | Int(bytes[index + $1]) << (8 * $1) }
            index += 4
            guard bytes.endIndex - index >= length else {
                throw ServingError.badInput(
                    input: input, reason: "BYTES element \(element) declares \(length) bytes; \(bytes.endIndex - index) are left")
            }
            strings.append(Array(bytes[index..<(index + length)]))
            index += length
        }
        guard index == bytes.endIndex else {
            throw ServingError.badInput(input: input, reason: "\(bytes.endIndex - index) bytes follow the \(count) BYTES elements")
        }
        return strings
    }

    /// The binary form of `tensor`.
    static func encode(_ tensor: Tensor) -> [UInt8] {
        if tensor.elementType == .string {
            var bytes: [UInt8] = []
            for string in tensor.strings ?? [] {
                let length = UInt32(string.count)
                bytes += (0..<4).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) }
                bytes += string
            }
            return bytes
        }
        return tensor.withUnsafeBytes { Array($0) }
    }
}
