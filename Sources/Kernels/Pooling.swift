import CKernels
import Tensors

/// The validated geometry of a 2-D pooling window over NHWC input.
public struct PoolGeometry: Sendable, Hashable {
    /// `(batch, height, width, channels)`.
    public let inputShape: Shape
    /// `(batch, outHeight, outWidth, channels)`.
    public let outputShape: Shape
    let rows: WindowAxis
    let columns: WindowAxis
    let windowH: Int, windowW: Int, strideH: Int, strideW: Int

    /// `window` and `strides` are `(height, width)`.
    public init(inputShape: Shape, window: (Int, Int), strides: (Int, Int), padding: Padding) throws {
        guard inputShape.rank == 4 else { throw KernelError.rank(operand: "input", expected: "4 (NHWC)", found: inputShape.rank) }
        guard inputShape.checkedElementCount != nil else {
            throw KernelError.parameter(name: "shape", expected: "an addressable size", found: "\(inputShape)")
        }
        let pads = padding.explicitPads
        rows = try WindowAxis(axis: "height", input: inputShape[1], window: window.0, stride: strides.0,
                              padding: padding, explicitBefore: pads.top, explicitAfter: pads.bottom)
        columns = try WindowAxis(axis: "width", input: inputShape[2], window: window.1, stride: strides.1,
                                 padding: padding, explicitBefore: pads.left, explicitAfter: pads.right)
        self.inputShape = inputShape
        (windowH, windowW) = window
        (strideH, strideW) = strides
        outputShape = [inputShape[0], rows.outputSize, columns.outputSize, inputShape[3]]
    }

    var window: ck_window {
        ck_window(batch: inputShape[0], in_h: inputShape[1], in_w: inputShape[2], in_c: inputShape[3],
                  out_h: outputShape[1], out_w: outputShape[2], out_c: outputShape[3],
                  k_h: windowH, k_w: windowW, stride_h: strideH, stride_w: strideW,
                  dilation_h: 1, dilation_w: 1, pad_top: rows.padBefore, pad_left: columns.padBefore)
    }
}

/// The reduction a pooling window applies.
public enum PoolingMode: Sendable, Hashable {
    /// Mean over the cells inside the input; padded cells are not counted (TensorFlow's AvgPool).
    case average
    /// Maximum over the cells inside the input (TensorFlow's MaxPool).
    case max
}

/// AvgPool / MaxPool over NHWC float32 input; returns NHWC `geometry.outputShape`.
public func pool2D(
    _ input: Tensor, mode: PoolingMode, geometry: PoolGeometry, options: KernelOptions = .singleThreaded
) throws -> Tensor {
    try Tensor(shape: geometry.outputShape, of: Float.self, recycler: options.recycler) { out in
        guard let base = out.baseAddress, out.count > 0 else { return }
        try pool2D(input, mode: mode, geometry: geometry, into: base, options: options)
    }
}

/// `pool2D` writing its NHWC result (`geometry.outputShape`) into `output` instead of a new tensor.
public func pool2D(
    _ input: Tensor, mode: PoolingMode, geometry: PoolGeometry, into output: UnsafeMutablePointer<Float>,
    options: KernelOptions = .singleThreaded
) throws {
    try requireFloat32(input, "input")
    guard input.shape == geometry.inputShape else {
        throw KernelError.parameter(name: "input shape", expected: "\(geometry.inputShape)", found: "\(input.shape)")
    }
    guard geometry.outputShape.elementCount > 0 else { return }
    var window = geometry.window
    let outRows = geometry.outputShape[0] * geometry.outputShape[1]
    input.withUnsafeBufferPointer(as: Float.self) { inp in
        let perRow = saturatingProduct(geometry.outputShape[2], geometry.outputShape[3], geometry.windowH, geometry.windowW)
        forEachChunk(of: outRows, options: options, minimumChunk: minimumChunk(workPerItem: perRow)) { range, _ in
            switch mode {
            case .average:
                ck_avgpool_rows(options.backend.isa, &window, inp.baseAddress, output, range.lowerBound, range.upperBound)
            case .max:
                ck_maxpool_rows(options.backend.isa, &window, inp.baseAddress, output, range.lowerBound, range.upperBound)
            }
        }
    }
}
