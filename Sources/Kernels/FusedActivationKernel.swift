import CKernels
import Tensors

/// A ReLU or ReLU6 as TensorFlow's fused contraction kernels (oneDNN: Conv2D, DepthwiseConv2dNative or
/// MatMul + BiasAdd/FusedBatchNorm + Relu/Relu6) apply it: `min(max(x, 0), hi)` with x86's max, so a NaN
/// becomes 0; a standalone `Relu` keeps NaN (see `unary`). The same rule as the convolution kernels'
/// fused epilogue (`CK_CLAMP`).
///
/// - Parameter x: float32 of any shape; returns the same shape.
public func fusedActivation(_ x: Tensor, _ activation: FusedActivation) throws -> Tensor {
    try requireFloat32(x, "features")
    return Tensor(shape: x.shape, of: Float.self) { out in
        x.withUnsafeBufferPointer(as: Float.self) { v in
            for i in 0..<out.count { out[i] = activation.apply(v[i]) }
        }
    }
}

/// `fusedActivation` written into `output` (`x`'s shape) instead of a new tensor.
public func fusedActivation(_ x: Tensor, _ activation: FusedActivation, into output: UnsafeMutablePointer<Float>) throws {
    try requireFloat32(x, "features")
    x.withUnsafeBufferPointer(as: Float.self) { v in
        guard let source = v.baseAddress else { return }
        if activation == .none {
            output.update(from: source, count: v.count)
        } else {
            let (lo, hi) = activation.bounds
            ck_clamp_f32(source, output, v.count, lo, hi)
        }
    }
}
