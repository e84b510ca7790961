import Tensors

// MARK: - Gradients of convolutions (TensorFlow's Conv2DBackpropInput/Filter and the depthwise pair)
//
// Portable loops over the same window arithmetic as the forward kernels (`WindowAxis`): output pixel
// (oh, ow) reads input row `oh * strideH - padTop + kh * dilationH`. Sums run in float, in the order
// batch, output row, output column, window row, window column, channel.

/// The input-shaped gradient of `conv2D`: `dx[b, ih, iw, ic] = Σ w[kh, kw, ic, oc] * dy[b, oh, ow, oc]`
/// over the window positions that read `(ih, iw)`.
///
/// - Parameters:
///   - filter: HWIO float32, `geometry.filterShape`.
///   - outputGradient: NHWC float32, `geometry.outputShape`.
/// - Returns: NHWC float32 of `geometry.inputShape`.
public func conv2DBackpropInput(
    filter: Tensor, outputGradient: Tensor, geometry: Conv2DGeometry, options: KernelOptions = .singleThreaded
) throws -> Tensor {
    try checkShape(filter, geometry.filterShape, "filter")
    try checkShape(outputGradient, geometry.outputShape, "out_backprop")
    let i = geometry.inputShape, f = geometry.filterShape, o = geometry.outputShape
    if geometry.isPointwise {
        // dx [pixels, in] = dy [pixels, out] x w [in, out]^T, on the GEMM kernels.
        let pixels = i[0] * i[1] * i[2]
        let dx = try matMul(outputGradient.reshaped(to: [pixels, o[3]]), filter.reshaped(to: [f[2], f[3]]),
                            transposeB: true, options: options)
        return dx.reshaped(to: i)
    }
    let (inC, outC) = (i[3], o[3])
    return Tensor(shape: i, of: Float.self) { dx in
        for index in dx.indices { dx[index] = 0 }
        filter.withUnsafeBufferPointer(as: Float.self) { w in
            outputGradient.withUnsafeBufferPointer(as: Float.self) { dy in
                forEachTap(rows: geometry.rows, columns: geometry.columns, batch: i[0], outH: o[1], outW: o[2],
                           kernel: (f[0], f[1]), strides: geometry.strides, dilations: geometry.dilations,
                           inH: i[1], inW: i[2]) { b, oh, ow, kh, kw, ih, iw in
                    let dyBase = ((b * o[1] + oh) * o[2] + ow) * outC
                    let dxBase = ((b * i[1] + ih) * i[2] + iw) * inC
                    let wBase = (kh * f[1] + kw) * inC * outC
                    for ic in 0..<inC {
                        var sum: Float = 0
                        let row = wBase + ic * outC
                        for oc in 0..<outC { sum += w[row + oc] * dy[dyBase + oc] }
                        dx[dxBase + ic] += sum
                    }
                }
            }
        }
    }
}

/// The filter-shaped gradient of `conv2D`: `dw[kh, kw, ic, oc] = Σ x[b, ih, iw, ic] * dy[b, oh, ow, oc]`.
///
/// - Parameters:
///   - input: NHWC float32, `geometry.inputShape`.
///   - outputGradient: NHWC float32, `geometry.outputShape`.
/// - Returns: HWIO float32 of `geometry.filterShape`.
public func conv2DBackpropFilter(
    input: Tensor, outputGradient: Tensor, geometry: Conv2DGeometry, options: KernelOptions = .singleThreaded
) throws -> Tensor {
    try checkShape(input, geometry.inputShape, "input")
    try checkShape(outputGradient, geometry.outputShape, "out_backprop")
    let i = geometry.inputShape, f = geometry.filterShape, o = geometry.outputShape
    if geometry.isPointwise {
        // dw [in, out] = x [pixels, in]^T x dy [pixels, out], on the GEMM kernels.
        let pixels = i[0] * i[1] * i[2]
        let dw = try matMul(input.reshaped(to: [pixels, i[3]]), outputGradient.reshaped(to: [pixels, o[3]]),
                            transposeA: true, options: options)
        return dw.reshaped(to: f)
    }
    let (inC, outC) = (i[3], o[3])
    return Tensor(shape: f, of: Float.self) { dw in
        for index in dw.indices { dw[index] = 0 }
        input.withUnsafeBufferPointer(as: Float.self) { x in
            outputGradient.withUnsafeBufferPointer(as: Float.self) { dy in
                forEachTap(rows: geometry.rows, columns: geometry.columns, batch: i[0], outH: o[1], outW: o[2],
                           kernel: (f[0], f[1]), strides: geometry.strides, dilations: geometry.dilations,
                           inH: i[1], inW: i[2]) { b, oh, ow, kh, kw, ih, iw in
                    let dyBase = ((b * o[1] + oh) * o[2] + ow) * outC
                    let xBase = ((b * i[1] + ih) * i[2] + iw) * inC
                    let wBase = (kh * f[1] + kw) * inC * outC
                    for ic in 0..<inC {
                        let value = x[xBase + ic]
                        let row = wBase + ic * outC
                        for oc in 0..<outC { dw[row + oc] += value * dy[dyBase + oc] }
                    }
                }
            }
        }
    }
}

