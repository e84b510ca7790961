import TFProto

/// One tensor read from a bundle, CRC-verified, with partitioned tensors already assembled.
///
/// Numeric elements are stored row-major (last dimension fastest) in the host's byte order
/// (little-endian on every platform this package supports). When the bytes needed no conversion they
/// point straight into the shard's bytes (read once, never mapped), which the tensor keeps alive;
/// nothing is copied until a typed accessor is called. Element addresses may be unaligned (bundles pack tensors densely).
public struct BundleTensor: Sendable {
    /// The key this tensor was stored under.
    public let key: String
    /// The element type.
    public let dtype: DataType
    /// Dimension sizes, outermost first; `[]` for a scalar.
    public let shape: [Int]
    /// `shape`'s product (1 for a scalar, 0 for an empty tensor).
    public let elementCount: Int

    enum Storage: Sendable {
        /// `length` bytes at `offset` in a shard read into memory.
        case fileBytes(FileContents, offset: Int, length: Int)
        /// Converted or assembled bytes.
        case owned([UInt8])
        /// DT_STRING elements.
        case strings([[UInt8]])
    }

    let storage: Storage

    // MARK: - Raw access

    /// Calls `body` with the element bytes (`elementCount * dtype.byteSize` bytes, row-major, host
    /// byte order), without copying. Empty for a string tensor. The pointer is valid only during the call.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        switch storage {
        case let .fileBytes(file, offset, length):
            return try withExtendedLifetime(file) { try body(file.bytes(offset: offset, length: length)) }
        case let .owned(bytes):
            return try bytes.withUnsafeBytes(body)
        case .strings:
            return try body(UnsafeRawBufferPointer(start: nil, count: 0))
        }
    }

    /// A copy of the element bytes (see `withUnsafeBytes`); empty for a string tensor.
    public var bytes: [UInt8] {
        withUnsafeBytes { Array($0) }
    }

    // MARK: - Typed access

    /// The elements as `T`, which must have the dtype's element size: for example `UInt16` for the raw
    /// bits of `half` or `bfloat16` elements, `UInt8` for `bool` (0 or 1). For complex types see
    /// `complexParts(as:)`.
    public func scalars<T: BitwiseCopyable>(as type: T.Type) throws -> [T] {
        guard dtype != .string, dtype.byteSize == MemoryLayout<T>.size else {
            throw BundleError.dtypeMismatch(key: key, requested: "\(T.self)", actual: dtype.rawValue)
        }
        return withUnsafeBytes { raw in
            [T](unsafeUninitializedCapacity: elementCount) { buffer, initialized in
                if let destination = buffer.baseAddress, let source = raw.baseAddress {
                    UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: raw.count)
                }
                initialized = elementCount
            }
        }
    }

    /// DT_FLOAT elements.
    public func floats() throws -> [Float] { try typed(.float, Float.self) }
    /// DT_DOUBLE elements.
    public func doubles() throws -> [Double] { try typed(.double, Double.self) }
    /// DT_INT32 elements.
    public func int32s() throws -> [Int32] { try typed(.int32, Int32.self) }
    /// DT_INT64 elements.
    public func int64s() throws -> [Int64] { try typed(.int64, Int64.self) }

    /// The real and imaginary parts of complex64 (`Float`) or complex128 (`Double`) elements,
    /// interleaved: `[re0, im0, re1, im1, ...]`.
    public func complexParts<T: BinaryFloatingPoint & BitwiseCopyable>(as type: T.Type) throws -> [T] {
        let expected: DataType = MemoryLayout<T>.size == 4 ? .complex64 : .complex128
        guard dtype == expected, MemoryLayout<T>.size == 4 || MemoryLayout<T>.size == 8 else {
            throw BundleError.dtypeMismatch(key: key, requested: "complex parts of \(T.self)", actual: dtype.rawValue)
        }
        return withUnsafeBytes { raw in
            [T](unsafeUninitializedCapacity: 2 * elementCount) { buffer, initialized in
                if let destination = buffer.baseAddress, let source = raw.baseAddress {
                    UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: raw.count)
                }
                initialized = 2 * elementCount
            }
        }
    }

    /// DT_STRING elements, each as raw bytes (TensorFlow strings need not be UTF-8).
    public func strings() throws -> [[UInt8]] {
        guard case let .strings(values) = storage else {
            throw BundleError.dtypeMismatch(key: key, requested: "string", actual: dtype.rawValue)
        }
        return values
    }

    private func typed<T: BitwiseCopyable>(_ expected: DataType, _ type: T.Type) throws -> [T] {
        guard dtype == expected else {
            throw BundleError.dtypeMismatch(key: key, requested: "\(expected)", actual: dtype.rawValue)
        }
        return try scalars(as: type)
    }
}
