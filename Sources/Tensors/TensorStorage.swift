/// A fixed-size, 64-byte aligned block of memory holding a dense tensor's elements.
///
/// Storage is written only while its tensor is being produced (by a kernel, a decoder or an initialiser)
/// and is immutable once the tensor is published; that invariant is what makes sharing it `Sendable`.
public final class TensorStorage: @unchecked Sendable {  // written only before its tensor is published (above)
    public let byteCount: Int
    public let baseAddress: UnsafeMutableRawPointer
    /// Where the block goes back when this storage is freed (`nil`: the system allocator).
    private let recycler: StorageRecycler?
    private let blockSize: Int
    /// For a view of memory owned by another object (`init(viewing:byteCount:owner:)`): that object,
    /// kept alive by the view; `nil` when this storage owns its block.
    public let owner: AnyObject?

    /// Allocates `byteCount` bytes, zero-filled.
    public convenience init(byteCount: Int, recycler: StorageRecycler? = nil) {
        self.init(uninitializedByteCount: byteCount, recycler: recycler)
        baseAddress.initializeMemory(as: UInt8.self, repeating: 0, count: max(byteCount, 1))
    }

    /// Allocates `byteCount` bytes without initialising them; the caller must write every byte. With a
    /// `recycler`, a block of at least its `smallestRecycledBytes` comes from (and goes back to) it.
    public init(uninitializedByteCount byteCount: Int, recycler: StorageRecycler? = nil) {
        self.byteCount = byteCount
        self.owner = nil
        if let recycler, byteCount >= recycler.smallestRecycledBytes {
            let size = StorageRecycler.blockSize(for: byteCount)
            self.blockSize = size
            self.recycler = recycler
            baseAddress = recycler.take(blockSize: size)
                ?? UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        } else {
            self.blockSize = max(byteCount, 1)
            self.recycler = nil
            baseAddress = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: 64)
        }
    }

    /// A view of `byteCount` bytes at `baseAddress` (64-byte aligned) inside memory that `owner` keeps;
    /// freeing the view frees nothing. A plan's arena hands its steps such views; they never outlive a run.
    public init(viewing baseAddress: UnsafeMutableRawPointer, byteCount: Int, owner: AnyObject) {
        self.byteCount = byteCount
        self.baseAddress = baseAddress
        self.owner = owner
        self.recycler = nil
        self.blockSize = 0
    }

    /// Whether this storage views memory another object owns.
    public var isView: Bool { owner != nil }

    deinit {
        if owner != nil { return }
        if let recycler, recycler.give(baseAddress, blockSize: blockSize) { return }
        baseAddress.deallocate()
    }

    public var rawBuffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: baseAddress, count: byteCount) }
    public var mutableRawBuffer: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: baseAddress, count: byteCount)
    }
}
