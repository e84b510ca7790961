import Foundation
import Testing
import Tensors

// MARK: - StorageRecycler: freed tensor memory reused by the next tensor of the same size

@Suite struct StorageRecyclerTests {
    @Test func aFreedBlockServesTheNextTensorOfItsSize() {
        let recycler = StorageRecycler()
        var first: Tensor? = Tensor(shape: [512, 512], of: Float.self, recycler: recycler) { $0.initialize(repeating: 1) }
        let address = first!.storage!.baseAddress
        #expect(recycler.cachedBytes == 0)
        first = nil
        #expect(recycler.cachedBytes == 1 << 20)
        let second = Tensor(shape: [1 << 18], of: Float.self, recycler: recycler) { $0.initialize(repeating: 2) }
        #expect(second.storage!.baseAddress == address)
        #expect(recycler.cachedBytes == 0)
        #expect(second.scalars(as: Float.self).allSatisfy { $0 == 2 })
        // A different size gets a block of its own.
        let third = Tensor(shape: [1 << 17], of: Float.self, recycler: recycler) { $0.initialize(repeating: 3) }
        #expect(third.storage!.baseAddress != address)
    }

    @Test func zeroFilledStorageIsZeroWhenItsBlockIsReused() {
        let recycler = StorageRecycler()
        var dirty: TensorStorage? = TensorStorage(uninitializedByteCount: 1 << 20, recycler: recycler)
        dirty!.mutableRawBuffer.initializeMemory(as: UInt8.self, repeating: 0xAB)
        let address = dirty!.baseAddress
        dirty = nil
        let zeroed = TensorStorage(byteCount: 1 << 20, recycler: recycler)
        #expect(zeroed.baseAddress == address)
        #expect(zeroed.rawBuffer.allSatisfy { $0 == 0 })
    }

    @Test func freeBlocksPastTheCapacityGoBackToTheSystem() {
        let recycler = StorageRecycler(capacityBytes: 1 << 20)
        var storages: [TensorStorage] = (0..<3).map { _ in TensorStorage(uninitializedByteCount: 1 << 20, recycler: recycler) }
        storages.removeAll()
        #expect(recycler.cachedBytes == 1 << 20)
        recycler.drain()
        #expect(recycler.cachedBytes == 0)
    }

    @Test func smallTensorsAreNotRecycled() {
        let recycler = StorageRecycler()
        var small: TensorStorage? = TensorStorage(uninitializedByteCount: StorageRecycler.minimumBlockBytes - 1, recycler: recycler)
        small = nil
        #expect(small == nil && recycler.cachedBytes == 0)
    }

    @Test func blocksAreKeyedByWholePages() {
        let recycler = StorageRecycler()
        var a: TensorStorage? = TensorStorage(uninitializedByteCount: (1 << 20) - 100, recycler: recycler)
        let address = a!.baseAddress
        a = nil
        #expect(recycler.cachedBytes == 1 << 20)
        let b = TensorStorage(uninitializedByteCount: 1 << 20, recycler: recycler)
        #expect(b.baseAddress == address && b.byteCount == 1 << 20)
    }

    @Test func aThreadGetsBackTheBlockItFreedFirst() {
        final class Box: @unchecked Sendable { var storage: TensorStorage? }  // handed to one thread at a time
        let recycler = StorageRecycler()
        var mine: TensorStorage? = TensorStorage(uninitializedByteCount: 1 << 20, recycler: recycler)
        let theirs = Box()
        theirs.storage = TensorStorage(uninitializedByteCount: 1 << 20, recycler: recycler)
        let myAddress = mine!.baseAddress
        mine = nil
        // Another thread frees a block of the same size after ours: it is the most recent, but not ours.
        let done = DispatchSemaphore(value: 0)
        Thread {
            theirs.storage = nil
            done.signal()
        }.start()
        done.wait()
        #expect(recycler.cachedBytes == 2 << 20)
        let again = TensorStorage(uninitializedByteCount: 1 << 20, recycler: recycler)
        #expect(again.baseAddress == myAddress)
        // With none of its own left, a thread takes another thread's block.
        let next = TensorStorage(uninitializedByteCount: 1 << 20, recycler: recycler)
        #expect(next.baseAddress != myAddress && recycler.cachedBytes == 0)
    }

    @Test func smallestRecycledSizeIsPerRecycler() {
        let recycler = StorageRecycler(smallestRecycledBytes: 1 << 20)
        var below: TensorStorage? = TensorStorage(uninitializedByteCount: (1 << 20) - 1, recycler: recycler)
        below = nil
        #expect(below == nil && recycler.cachedBytes == 0)
        var atLimit: TensorStorage? = TensorStorage(uninitializedByteCount: 1 << 20, recycler: recycler)
        atLimit = nil
        #expect(atLimit == nil && recycler.cachedBytes == 1 << 20)
    }
}
