import CKernels
import Tensors

// MARK: - Geometry

/// The validated geometry of a 2-D convolution over NHWC input with an HWIO filter.
public struct Conv2DGeometry: Sendable, Hashable {
    /// `(batch, height, width, inChannels)`.
    public let inputShape: Shape
    /// `(height, width, inChannels, outChannels)`.
    public let filterShape: Shape
    /// `(batch, outHeight, outWidth, outChannels)`.
    public let outputShape: Shape
    let rows: WindowAxis
    let columns: WindowAxis
    let strides: (Int, Int)
    let dilations: (Int, Int)

    /// Checks ranks, channel agreement, strides `(h, w)`, dilations `(h, w)` and padding.
    public init(
        inputShape: Shape, filterShape: Shape, strides: (Int, Int), dilations: (Int, Int) = (1, 1),
        padding: Padding
    ) throws {
        guard inputShape.rank == 4 else { throw KernelError.rank(operand: "input", expected: "4 (NHWC)", found: inputShape.rank) }
        guard filterShape.rank == 4 else { throw KernelError.rank(operand: "filter", expected: "4 (HWIO)", found: filterShape.rank) }
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
        self.strides = strides
        self.dilations = dilations
        outputShape = [inputShape[0], rows.outputSize, columns.outputSize, filterShape[3]]
        guard outputShape.checkedElementCount != nil, inputShape.checkedElementCount != nil,
              filterShape.checkedElementCount != nil
        else { throw KernelError.parameter(name: "shape", expected: "an addressable size", found: "\(inputShape)") }
    }

    var window: ck_window {
        ck_window(batch: inputShape[0], in_h: inputShape[1], in_w: inputShape[2], in_c: inputShape[3],
                  out_h: outputShape[1], out_w: outputShape[2], out_c: outputShape[3],
                  k_h: filterShape[0], k_w: filterShape[1], stride_h: strides.0, stride_w: strides.1,
                  dilation_h: dilations.0, dilation_w: dilations.1, pad_top: rows.padBefore, pad_left: columns.padBefore)
    }

    /// Multiply-adds times two.
    public var flops: Double {
        2 * Double(outputShape.elementCount) * Double(filterShape[0] * filterShape[1] * filterShape[2])
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.inputShape == b.inputShape && a.filterShape == b.filterShape && a.outputShape == b.outputShape
            && a.rows == b.rows && a.columns == b.columns && a.strides == b.strides && a.dilations == b.dilations
    }

    public func hash(into h: inout Hasher) {
        h.combine(inputShape); h.combine(filterShape); h.combine(rows); h.combine(columns)
    }
}

// MARK: - Packed filter

/// A convolution filter (HWIO) or matrix (K x N) packed for the GEMM kernel; pack constant filters once.
public struct PackedMatrix: Sendable {
    /// Rows (K) and columns (N) of the logical matrix.
    public let rows: Int
    public let columns: Int
    let storage: TensorStorage
    /// The unpacked matrix, kept only when it holds NaN or an infinity (see `conv2D`).
    let nonFiniteSource: Tensor?

    /// Packs a row-major `rows x columns` float32 matrix given as a flat buffer.
    init(rows: Int, columns: Int, _ values: UnsafeBufferPointer<Float>, shape: Shape) {
        self.rows = rows
        self.columns = columns
        nonFiniteSource = values.allSatisfy(\.isFinite) ? nil : Tensor(shape: shape, scalars: Array(values))
        let count = ck_gemm_packed_b_count(rows, columns)
        storage = TensorStorage(uninitializedByteCount: count * MemoryLayout<Float>.stride)
        if count > 0, let base = values.baseAddress {
            ck_gemm_pack_b(rows, columns, base, columns, storage.baseAddress.assumingMemoryBound(to: Float.self))
        }
    }

    /// Packs an HWIO filter `(kh, kw, in, out)` as a `(kh * kw * in) x out` matrix.
    public init(convolutionFilter filter: Tensor) throws {
        try requireFloat32(filter, "filter")
        try requireRank(filter, 4, "filter")
        let s = filter.shape
        self = filter.withUnsafeBufferPointer(as: Float.self) {
            PackedMatrix(rows: s[0] * s[1] * s[2], columns: s[3], $0, shape: s)
        }
    }

