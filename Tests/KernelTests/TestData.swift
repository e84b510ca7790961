import Kernels
import Tensors
import Testing

/// Deterministic pseudo-random floats in [-1, 1) for kernel comparisons.
func sampleTensor(_ shape: Shape, seed: UInt64) -> Tensor {
    var state = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return Tensor(shape: shape, of: Float.self) { out in
        for i in 0..<out.count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            out[i] = Float(Int64(bitPattern: state >> 11) % 2000) / 1000 - 1
        }
    }
}

func floats(_ t: Tensor) -> [Float] { t.scalars(as: Float.self) }

/// The SIMD backends available here, to compare with `.portable`.
let simdBackends = KernelBackend.allCases.filter { $0 != .portable && $0.isAvailable }

/// Workers for the multi-threaded kernel cases (kernels take their pool as an argument).
let sharedTestPool = WorkerPool(threads: 8)
