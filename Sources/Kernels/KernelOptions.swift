import Tensors
import CKernels

/// The instruction set a kernel runs with. `.best` picks the fastest one the CPU has; the others exist so
/// tests and benchmarks can compare the SIMD paths with the portable fallback.
public enum KernelBackend: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Plain C loops; always available.
    case portable
    /// Compiler vector extensions at the baseline instruction set (NEON on arm64, SSE2 on x86-64).
    case vector
    /// x86-64 AVX2 with FMA, detected at run time.
    case avx2
    /// x86-64 AVX-512F for GEMM (1x1 convolutions, im2col convolutions, MatMul), depthwise convolution
    /// and pooling, AVX2 for the other kernels; detected at run time, never required.
    case avx512

    /// The fastest backend available on this CPU.
    public static var best: KernelBackend {
        switch ck_best_isa() {
        case Int32(CK_ISA_AVX512.rawValue): return .avx512
        case Int32(CK_ISA_AVX2.rawValue): return .avx2
        default: return .vector
        }
    }

    /// Whether this backend can run on this CPU.
    public var isAvailable: Bool { ck_isa_available(isa) != 0 }

    var isa: Int32 {
        switch self {
        case .portable: return Int32(CK_ISA_SCALAR.rawValue)
        case .vector: return Int32(CK_ISA_VECTOR.rawValue)
        case .avx2: return Int32(CK_ISA_AVX2.rawValue)
        case .avx512: return Int32(CK_ISA_AVX512.rawValue)
        }
    }

    public var description: String {
        switch self {
        case .portable: return "portable"
        case .vector: return "vector"
        case .avx2: return "avx2"
        case .avx512: return "avx512"
        }
    }
}

/// How a kernel runs: the threads it may split its work over, the pool they come from, its instruction
/// set, and where its output memory comes from. Passed to every kernel call; kernels read no ambient state.
public struct KernelOptions: Sendable, Hashable {
    /// Threads the kernel may use, the calling thread included (1 without a pool).
    public var threads: Int
    public var backend: KernelBackend
    /// The pool that lends the extra threads; `nil` runs on the calling thread alone.
    public var pool: WorkerPool?
    /// Recycles the memory of freed outputs for new ones (`nil`: the system allocator).
    public var recycler: StorageRecycler?
    /// How many times the caller ran this plan before (0 for its first run): the per-run state of ops
    /// that have one, which TensorFlow keeps in the op's kernel across session runs. A stateful
    /// `RandomUniform` advances its Philox counter by `256 * count` per run, so run `r` draws what
    /// TensorFlow's `r`-th run draws. It changes no other kernel.
    public var runIndex: UInt64 = 0

    /// - Parameters:
    ///   - threads: the thread budget (at least 1; more than 1 needs a `pool`, which also caps it).
    ///   - backend: the instruction set (`.best` when the requested one is not available).
    ///   - pool: the pool lending `threads - 1` workers.
    ///   - recycler: where output tensors take their memory from.
    public init(threads: Int = 1, backend: KernelBackend = .best, pool: WorkerPool? = nil,
                recycler: StorageRecycler? = nil) {
        self.threads = pool.map { min(max(1, threads), $0.threadCount) } ?? 1
        self.backend = backend.isAvailable ? backend : .best
        self.pool = self.threads > 1 ? pool : nil
        self.recycler = recycler
    }

    /// One thread with the best instruction set.
    public static let singleThreaded = KernelOptions()

    /// The same backend on the calling thread alone.
    public var singleThreadedCopy: KernelOptions {
        var copy = KernelOptions(threads: 1, backend: backend, recycler: recycler)
        copy.runIndex = runIndex
        return copy
    }

    public static func == (a: KernelOptions, b: KernelOptions) -> Bool {
        a.threads == b.threads && a.backend == b.backend && a.pool.map(ObjectIdentifier.init) == b.pool.map(ObjectIdentifier.init)
            && a.recycler.map(ObjectIdentifier.init) == b.recycler.map(ObjectIdentifier.init) && a.runIndex == b.runIndex
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(threads)
        hasher.combine(backend)
        hasher.combine(pool.map(ObjectIdentifier.init))
        hasher.combine(recycler.map(ObjectIdentifier.init))
        hasher.combine(runIndex)
    }
}

// MARK: - Splitting work over threads

/// Calls `body` with contiguous sub-ranges of `0..<count`, on up to `options.threads` threads at once
/// (the calling thread and `options.pool`). Ranges hold at least `minimumChunk` items so tiny jobs stay
/// on the calling thread.
///
/// With several threads the work is cut into up to `chunksPerThread` ranges per thread, handed out
/// dynamically: on a shared machine a worker that is descheduled mid-op only delays its current range,
/// not a fixed half of the op (with one range per thread every op waits for the slowest thread). The
/// second argument of `body` is the range's index, below `count`, not a thread index.
func forEachChunk(
    of count: Int, options: KernelOptions, minimumChunk: Int = 1, _ body: (Range<Int>, Int) -> Void
) {
    guard count > 0 else { return }
    let threads = options.threads
    let possible = count / max(1, minimumChunk)
    let parts = threads <= 1 ? 1 : max(1, min(threads * chunksPerThread, possible))
    guard parts > 1, let pool = options.pool else {
        body(0..<count, 0)
        return
    }
    pool.forEach(parts, threads: threads) { part in
        body(count * part / parts ..< count * (part + 1) / parts, part)
    }
}

/// Multiply-adds (or comparable element operations) below which a range is not worth a thread hand-off.
let minimumWorkPerChunk = 256 * 1024

/// The product of non-negative factors, or `Int.max` if it overflows (work estimates only).
public func saturatingProduct(_ factors: Int...) -> Int {
    var product = 1
    for f in factors {
        let (p, overflow) = product.multipliedReportingOverflow(by: max(f, 0))
        if overflow { return .max }
        product = p
    }
    return product
}

/// The fewest items per range so that each range holds at least `minimumWorkPerChunk` of work, given the
/// work per item.
func minimumChunk(workPerItem: Int) -> Int { max(1, minimumWorkPerChunk / max(1, workPerItem)) }

/// Ranges per thread in `forEachChunk`.
let chunksPerThread = 4