    /// Packs a float32 matrix `(K, N)`, or the transpose of a `(N, K)` matrix when `transposed`.
    public init(matrix: Tensor, transposed isTransposed: Bool = false) throws {
        try requireFloat32(matrix, "matrix")
        try requireRank(matrix, 2, "matrix")
        let source = isTransposed ? transposed(matrix) : matrix
        let s = source.shape
        self = source.withUnsafeBufferPointer(as: Float.self) { PackedMatrix(rows: s[0], columns: s[1], $0, shape: s) }
    }

    var pointer: UnsafePointer<Float> { UnsafePointer(storage.baseAddress.assumingMemoryBound(to: Float.self)) }
}

// MARK: - Kernel

/// Conv2D: `output[n, y, x, o] = sum(input[n, y*sh + ky*dh - pt, x*sw + kx*dw - pl, i] * filter[ky, kx, i, o])`,
/// plus an optional per-channel `bias` (out channels) and fused activation.
/// `input` is NHWC float32; returns NHWC `geometry.outputShape`.
public func conv2D(
    _ input: Tensor, filter: PackedMatrix, geometry: Conv2DGeometry, bias: Tensor? = nil,
    activation: FusedActivation = .none, options: KernelOptions = .singleThreaded
) throws -> Tensor {
    try checkConv2D(input, filter: filter, geometry: geometry, bias: bias)
    return try Tensor(shape: geometry.outputShape, of: Float.self, recycler: options.recycler) { out in
        guard let base = out.baseAddress, out.count > 0 else { return }
        try conv2D(input, filter: filter, geometry: geometry, bias: bias, activation: activation, into: base, options: options)
    }
}

/// `conv2D` writing its NHWC result (`geometry.outputShape`) into `output` instead of a new tensor.
public func conv2D(
    _ input: Tensor, filter: PackedMatrix, geometry: Conv2DGeometry, bias: Tensor? = nil,
    activation: FusedActivation = .none, into output: UnsafeMutablePointer<Float>, options: KernelOptions = .singleThreaded
) throws {
    try checkConv2D(input, filter: filter, geometry: geometry, bias: bias)
    let fs = geometry.filterShape
    var window = geometry.window
    let (lo, hi) = activation.bounds
    let pixels = geometry.outputShape[0] * geometry.outputShape[1] * geometry.outputShape[2]
    guard pixels > 0, fs[3] > 0 else { return }
    let scratchCount = ck_conv2d_scratch_count(&window)
    input.withUnsafeBufferPointer(as: Float.self) { inp in
        withOptionalPointer(bias) { biasPointer in
            let perPixel = saturatingProduct(fs[0], fs[1], fs[2], fs[3])
            forEachChunk(of: pixels, options: options,
                         minimumChunk: max(16, minimumChunk(workPerItem: perPixel))) { range, _ in
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(scratchCount, 1))
                defer { scratch.deallocate() }
                ck_conv2d_rows(options.backend.isa, &window, inp.baseAddress, filter.pointer, biasPointer,
                               lo, hi, output, range.lowerBound, range.upperBound, scratch)
            }
            if let source = filter.nonFiniteSource {
                recomputeBorderPixels(UnsafeMutableBufferPointer(start: output, count: pixels * fs[3]), input: inp,
                                      filter: source, geometry: geometry, bias: biasPointer, activation: activation)
            }
        }
    }
}

private func checkConv2D(_ input: Tensor, filter: PackedMatrix, geometry: Conv2DGeometry, bias: Tensor?) throws {
    try requireFloat32(input, "input")
    guard input.shape == geometry.inputShape else {
        throw KernelError.parameter(name: "input shape", expected: "\(geometry.inputShape)", found: "\(input.shape)")
    }
    let fs = geometry.filterShape
    guard filter.rows == fs[0] * fs[1] * fs[2], filter.columns == fs[3] else {
        throw KernelError.parameter(name: "packed filter", expected: "\(fs[0] * fs[1] * fs[2])x\(fs[3])",
                                    found: "\(filter.rows)x\(filter.columns)")
    }
    if let bias { try checkBias(bias, channels: fs[3]) }
}

func checkBias(_ bias: Tensor, channels: Int) throws {
    try requireFloat32(bias, "bias")
    guard bias.shape == [channels] else {
        throw KernelError.parameter(name: "bias shape", expected: "[\(channels)]", found: "\(bias.shape)")
    }
}

func withOptionalPointer<R>(_ tensor: Tensor?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let tensor else { return body(nil) }
    return tensor.withUnsafeBufferPointer(as: Float.self) { body($0.baseAddress) }
}