/// The input-shaped gradient of a depthwise convolution (filter `(kh, kw, channels, multiplier)`,
/// output channel `c * multiplier + m`).
public func depthwiseBackpropInput(filter: Tensor, outputGradient: Tensor, geometry: DepthwiseGeometry) throws -> Tensor {
    try checkShape(filter, geometry.filterShape, "filter")
    try checkShape(outputGradient, geometry.outputShape, "out_backprop")
    let i = geometry.inputShape, f = geometry.filterShape, o = geometry.outputShape
    let (channels, multiplier) = (f[2], f[3])
    return Tensor(shape: i, of: Float.self) { dx in
        for index in dx.indices { dx[index] = 0 }
        filter.withUnsafeBufferPointer(as: Float.self) { w in
            outputGradient.withUnsafeBufferPointer(as: Float.self) { dy in
                forEachTap(rows: geometry.rows, columns: geometry.columns, batch: i[0], outH: o[1], outW: o[2],
                           kernel: (f[0], f[1]), strides: (geometry.strideH, geometry.strideW),
                           dilations: (geometry.dilationH, geometry.dilationW), inH: i[1], inW: i[2]) { b, oh, ow, kh, kw, ih, iw in
                    let dyBase = ((b * o[1] + oh) * o[2] + ow) * o[3]
                    let dxBase = ((b * i[1] + ih) * i[2] + iw) * channels
                    let wBase = (kh * f[1] + kw) * channels * multiplier
                    for c in 0..<channels {
                        var sum: Float = 0
                        for m in 0..<multiplier { sum += w[wBase + c * multiplier + m] * dy[dyBase + c * multiplier + m] }
                        dx[dxBase + c] += sum
                    }
                }
            }
        }
    }
}

/// The filter-shaped gradient of a depthwise convolution.
public func depthwiseBackpropFilter(input: Tensor, outputGradient: Tensor, geometry: DepthwiseGeometry) throws -> Tensor {
    try checkShape(input, geometry.inputShape, "input")
    try checkShape(outputGradient, geometry.outputShape, "out_backprop")
    let i = geometry.inputShape, f = geometry.filterShape, o = geometry.outputShape
    let (channels, multiplier) = (f[2], f[3])
    return Tensor(shape: f, of: Float.self) { dw in
        for index in dw.indices { dw[index] = 0 }
        input.withUnsafeBufferPointer(as: Float.self) { x in
            outputGradient.withUnsafeBufferPointer(as: Float.self) { dy in
                forEachTap(rows: geometry.rows, columns: geometry.columns, batch: i[0], outH: o[1], outW: o[2],
                           kernel: (f[0], f[1]), strides: (geometry.strideH, geometry.strideW),
                           dilations: (geometry.dilationH, geometry.dilationW), inH: i[1], inW: i[2]) { b, oh, ow, kh, kw, ih, iw in
                    let dyBase = ((b * o[1] + oh) * o[2] + ow) * o[3]
                    let xBase = ((b * i[1] + ih) * i[2] + iw) * channels
                    let wBase = (kh * f[1] + kw) * channels * multiplier
                    for c in 0..<channels {
                        let value = x[xBase + c]
                        for m in 0..<multiplier { dw[wBase + c * multiplier + m] += value * dy[dyBase + c * multiplier + m] }
                    }
                }
            }
        }
    }
}

extension Conv2DGeometry {
    /// A 1x1 convolution with stride 1 and no padding: every output pixel is one input pixel times the
    /// filter matrix.
    var isPointwise: Bool {
        filterShape[0] == 1 && filterShape[1] == 1 && strides == (1, 1) && rows.padBefore == 0 && columns.padBefore == 0
            && outputShape[1] == inputShape[1] && outputShape[2] == inputShape[2]
    }
}

// MARK: - Window taps

/// Calls `body(b, oh, ow, kh, kw, ih, iw)` for every window tap that lands inside the input.
@inline(__always)
private func forEachTap(
    rows: WindowAxis, columns: WindowAxis, batch: Int, outH: Int, outW: Int, kernel: (Int, Int),
    strides: (Int, Int), dilations: (Int, Int), inH: Int, inW: Int,
    _ body: (Int, Int, Int, Int, Int, Int, Int) -> Void
) {
    for b in 0..<batch {
        for oh in 0..<outH {
            let top = oh * strides.0 - rows.padBefore
            for ow in 0..<outW {
                let left = ow * strides.1 - columns.padBefore
                for kh in 0..<kernel.0 {
                    let ih = top + kh * dilations.0
                    guard ih >= 0, ih < inH else { continue }
                    for kw in 0..<kernel.1 {
                        let iw = left + kw * dilations.1
                        guard iw >= 0, iw < inW else { continue }
                        body(b, oh, ow, kh, kw, ih, iw)
                    }
                }
            }
        }
    }
}

func checkShape(_ tensor: Tensor, _ expected: Shape, _ operand: String) throws {
    guard tensor.elementType == .float32 else {
        throw KernelError.elementType(operand: operand, expected: "float32", found: tensor.elementType)
    }
    guard tensor.shape == expected else {
        throw KernelError.parameter(name: "\(operand) shape", expected: "\(expected)", found: "\(tensor.shape)")
    }
}
