import Synchronization
import Tensors

// MARK: - Where step results live during a run

/// The offsets of a plan's step results in one block of memory per run (the arena), planned from
/// liveness: a result's bytes are reused by a later result only when every step that writes or reads the
/// first is done before the step that writes the second starts: an ancestor of it for runs in dataflow
/// order, where independent steps run at once (`DataflowRun`), or any earlier step for runs in plan order
/// (`Order`). Only results of steps with a `KernelWrite` that no fetch returns live there; the others are
/// allocated by their kernels as before.
struct ArenaLayout: Sendable {
    /// Per slot: the byte offset of its value in the arena, or -1.
    let offsets: [Int]
    /// The arena's size in bytes.
    let byteCount: Int

    /// Plans with more steps than this get no dataflow-order layout (their results are allocated step by
    /// step in such runs): the ancestor sets take steps^2 / 8 bytes and placing each result looks at every
    /// result placed before it. Plan-order layouts only look at the results still live.
    static let maximumDataflowStepCount = 4_096
    /// Offsets and sizes are multiples of this (a cache line, the kernels' alignment).
    static let alignment = 64

    /// Which runs a layout serves: runs whose steps go one after another in plan order (one thread, and
    /// micro-batches, each on one thread) may reuse a result's bytes as soon as its last reader in that order
    /// is done; runs in dataflow order only once every step touching it is an ancestor of the new writer.
    enum Order: Sendable {
        case serial
        case dataflow
    }

    init(steps: [ExecutionPlan.Step], slotTypes: [ValueType], fetchSlots: [Int], dependencies: StepDependencies,
         order: Order = .dataflow) {
        var offsets = [Int](repeating: -1, count: slotTypes.count)
        guard order == .serial || steps.count <= Self.maximumDataflowStepCount else {
            self.offsets = offsets
            byteCount = 0
            return
        }
        let fetched = Set(fetchSlots)
        // Who reads each slot.
        var readers = [[Int]](repeating: [], count: slotTypes.count)
        for (index, step) in steps.enumerated() {
            for slot in Set(step.inputs) { readers[slot].append(index) }
        }
        // ancestors[i]: bit j set when step i depends on step j, directly or not (dataflow order only).
        let words = order == .dataflow ? (steps.count + 63) / 64 : 0
        var ancestors = [UInt64](repeating: 0, count: steps.count * words)
        if order == .dataflow {
            for index in steps.indices {
                for parent in dependencies.producers[index] {
                    ancestors[index * words + parent / 64] |= 1 << UInt64(parent % 64)
                    for word in 0..<words { ancestors[index * words + word] |= ancestors[parent * words + word] }
                }
            }
        }
        /// Whether `step` is done before `other` starts.
        func isAncestor(_ step: Int, of other: Int) -> Bool {
            if order == .serial { return step < other }
            return ancestors[other * words + step / 64] & (1 << UInt64(step % 64)) != 0
        }

        struct Placed { let offset: Int; let size: Int; let touchedBy: [Int] }
        var placed: [Placed] = []
        var end = 0
        for (index, step) in steps.enumerated() where step.write != nil {
            // In plan order a result whose last user came before this step is free for every later step too.
            if order == .serial { placed.removeAll { $0.touchedBy.allSatisfy { $0 < index } } }
            for slot in step.outputs where !fetched.contains(slot) {
                let type = slotTypes[slot]
                guard let elementSize = type.elementType.byteSize, type.shape.elementCount > 0 else { continue }
                let size = (type.shape.elementCount * elementSize + Self.alignment - 1) / Self.alignment * Self.alignment
                // Bytes still in use when this step writes: results not all of whose users come before it.
                var busy = placed.filter { other in !other.touchedBy.allSatisfy { isAncestor($0, of: index) } }
                    .map { (start: $0.offset, end: $0.offset + $0.size) }
                busy.sort { $0.start < $1.start }
                var offset = 0
                for range in busy where range.start < offset + size {
                    offset = max(offset, range.end)
                }
                placed.append(Placed(offset: offset, size: size, touchedBy: [index] + readers[slot]))
                offsets[slot] = offset
                end = max(end, offset + size)
            }
        }
        self.offsets = offsets
        byteCount = end
    }
}

/// One arena's memory (64-byte aligned, uninitialised), freed with the object. Views of it keep it alive.
final class ArenaMemory: @unchecked Sendable {  // bytes written only by the run that holds the arena
    let base: UnsafeMutableRawPointer

    init(byteCount: Int) {
        base = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: ArenaLayout.alignment)
    }

    deinit { base.deallocate() }
}

/// The memory of one run's step results and a tensor viewing each arena slot, made once and reused by
/// the runs that take this arena from the plan's pool, one run at a time.
final class Arena: @unchecked Sendable {  // used by one run at a time (ArenaPool)
    let memory: ArenaMemory
    /// Per slot: a view of its bytes, or nil for slots outside the arena.
    let views: [Tensor?]

    init(layout: ArenaLayout, slotTypes: [ValueType]) {
        let memory = ArenaMemory(byteCount: layout.byteCount)
        self.memory = memory
        views = zip(layout.offsets, slotTypes).map { offset, type in
            guard offset >= 0 else { return nil }
            let storage = TensorStorage(
                viewing: memory.base + offset, byteCount: type.shape.elementCount * (type.elementType.byteSize ?? 0),
                owner: memory)
            return Tensor(elementType: type.elementType, shape: type.shape, storage: storage)
        }
    }
}

/// The idle arenas of one plan: a run takes one (or makes one) and gives it back, so runs one after
/// another reuse the same memory (already mapped, often still in cache) and runs at once each get their own.
final class ArenaPool: Sendable {
    let layout: ArenaLayout
    private let slotTypes: [ValueType]
    private let idle = Mutex<[Arena]>([])
    /// Idle arenas kept (more concurrent runs make their own, freed afterwards).
    private static let capacity = 4
    /// Arenas larger than this are freed after their run instead of being kept, so a plan for a large whole
    /// batch does not hold its memory between calls (micro-batch plans of NASNet-A mobile need 7-11 MiB).
    private static let largestKeptBytes = 64 << 20

    init(layout: ArenaLayout, slotTypes: [ValueType]) {
        self.layout = layout
        self.slotTypes = slotTypes
    }

    func take() -> Arena {
        idle.withLock { $0.popLast() } ?? Arena(layout: layout, slotTypes: slotTypes)
    }

    func give(_ arena: Arena) {
        guard layout.byteCount <= Self.largestKeptBytes else { return }
        idle.withLock { if $0.count < Self.capacity { $0.append(arena) } }
    }
}
