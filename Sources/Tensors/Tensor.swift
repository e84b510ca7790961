/// An n-dimensional array of one element type: the value that flows along a graph's edges.
///
/// Dense tensors keep their elements in a `TensorStorage` in row-major order; string tensors keep an array
/// of byte strings. Copying a `Tensor` shares its storage; tensors are immutable once built.
public struct Tensor: Sendable {
    public let elementType: ElementType
    public let shape: Shape
    @usableFromInline let payload: Payload

    @usableFromInline enum Payload: Sendable {
        case dense(TensorStorage)
        case strings([[UInt8]])
    }

    /// A dense tensor over existing storage. `storage.byteCount` must equal `shape.elementCount * byteSize`.
    public init(elementType: ElementType, shape: Shape, storage: TensorStorage) {
        precondition(elementType != .string, "string tensors hold byte strings, not storage")
        precondition(storage.byteCount == shape.elementCount * (elementType.byteSize ?? 0),
                     "storage of \(storage.byteCount) bytes for \(elementType) \(shape)")
        self.elementType = elementType
        self.shape = shape
        self.payload = .dense(storage)
    }

    /// A string tensor; `strings.count` must equal `shape.elementCount`.
    public init(shape: Shape, strings: [[UInt8]]) {
        precondition(strings.count == shape.elementCount, "\(strings.count) strings for shape \(shape)")
        self.elementType = .string
        self.shape = shape
        self.payload = .strings(strings)
    }

    /// A dense tensor holding `scalars` in row-major order.
    public init<T: TensorScalar>(shape: Shape, scalars: [T]) {
        precondition(scalars.count == shape.elementCount, "\(scalars.count) scalars for shape \(shape)")
        let storage = TensorStorage(uninitializedByteCount: scalars.count * MemoryLayout<T>.stride)
        scalars.withUnsafeBytes { storage.mutableRawBuffer.copyMemory(from: $0) }
        self.init(elementType: T.elementType, shape: shape, storage: storage)
    }

    /// A scalar tensor.
    public init<T: TensorScalar>(_ scalar: T) { self.init(shape: .scalar, scalars: [scalar]) }

    /// A dense tensor whose elements `body` writes; every element must be written. Its memory comes from
    /// `recycler` when given (a kernel passes its execution context's).
    public init<T: TensorScalar>(
        shape: Shape, of type: T.Type = T.self, recycler: StorageRecycler? = nil,
        initializingWith body: (UnsafeMutableBufferPointer<T>) throws -> Void
    ) rethrows {
        let storage = TensorStorage(
            uninitializedByteCount: shape.elementCount * MemoryLayout<T>.stride, recycler: recycler)
        try body(storage.baseAddress.bindMemory(to: T.self, capacity: shape.elementCount)
            .asBuffer(count: shape.elementCount))
        self.init(elementType: T.elementType, shape: shape, storage: storage)
    }

    /// A zero-filled dense tensor (`false` for bool).
    public static func zeros(_ elementType: ElementType, shape: Shape) -> Tensor {
        if elementType == .string {
            return Tensor(shape: shape, strings: Array(repeating: [], count: shape.elementCount))
        }
        return Tensor(elementType: elementType, shape: shape,
                      storage: TensorStorage(byteCount: shape.elementCount * (elementType.byteSize ?? 0)))
    }

    // MARK: - Reading

    public var elementCount: Int { shape.elementCount }

    /// The dense storage, or `nil` for a string tensor.
    public var storage: TensorStorage? {
        if case .dense(let s) = payload { return s }
        return nil
    }

    /// The elements of a string tensor, or `nil` for a dense one.
    public var strings: [[UInt8]]? {
        if case .strings(let s) = payload { return s }
        return nil
    }

    /// Calls `body` with the elements as `T`; `T.elementType` must equal `elementType`.
    @inlinable
    public func withUnsafeBufferPointer<T: TensorScalar, R>(
        as type: T.Type, _ body: (UnsafeBufferPointer<T>) throws -> R
    ) rethrows -> R {
        precondition(T.elementType == elementType, "reading \(elementType) tensor as \(T.elementType)")
        guard case .dense(let storage) = payload else { preconditionFailure("string tensor") }
        let pointer = storage.baseAddress.assumingMemoryBound(to: T.self)
        return try body(UnsafeBufferPointer(start: pointer, count: shape.elementCount))
    }

    /// The raw bytes of a dense tensor (native byte order).
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        guard case .dense(let storage) = payload else { preconditionFailure("string tensor") }
        return try body(storage.rawBuffer)
    }

    /// The elements as an array of `T`; `T.elementType` must equal `elementType`.
    public func scalars<T: TensorScalar>(as type: T.Type = T.self) -> [T] {
        withUnsafeBufferPointer(as: T.self) { Array($0) }
    }

    /// This tensor, or a copy of it in memory of its own when its storage views memory another object owns
    /// (`TensorStorage.isView`: a plan's arena, reused by the next run).
    public var ownedCopy: Tensor {
        guard case .dense(let storage) = payload, storage.isView else { return self }
        let copy = TensorStorage(uninitializedByteCount: storage.byteCount)
        copy.mutableRawBuffer.copyMemory(from: storage.rawBuffer)
        return Tensor(elementType: elementType, shape: shape, storage: copy)
    }

    /// The same elements viewed with another shape of equal element count (no copy).
    public func reshaped(to newShape: Shape) -> Tensor {
        precondition(newShape.elementCount == shape.elementCount, "reshape \(shape) to \(newShape)")
        switch payload {
        case .dense(let s): return Tensor(elementType: elementType, shape: newShape, storage: s)
        case .strings(let s): return Tensor(shape: newShape, strings: s)
        }
    }
}

extension UnsafeMutablePointer {
    @usableFromInline func asBuffer(count: Int) -> UnsafeMutableBufferPointer<Pointee> {
        UnsafeMutableBufferPointer(start: self, count: count)
    }
}
