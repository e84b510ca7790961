import TFProto
import Tensors

// MARK: - TensorProto -> Tensor (TensorFlow's Tensor::FromProto rules)

extension Tensor {
    /// Decodes a serialized tensor (e.g. a `Const` node's `value`).
    ///
    /// `tensor_content` wins when present (raw little-endian elements; for strings, varint32 lengths then
    /// the bytes). Otherwise the dtype's typed field is used: no values means all zeros (or empty
    /// strings); fewer values than elements repeat the last one; extra values are ignored.
    /// Half, bfloat16, complex, quantized and resource tensors are refused.
    ///
    /// - Throws: `TensorDecodingError`.
    init(decoding proto: TensorProto, maximumByteCount: Int = 1 << 32) throws {
        let dtype = DataTypeCode(rawValue: proto.dtype.rawValue)
        guard dtype.rawValue != 0 else { throw TensorDecodingError.malformed("dtype is DT_INVALID") }
        guard let type = dtype.elementType else { throw TensorDecodingError.unsupportedDataType(dtype) }
        guard let dims = proto.tensorShape.dims else { throw TensorDecodingError.invalidShape("unknown rank") }
        let shape = Shape(try dims.map { d -> Int in
            guard d >= 0, let i = Int(exactly: d) else { throw TensorDecodingError.invalidShape("dimension \(d)") }
            return i
        })
        // A string element costs at least its array reference, whatever its bytes.
        guard let count = shape.checkedElementCount,
              case let (bytes, overflow) = count.multipliedReportingOverflow(
                  by: type.byteSize ?? MemoryLayout<[UInt8]>.stride),
              !overflow, bytes <= maximumByteCount
        else {
            throw TensorDecodingError.invalidShape(
                "\(type) \(shape) is larger than the limit of \(maximumByteCount) bytes per tensor")
        }

        if type == .string {
            self = Tensor(shape: shape, strings: try Self.decodeStrings(proto, count: count))
            return
        }
        if !proto.tensorContent.isEmpty {
            guard proto.tensorContent.count == bytes else {
                throw TensorDecodingError.contentSize(expected: bytes, found: proto.tensorContent.count)
            }
            if type == .bool, proto.tensorContent.contains(where: { $0 > 1 }) {
                throw TensorDecodingError.malformed("bool tensor_content holds a byte other than 0 or 1")
            }
            let storage = TensorStorage(uninitializedByteCount: bytes)
            proto.tensorContent.withUnsafeBytes { storage.mutableRawBuffer.copyMemory(from: $0) }
            self = Tensor(elementType: type, shape: shape, storage: storage)
            return
        }
        switch type {
        case .float32: self = Self.filled(proto.floatVal, shape, count)
        case .float64: self = Self.filled(proto.doubleVal, shape, count)
        case .int32: self = Self.filled(proto.intVal, shape, count)
        case .int16: self = Self.filled(proto.intVal.map { Int16(truncatingIfNeeded: $0) }, shape, count)
        case .int8: self = Self.filled(proto.intVal.map { Int8(truncatingIfNeeded: $0) }, shape, count)
        case .uint8: self = Self.filled(proto.intVal.map { UInt8(truncatingIfNeeded: $0) }, shape, count)
        case .uint16: self = Self.filled(proto.intVal.map { UInt16(truncatingIfNeeded: $0) }, shape, count)
        case .int64: self = Self.filled(proto.int64Val, shape, count)
        case .uint32: self = Self.filled(proto.uint32Val, shape, count)
        case .uint64: self = Self.filled(proto.uint64Val, shape, count)
        case .bool: self = Self.filled(proto.boolVal, shape, count)
        case .string: preconditionFailure("handled above")
        }
    }

    /// `values` spread over `count` elements: zeros if empty, the last value repeated if short.
    private static func filled<T: TensorScalar>(_ values: [T], _ shape: Shape, _ count: Int) -> Tensor {
        if values.isEmpty { return .zeros(T.elementType, shape: shape) }
        return Tensor(shape: shape, of: T.self) { out in
            let given = min(values.count, count)
            for i in 0..<given { out[i] = values[i] }
            if given < count, let last = values.last {
                for i in given..<count { out[i] = last }
            }
        }
    }

    private static func decodeStrings(_ proto: TensorProto, count: Int) throws -> [[UInt8]] {
        if proto.tensorContent.isEmpty {
            let values = proto.stringVal
            guard let last = values.last else { return Array(repeating: [], count: count) }
            return Array(values.prefix(count)) + Array(repeating: last, count: max(0, count - values.count))
        }
        // N varint32 lengths, then the concatenated bytes.
        let content = proto.tensorContent
        // Every element needs at least one length byte; checked before reserving `count` lengths.
        guard count <= content.count else {
            throw TensorDecodingError.malformed(
                "tensor_content of \(content.count) bytes cannot hold \(count) string lengths")
        }
        var position = 0
        var lengths: [Int] = []
        lengths.reserveCapacity(count)
        for _ in 0..<count {
            var value = 0
            var shift = 0
            while true {
                guard position < content.count, shift <= 28 else {
                    throw TensorDecodingError.malformed("truncated string length in tensor_content")
                }
                let byte = content[position]
                position += 1
                value |= Int(byte & 0x7F) << shift
                if byte & 0x80 == 0 { break }
                shift += 7
            }
            lengths.append(value)
        }
        var strings: [[UInt8]] = []
        strings.reserveCapacity(count)
        for length in lengths {
            guard length <= content.count - position else {
                throw TensorDecodingError.malformed("string bytes run past the end of tensor_content")
            }
            strings.append(Array(content[position..<(position + length)]))
            position += length
        }
        guard position == content.count else {
            throw TensorDecodingError.contentSize(expected: position, found: content.count)
        }
        return strings
    }
}
