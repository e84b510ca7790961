import CKernels
import Tensors

/// The validated geometry of a depthwise convolution: NHWC input, filter `(height, width, channels,
/// multiplier)`, output channel `c * multiplier + m`.
public struct DepthwiseGeometry: Sendable, Hashable {
    /// `(batch, height, width, channels)`.
    public let inputShape: Shape
    /// `(height, width, channels, multiplier)`.
    public let filterShape: Shape
    /// `(batch, outHeight, outWidth, channels * multiplier)`.
    public let outputShape: Shape
    let rows: WindowAxis
    let columns: WindowAxis
    let strideH: Int, strideW: Int, dilationH: Int, dilationW: Int

    public init(
        inputShape: Shape, filterShape: Shape, strides: (Int, Int), dilations: (Int, Int) = (1, 1),
        padding: Padding
    ) throws {
        guard inputShape.rank == 4 else { throw KernelError.rank(operand: "input", expected: "4 (NHWC)", found: inputShape.rank) }
        guard filterShape.rank == 4 else {
            throw KernelError.rank(operand: "filter", expected: "4 (height, width, channels, multiplier)", found: filterShape.rank)
        }
        guard filterShape[2] == inputShape[3] else {
            throw KernelError.dimension(operand: "filter", axis: 2, expected: "\(inputShape[3]) (input channels)", found: filterShape[2])
        }
        let pads = padding.explicitPads
        rows = try WindowAxis(axis: "height", input: inputShape[1], window: filterShape[0], stride: strides.0,
                              dilation: dilations.0, padding: padding, explicitBefore: pads.top, explicitAfter: pads.bottom)
        columns = try WindowAxis(axis: "width", input: inputShape[2], window: filterShape[1], stride: strides.1,
                                 dilation: dilations.1, padding: padding, explicitBefore: pads.left, explicitAfter: pads.right)
        self.inputShape = inputShape
        self.filterShape = filterShape
        (strideH, strideW) = strides
        (dilationH, dilationW) = dilations
        let (outChannels, overflow) = filterShape[2].multipliedReportingOverflow(by: filterShape[3])
        outputShape = [inputShape[0], rows.outputSize, columns.outputSize, overflow ? -1 : outChannels]
        guard !overflow, outputShape.checkedElementCount != nil, inputShape.checkedElementCount != nil,
              filterShape.checkedElementCount != nil
        else { throw KernelError.parameter(name: "shape", expected: "an addressable size", found: "\(filterShape)") }
    }

    var window: ck_window {
        ck_window(batch: inputShape[0], in_h: inputShape[1], in_w: inputShape[2], in_c: inputShape[3],
                  out_h: outputShape[1], out_w: outputShape[2], out_c: outputShape[3],
                  k_h: filterShape[0], k_w: filterShape[1], stride_h: strideH, stride_w: strideW,
                  dilation_h: dilationH, dilation_w: dilationW, pad_top: rows.padBefore, pad_left: columns.padBefore)
    }

    /// Multiply-adds times two.
    public var flops: Double { 2 * Double(outputShape.elementCount) * Double(filterShape[0] * filterShape[1]) }
}

/// DepthwiseConv2dNative: `output[n, y, x, c*M + m] = sum(input[n, y*sh + ky*dh - pt, x*sw + kx*dw - pl, c]
/// * filter[ky, kx, c, m])`, plus optional `bias` (output channels) and fused activation.
///
/// `inputActivation` convolves `relu(input)` (or `relu6`) instead of `input`: the register-blocked SIMD
/// kernels clamp each input element as they read it; other shapes and backends apply it first.
/// `filterIsFinite` is whether `filter` holds no NaN and no infinity (`nil`: checked on every call; a
/// caller with a constant filter passes what it found once).
public func depthwiseConv2D(
    _ input: Tensor, filter: Tensor, geometry: DepthwiseGeometry, bias: Tensor? = nil,
    activation: FusedActivation = .none, inputActivation: FusedActivation = .none,
    filterIsFinite: Bool? = nil, options: KernelOptions = .singleThreaded
) throws -> Tensor {
    try Tensor(shape: geometry.outputShape, of: Float.self, recycler: options.recycler) { out in
        guard let base = out.baseAddress, out.count > 0 else { return }
        try depthwiseConv2D(input, filter: filter, geometry: geometry, bias: bias, activation: activation,
                            inputActivation: inputActivation, filterIsFinite: filterIsFinite, into: base, options: options)
    }
}

/// `depthwiseConv2D` writing its NHWC result (`geometry.outputShape`) into `output` instead of a new tensor.
public func depthwiseConv2D(
    _ input: Tensor, filter: Tensor, geometry: DepthwiseGeometry, bias: Tensor? = nil,
    activation: FusedActivation = .none, inputActivation: FusedActivation = .none,
    filterIsFinite: Bool? = nil, into output: UnsafeMutablePointer<Float>, options: KernelOptions = .singleThreaded
) throws {
    try requireFloat32(input, "input")
    try requireFloat32(filter, "filter")
    guard input.shape == geometry.inputShape, filter.shape == geometry.filterShape else {
        throw KernelError.parameter(name: "operand shapes", expected: "\(geometry.inputShape) and \(geometry.filterShape)",
                                    found: "\(input.shape) and \(filter.shape)")
    }
    if let bias { try checkBias(bias, channels: geometry.outputShape[3]) }
    guard geometry.outputShape.elementCount > 0 else { return }
    var window = geometry.window
    let (lo, hi) = activation.bounds
    let outRows = geometry.outputShape[0] * geometry.outputShape[1]
    let multiplier = geometry.filterShape[3]
    // The AVX-512 kernel multiplies padding cells (as zeros) by the filter; TF skips them, which only
    // shows when a tap is infinite or NaN (0 x Inf): such filters take the AVX2 kernel, which skips too.
    let isa = options.backend == .avx512 && !(filterIsFinite ?? isAllFinite(filter)) ? KernelBackend.avx2.isa : options.backend.isa
    var source = input
    var reluWhileReading = false
    switch inputActivation {
    case .none: break
    case .relu where ck_depthwise_relu_input_supported(isa, &window, multiplier) != 0: reluWhileReading = true
    case .relu: source = try unary(.relu, input, options: options)
    case .relu6: source = try unary(.relu6, input, options: options)
    }
    source.withUnsafeBufferPointer(as: Float.self) { inp in
        filter.withUnsafeBufferPointer(as: Float.self) { filt in
            withOptionalPointer(bias) { biasPointer in
                let perRow = saturatingProduct(geometry.outputShape[2], geometry.outputShape[3], geometry.filterShape[0],
                                               geometry.filterShape[1])
                forEachChunk(of: outRows, options: options, minimumChunk: minimumChunk(workPerItem: perRow)) { range, _ in
                    if reluWhileReading {
                        ck_depthwise_relu_input_rows(isa, &window, inp.baseAddress, filt.baseAddress, biasPointer, lo, hi,
                                                     output, range.lowerBound, range.upperBound)
                    } else {
                        ck_depthwise_rows(isa, &window, multiplier, inp.baseAddress, filt.baseAddress,
                                          biasPointer, lo, hi, output, range.lowerBound, range.upperBound)
                    }
                }
            }
        }
    }
}
