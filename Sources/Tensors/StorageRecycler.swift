import Synchronization

/// Keeps the memory of freed tensors for the next tensor of the same size, so a plan that runs again
/// (or a backward pass whose gradients have the shapes of the activations it frees) reuses blocks
/// instead of asking the system for fresh pages: fresh pages are zeroed by the kernel on first touch,
/// which cost about a third of a NASNet training step.
///
/// Owned by an execution context and handed to kernels in their options; a `TensorStorage` allocated
/// through it returns its block here when the last tensor using it goes away. Blocks under
/// `minimumBlockBytes` go to the system allocator as usual. Thread-safe.
public final class StorageRecycler: Sendable {
    /// Blocks smaller than this are not recycled (malloc serves them from its own free lists).
    public static let minimumBlockBytes = 64 << 10
    /// The most bytes of free blocks kept; a block freed beyond it is returned to the system.
    public let capacityBytes: Int

    private struct FreeBlocks: ~Copyable {
        /// Free blocks by size (a multiple of 4 KiB).
        var bySize: [Int: [UInt]] = [:]
        var cachedBytes = 0
    }

    private let free = Mutex(FreeBlocks())

    /// - Parameter capacityBytes: the most bytes of free blocks kept for reuse (default 4 GiB).
    public init(capacityBytes: Int = 4 << 30) {
        self.capacityBytes = max(0, capacityBytes)
    }

    deinit { drain() }

    /// Bytes of free blocks held now.
    public var cachedBytes: Int { free.withLock { $0.cachedBytes } }

    /// The size a block for `byteCount` bytes has (what `take` and `give` are keyed by).
    static func blockSize(for byteCount: Int) -> Int { (byteCount + 4095) & ~4095 }

    /// A free block of `blockSize` bytes, uninitialised, or nil when none is held.
    func take(blockSize: Int) -> UnsafeMutableRawPointer? {
        let address: UInt? = free.withLock { blocks in
            guard var list = blocks.bySize[blockSize], let last = list.popLast() else { return nil }
            blocks.bySize[blockSize] = list.isEmpty ? nil : list
            blocks.cachedBytes -= blockSize
            return last
        }
        return address.flatMap { UnsafeMutableRawPointer(bitPattern: $0) }
    }

    /// Keeps `block` for reuse; false (the caller frees it) when that would pass `capacityBytes`.
    func give(_ block: UnsafeMutableRawPointer, blockSize: Int) -> Bool {
        free.withLock { blocks in
            guard blocks.cachedBytes + blockSize <= capacityBytes else { return false }
            blocks.bySize[blockSize, default: []].append(UInt(bitPattern: block))
            blocks.cachedBytes += blockSize
            return true
        }
    }

    /// Frees every held block.
    public func drain() {
        free.withLock { blocks in
            for addresses in blocks.bySize.values {
                for address in addresses { UnsafeMutableRawPointer(bitPattern: address)?.deallocate() }
            }
            blocks.bySize = [:]
            blocks.cachedBytes = 0
        }
    }
}
