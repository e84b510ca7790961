import Tensors

// MARK: - Gradients of pools (TensorFlow's AvgPoolGrad and MaxPoolGrad)
//
// Loops over NHWC cells, images split over the worker pool.

/// `AvgPoolGrad`: each output cell's gradient divided by its window's in-image cell count (TF's
/// divisor: padded cells excluded) and added to every in-image cell of the window.
///
/// - Parameter outputGradient: NHWC float32 of `geometry.outputShape`.
/// - Returns: NHWC float32 of `geometry.inputShape`.
public func averagePoolGradient(
    _ outputGradient: Tensor, geometry: PoolGeometry, options: KernelOptions = .singleThreaded
) throws -> Tensor {
    try checkShape(outputGradient, geometry.outputShape, "grad")
    let i = geometry.inputShape, o = geometry.outputShape
    let channels = i[3]
    return Tensor(shape: i, of: Float.self, recycler: options.recycler) { dx in
        dx.initialize(repeating: 0)
        outputGradient.withUnsafeBufferPointer(as: Float.self) { dy in
            forEachImage(i[0], work: saturatingProduct(o[1], o[2], channels, geometry.windowH, geometry.windowW),
                         options: options) { b in
                for oh in 0..<o[1] {
                    let (h0, h1) = span(oh, geometry.strideH, geometry.rows.padBefore, geometry.windowH, i[1])
                    for ow in 0..<o[2] {
                        let (w0, w1) = span(ow, geometry.strideW, geometry.columns.padBefore, geometry.windowW, i[2])
                        let count = Float((h1 - h0) * (w1 - w0))
                        guard count > 0 else { continue }
                        let dyBase = ((b * o[1] + oh) * o[2] + ow) * channels
                        for ih in h0..<h1 {
                            for iw in w0..<w1 {
                                let dxBase = ((b * i[1] + ih) * i[2] + iw) * channels
                                for c in 0..<channels { dx[dxBase + c] += dy[dyBase + c] / count }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `MaxPoolGrad`: each output cell's gradient added to the input cell holding its window's maximum
/// (the first in row-major order among equal values, as TF's CPU kernel scans), recomputed from
/// `input`. As in TF, the scan starts from the lowest finite float and takes strictly greater values, so
/// a NaN (or a window of -Inf) never receives the gradient.
///
/// - Parameters:
///   - input: NHWC float32 of `geometry.inputShape` (the pool's input).
///   - outputGradient: NHWC float32 of `geometry.outputShape`.
public func maxPoolGradient(
    input: Tensor, outputGradient: Tensor, geometry: PoolGeometry, options: KernelOptions = .singleThreaded
) throws -> Tensor {
    try checkShape(input, geometry.inputShape, "orig_input")
    try checkShape(outputGradient, geometry.outputShape, "grad")
    let i = geometry.inputShape, o = geometry.outputShape
    let channels = i[3]
    return Tensor(shape: i, of: Float.self, recycler: options.recycler) { dx in
        dx.initialize(repeating: 0)
        input.withUnsafeBufferPointer(as: Float.self) { x in
            outputGradient.withUnsafeBufferPointer(as: Float.self) { dy in
                forEachImage(i[0], work: saturatingProduct(o[1], o[2], channels, geometry.windowH, geometry.windowW),
                             options: options) { b in
                    for oh in 0..<o[1] {
                        let (h0, h1) = span(oh, geometry.strideH, geometry.rows.padBefore, geometry.windowH, i[1])
                        for ow in 0..<o[2] {
                            let (w0, w1) = span(ow, geometry.strideW, geometry.columns.padBefore, geometry.windowW, i[2])
                            let dyBase = ((b * o[1] + oh) * o[2] + ow) * channels
                            for c in 0..<channels {
                                var best = -1
                                var bestValue = -Float.greatestFiniteMagnitude
                                for ih in h0..<h1 {
                                    for iw in w0..<w1 {
                                        let at = ((b * i[1] + ih) * i[2] + iw) * channels + c
                                        if x[at] > bestValue {
                                            best = at
                                            bestValue = x[at]
                                        }
                                    }
                                }
                                if best >= 0 { dx[best] += dy[dyBase + c] }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Calls `body(b)` for every image `b < batch`, images split over `options`' threads (each image's gradient
/// is its own rows of the result, so the sums per cell run in the same order whatever the split).
private func forEachImage(_ batch: Int, work: Int, options: KernelOptions, _ body: (Int) -> Void) {
    forEachChunk(of: batch, options: options, minimumChunk: minimumChunk(workPerItem: work)) { range, _ in
        for b in range { body(b) }
    }
}

/// The in-image input range `[start, end)` of window `index` along one axis.
@inline(__always)
private func span(_ index: Int, _ stride: Int, _ padBefore: Int, _ window: Int, _ size: Int) -> (Int, Int) {
    let start = index * stride - padBefore
    return (max(start, 0), min(start + window, size))
}
