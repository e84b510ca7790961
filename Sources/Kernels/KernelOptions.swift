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

/// How a kernel runs: the number of threads it may split work over and its instruction set.
public struct KernelOptions: Sendable, Hashable {
    public var threads: Int
    public var backend: KernelBackend

    public init(threads: Int = 1, backend: KernelBackend = .best) {
        self.threads = max(1, threads)
        self.backend = backend.isAvailable ? backend : .best
    }

    public static let singleThreaded = KernelOptions()
}

// MARK: - Splitting work over threads

/// Calls `body` with contiguous sub-ranges of `0..<count`, on up to `threads` threads at once (the
/// calling thread and the kernels' worker pool, `WorkerPool`). Ranges hold at least `minimumChunk`
/// items so tiny jobs stay on the calling thread.
///
/// With several threads the work is cut into up to `chunksPerThread` ranges per thread, handed out
/// dynamically: on a shared machine a worker that is descheduled mid-op only delays its current range,
/// not a fixed half of the op (with one range per thread every op waits for the slowest thread). The
/// second argument of `body` is the range's index, below `count`, not a thread index.
func forEachChunk(
    of count: Int, threads: Int, minimumChunk: Int = 1, _ body: (Range<Int>, Int) -> Void
) {
    guard count > 0 else { return }
    let possible = count / max(1, minimumChunk)
    let parts = threads <= 1 ? 1 : max(1, min(threads * chunksPerThread, possible))
    if parts == 1 {
        body(0..<count, 0)
        return
    }
    WorkerPool.forEach(parts, threads: threads) { part in
        body(count * part / parts ..< count * (part + 1) / parts, part)
    }
}

/// Multiply-adds (or comparable element operations) below which a range is not worth a thread hand-off.
let minimumWorkPerChunk = 256 * 1024

/// The product of non-negative factors, or `Int.max` if it overflows (work estimates only).
func saturatingProduct(_ factors: Int...) -> Int {
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
