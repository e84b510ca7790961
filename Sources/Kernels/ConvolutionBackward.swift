import CKernels
import Tensors

// MARK: - Gradients of convolutions (TensorFlow's Conv2DBackpropInput/Filter and the depthwise pair)
//
// On the C kernels of conv_backward.c and depthwise_backward.c: Conv2D's gradients are GEMMs (the SIMD
// GEMM of MatMul and Conv2D) around im2col / col2im, the depthwise ones SIMD loops over channels (NHWC:
// channels innermost). Work splits over `options.threads`: input gradients by image (each writes its own
// rows of dx), filter gradients by ranges of output pixels, each summing into its own partial filter, the
// partials then added in range order. `KernelBackend.portable` runs plain C loops.

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
    // W^T: out x (kh * kw * in), packed for the GEMM.
    let packed = try PackedMatrix(matrix: filter.reshaped(to: [f[0] * f[1] * f[2], f[3]]), transposed: true)
    var window = geometry.window
    let scratchCount = max(1, ck_conv2d_backprop_input_scratch_count(&window))
    let perImage = saturatingProduct(o[1], o[2], o[3], f[0], f[1], f[2])
    return Tensor(shape: i, of: Float.self, recycler: options.recycler) { dx in
        guard let dxBase = dx.baseAddress, dx.count > 0 else { return }
        outputGradient.withUnsafeBufferPointer(as: Float.self) { dy in
            forEachChunk(of: i[0], options: options, minimumChunk: minimumChunk(workPerItem: perImage)) { range, _ in
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: scratchCount)
                defer { scratch.deallocate() }
                ck_conv2d_backprop_input_images(options.backend.isa, &window, dy.baseAddress, packed.pointer, dxBase,
                                                range.lowerBound, range.upperBound, scratch)
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
    let f = geometry.filterShape, o = geometry.outputShape
    var window = geometry.window
    let scratchCount = max(1, ck_conv2d_backprop_filter_scratch_count(&window))
    let pixels = o[0] * o[1] * o[2]
    let perPixel = saturatingProduct(f[0], f[1], f[2], f[3])
    return input.withUnsafeBufferPointer(as: Float.self) { x in
        outputGradient.withUnsafeBufferPointer(as: Float.self) { dy in
            summingPartials(shape: f, items: pixels, options: options,
                            minimumChunk: max(64, minimumChunk(workPerItem: perPixel))) { range, partial in
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: scratchCount)
                defer { scratch.deallocate() }
                ck_conv2d_backprop_filter_rows(options.backend.isa, &window, x.baseAddress, dy.baseAddress, partial,
                                               range.lowerBound, range.upperBound, scratch)
            }
        }
    }
}

/// The input-shaped gradient of a depthwise convolution (filter `(kh, kw, channels, multiplier)`,
/// output channel `c * multiplier + m`); NHWC float32 of `geometry.inputShape`.
public func depthwiseBackpropInput(
    filter: Tensor, outputGradient: Tensor, geometry: DepthwiseGeometry, options: KernelOptions = .singleThreaded
) throws -> Tensor {
    try checkShape(filter, geometry.filterShape, "filter")
    try checkShape(outputGradient, geometry.outputShape, "out_backprop")
    let i = geometry.inputShape, f = geometry.filterShape, o = geometry.outputShape
    var window = geometry.window
    let perImage = saturatingProduct(o[1], o[2], o[3], f[0], f[1])
    return Tensor(shape: i, of: Float.self, recycler: options.recycler) { dx in
        guard let dxBase = dx.baseAddress, dx.count > 0 else { return }
        filter.withUnsafeBufferPointer(as: Float.self) { w in
            outputGradient.withUnsafeBufferPointer(as: Float.self) { dy in
                forEachChunk(of: i[0], options: options, minimumChunk: minimumChunk(workPerItem: perImage)) { range, _ in
                    ck_depthwise_backprop_input_images(options.backend.isa, &window, f[3], w.baseAddress, dy.baseAddress,
                                                       dxBase, range.lowerBound, range.upperBound)
                }
            }
        }
    }
}

/// The filter-shaped gradient of a depthwise convolution; float32 `(kh, kw, channels, multiplier)`.
public func depthwiseBackpropFilter(
    input: Tensor, outputGradient: Tensor, geometry: DepthwiseGeometry, options: KernelOptions = .singleThreaded
) throws -> Tensor {
    try checkShape(input, geometry.inputShape, "input")
    try checkShape(outputGradient, geometry.outputShape, "out_backprop")
    let f = geometry.filterShape, o = geometry.outputShape
    var window = geometry.window
    let perRow = saturatingProduct(o[2], o[3], f[0], f[1])
    return input.withUnsafeBufferPointer(as: Float.self) { x in
        outputGradient.withUnsafeBufferPointer(as: Float.self) { dy in
            summingPartials(shape: f, items: o[0] * o[1], options: options,
                            minimumChunk: minimumChunk(workPerItem: perRow)) { range, partial in
                ck_depthwise_backprop_filter_rows(options.backend.isa, &window, f[3], x.baseAddress, dy.baseAddress,
                                                  partial, range.lowerBound, range.upperBound)
            }
        }
    }
}

/// A float32 tensor of `shape` summed from partials: `body(range, partial)` adds the contribution of the
/// items `range` into `partial` (zeroed, one per range of `forEachChunk`); partials are added in range
/// order, so a given thread count always sums in the same order.
private func summingPartials(
    shape: Shape, items: Int, options: KernelOptions, minimumChunk: Int,
    _ body: (Range<Int>, UnsafeMutablePointer<Float>) -> Void
) -> Tensor {
    let count = shape.elementCount
    let slots = max(1, options.threads * chunksPerThread)
    return Tensor(shape: shape, of: Float.self, recycler: options.recycler) { out in
        guard let outBase = out.baseAddress, count > 0 else { return }
        outBase.initialize(repeating: 0, count: count)
        guard options.threads > 1 else {
            if items > 0 { body(0..<items, outBase) }
            return
        }
        let partials = UnsafeMutablePointer<Float>.allocate(capacity: slots * count)
        defer { partials.deallocate() }
        let used = UnsafeMutablePointer<Bool>.allocate(capacity: slots)
        defer { used.deallocate() }
        used.initialize(repeating: false, count: slots)
        forEachChunk(of: items, options: options, minimumChunk: minimumChunk) { range, part in
            let partial = partials + part * count
            partial.initialize(repeating: 0, count: count)
            body(range, partial)
            used[part] = true
        }
        for part in 0..<slots where used[part] {
            ck_binary_f32(Int32(CK_ADD.rawValue), outBase, 1, partials + part * count, 1, outBase, count)
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

func checkShape(_ tensor: Tensor, _ expected: Shape, _ operand: String) throws {
    guard tensor.elementType == .float32 else {
        throw KernelError.elementType(operand: operand, expected: "float32", found: tensor.elementType)
    }
    guard tensor.shape == expected else {
        throw KernelError.parameter(name: "\(operand) shape", expected: "\(expected)", found: "\(tensor.shape)")
    }
}
