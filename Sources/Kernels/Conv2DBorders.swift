import Tensors

// MARK: - Border pixels of a convolution whose filter holds NaN or an infinity

/// TensorFlow's CPU convolution (oneDNN) never multiplies a padding cell: a filter tap that falls outside
/// the image is skipped. The im2col kernel writes zeros there instead, which only matters when that tap
/// is NaN or infinite (0 x Inf is NaN). For such filters, the output pixels whose window crosses the
/// border are computed again here from the in-image taps alone (bias, then the fused clamp: NaN becomes
/// `lo` only when an activation is fused, as `CK_CLAMP1`).
///
/// - Parameters: `output` NHWC `geometry.outputShape`; `input` NHWC; `filter` HWIO; `bias` out channels.
func recomputeBorderPixels(
    _ output: UnsafeMutableBufferPointer<Float>, input: UnsafeBufferPointer<Float>, filter: Tensor,
    geometry: Conv2DGeometry, bias: UnsafePointer<Float>?, activation: FusedActivation
) {
    let i = geometry.inputShape, o = geometry.outputShape, f = geometry.filterShape
    let (sh, sw) = geometry.strides, (dh, dw) = geometry.dilations
    let top = geometry.rows.padBefore, left = geometry.columns.padBefore
    filter.withUnsafeBufferPointer(as: Float.self) { w in
        var sums = [Float](repeating: 0, count: o[3])
        for n in 0..<o[0] {
            for y in 0..<o[1] {
                for x in 0..<o[2] {
                    let iy0 = y * sh - top, ix0 = x * sw - left
                    let inside = iy0 >= 0 && iy0 + (f[0] - 1) * dh < i[1] && ix0 >= 0 && ix0 + (f[1] - 1) * dw < i[2]
                    if inside { continue }
                    for c in 0..<o[3] { sums[c] = bias?[c] ?? 0 }
                    for ky in 0..<f[0] {
                        let iy = iy0 + ky * dh
                        guard iy >= 0, iy < i[1] else { continue }
                        for kx in 0..<f[1] {
                            let ix = ix0 + kx * dw
                            guard ix >= 0, ix < i[2] else { continue }
                            let inBase = ((n * i[1] + iy) * i[2] + ix) * i[3]
                            let wBase = (ky * f[1] + kx) * f[2] * f[3]
                            for ci in 0..<i[3] {
                                let v = input[inBase + ci]
                                for c in 0..<o[3] { sums[c] += v * w[wBase + ci * f[3] + c] }
                            }
                        }
                    }
                    let outBase = ((n * o[1] + y) * o[2] + x) * o[3]
                    for c in 0..<o[3] { output[outBase + c] = activation.apply(sums[c]) }
                }
            }
        }
    }
}

/// Whether a float32 tensor holds no NaN and no infinity.
public func isAllFinite(_ tensor: Tensor) -> Bool {
    tensor.withUnsafeBufferPointer(as: Float.self) { $0.allSatisfy(\.isFinite) }
}
