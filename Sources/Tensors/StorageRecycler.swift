import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
        /// Free blocks by size (a multiple of 4 KiB), each with the thread that freed it.
        var bySize: [Int: [(address: UInt, thread: UInt)]] = [:]
        var cachedBytes = 0
    }

    private let free = Mutex(FreeBlocks())

    /// Blocks smaller than this go to the system allocator (`minimumBlockBytes` by default).
    public let smallestRecycledBytes: Int

    /// - Parameter capacityBytes: the most bytes of free blocks kept for reuse (default 4 GiB).
    public init(capacityBytes: Int = 4 << 30) {
        self.capacityBytes = max(0, capacityBytes)
        smallestRecycledBytes = StorageRecycler.minimumBlockBytes
    }

    /// - Parameters:
    ///   - capacityBytes: the most bytes of free blocks kept for reuse.
    ///   - smallestRecycledBytes: blocks under this size go to the system allocator.
    public init(capacityBytes: Int = 4 << 30, smallestRecycledBytes: Int) {
        self.capacityBytes = max(0, capacityBytes)
        self.smallestRecycledBytes = max(1, smallestRecycledBytes)
    }

    deinit { drain() }

    /// Bytes of free blocks held now.
    public var cachedBytes: Int { free.withLock { $0.cachedBytes } }

    /// The size a block for `byteCount` bytes has (what `take` and `give` are keyed by).
    static func blockSize(for byteCount: Int) -> Int { (byteCount + 4095) & ~4095 }

    /// A free block of `blockSize` bytes, uninitialised, or nil when none is held: preferably one the calling
    /// thread freed (its lines are likely still in this core's cache; a block another core last wrote
    /// costs a transfer of every line: plans run on two threads were ~4 % slower at batch 1 without this).
    func take(blockSize: Int) -> UnsafeMutableRawPointer? {
        let me = Self.currentThread
        let address: UInt? = free.withLock { blocks in
            guard var list = blocks.bySize[blockSize], !list.isEmpty else { return nil }
            let index = list.lastIndex { $0.thread == me } ?? list.count - 1
            let block = list.remove(at: index)
            blocks.bySize[blockSize] = list.isEmpty ? nil : list
            blocks.cachedBytes -= blockSize
            return block.address
        }
        return address.flatMap { UnsafeMutableRawPointer(bitPattern: $0) }
    }

    /// Keeps `block` for reuse; false (the caller frees it) when that would pass `capacityBytes`.
    func give(_ block: UnsafeMutableRawPointer, blockSize: Int) -> Bool {
        free.withLock { blocks in
            guard blocks.cachedBytes + blockSize <= capacityBytes else { return false }
            blocks.bySize[blockSize, default: []].append((UInt(bitPattern: block), Self.currentThread))
            blocks.cachedBytes += blockSize
            return true
        }
    }

    /// The calling thread's identity.
    private static var currentThread: UInt {
        #if canImport(Darwin)
        UInt(bitPattern: pthread_self())
        #else
        UInt(pthread_self())
        #endif
    }

    /// Frees every held block.
    public func drain() {
        free.withLock { blocks in
            for list in blocks.bySize.values {
                for block in list { UnsafeMutableRawPointer(bitPattern: block.address)?.deallocate() }
            }
            blocks.bySize = [:]
            blocks.cachedBytes = 0
        }
    }
}
