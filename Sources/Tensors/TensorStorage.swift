/// A fixed-size, 64-byte aligned block of memory holding a dense tensor's elements.
///
/// Storage is written only while its tensor is being produced (by a kernel, a decoder or an initialiser)
/// and is immutable once the tensor is published; that invariant is what makes sharing it `Sendable`.
public final class TensorStorage: @unchecked Sendable {  // written only before its tensor is published (above)
    public let byteCount: Int
    public let baseAddress: UnsafeMutableRawPointer

    /// Allocates `byteCount` bytes, zero-filled.
    public init(byteCount: Int) {
        self.byteCount = byteCount
        baseAddress = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: 64)
        baseAddress.initializeMemory(as: UInt8.self, repeating: 0, count: max(byteCount, 1))
    }

    /// Allocates `byteCount` bytes without initialising them; the caller must write every byte.
    public init(uninitializedByteCount byteCount: Int) {
        self.byteCount = byteCount
        baseAddress = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: 64)
    }

    deinit { baseAddress.deallocate() }

    public var rawBuffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: baseAddress, count: byteCount) }
    public var mutableRawBuffer: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: baseAddress, count: byteCount)
    }
}
