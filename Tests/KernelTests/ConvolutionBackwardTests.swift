import Kernels
import Tensors
import Testing

// MARK: - Convolution gradients: SIMD, threaded and portable paths against the definition

/// A window shape for the gradient kernels: NHWC input, HWIO (or depthwise HWCM) filter.
struct BackwardCase: CustomStringConvertible, Sendable {
    let input: Shape
    let kernel: (Int, Int)
    let outChannels: Int  // Conv2D; the depthwise cases use the multiplier below
    let multiplier: Int
    let strides: (Int, Int)
    let dilations: (Int, Int)
    let padding: Padding
    var description: String {
        "in \(input) k \(kernel) out \(outChannels) m \(multiplier) s \(strides) d \(dilations) \(padding)"
    }
}

let backwardCases: [BackwardCase] = [
    BackwardCase(input: [3, 9, 11, 5], kernel: (3, 3), outChannels: 7, multiplier: 1, strides: (1, 1), dilations: (1, 1), padding: .same),
    BackwardCase(input: [2, 10, 9, 19], kernel: (5, 5), outChannels: 17, multiplier: 1, strides: (2, 2), dilations: (1, 1), padding: .same),
    BackwardCase(input: [1, 13, 13, 3], kernel: (3, 3), outChannels: 32, multiplier: 1, strides: (2, 2), dilations: (1, 1), padding: .valid),
    BackwardCase(input: [2, 7, 8, 24], kernel: (1, 1), outChannels: 40, multiplier: 1, strides: (1, 1), dilations: (1, 1), padding: .valid),
    BackwardCase(input: [2, 7, 8, 9], kernel: (1, 1), outChannels: 6, multiplier: 1, strides: (2, 2), dilations: (1, 1), padding: .same),
    BackwardCase(input: [1, 12, 10, 33], kernel: (7, 7), outChannels: 8, multiplier: 1, strides: (1, 1), dilations: (1, 1), padding: .same),
    BackwardCase(input: [2, 9, 9, 10], kernel: (3, 3), outChannels: 5, multiplier: 2, strides: (1, 2), dilations: (1, 1), padding: .valid),
    BackwardCase(input: [2, 11, 10, 12], kernel: (3, 3), outChannels: 4, multiplier: 1, strides: (1, 1), dilations: (2, 2), padding: .same),
    // Several 256-pixel tiles, channel counts with partial vectors and row tiles (the filter gradient's GEMM).
    BackwardCase(input: [2, 15, 14, 37], kernel: (1, 1), outChannels: 50, multiplier: 1, strides: (1, 1), dilations: (1, 1), padding: .valid),
    BackwardCase(input: [2, 20, 18, 21], kernel: (3, 3), outChannels: 44, multiplier: 1, strides: (1, 1), dilations: (1, 1), padding: .same),
    BackwardCase(input: [1, 6, 7, 9], kernel: (3, 2), outChannels: 3, multiplier: 1, strides: (1, 1), dilations: (1, 1),
                 padding: .explicit(top: 1, bottom: 2, left: 0, right: 1)),
]

/// `(b, oh, ow, kh, kw, ih, iw)` for every window tap inside the input (the definition the kernels follow).
private func forEachTap(
    _ c: BackwardCase, output: Shape, pad: (Int, Int), _ body: (Int, Int, Int, Int, Int, Int, Int) -> Void
) {
    for b in 0..<c.input[0] {
        for oh in 0..<output[1] {
            for ow in 0..<output[2] {
                for kh in 0..<c.kernel.0 {
                    let ih = oh * c.strides.0 - pad.0 + kh * c.dilations.0
                    guard ih >= 0, ih < c.input[1] else { continue }
                    for kw in 0..<c.kernel.1 {
                        let iw = ow * c.strides.1 - pad.1 + kw * c.dilations.1
                        guard iw >= 0, iw < c.input[2] else { continue }
                        body(b, oh, ow, kh, kw, ih, iw)
                    }
                }
            }
        }
    }
}

/// The padding before the first row and column, by TensorFlow's rules.
private func padBefore(_ c: BackwardCase, output: Shape) -> (Int, Int) {
    switch c.padding {
    case .valid: return (0, 0)
    case .explicit(let top, _, let left, _): return (top, left)
    case .same:
        func axis(_ input: Int, _ out: Int, _ k: Int, _ s: Int, _ d: Int) -> Int {
            max(0, (out - 1) * s + (k - 1) * d + 1 - input) / 2
        }
        return (axis(c.input[1], output[1], c.kernel.0, c.strides.0, c.dilations.0),
                axis(c.input[2], output[2], c.kernel.1, c.strides.1, c.dilations.1))
    }
}

private func expectClose(_ ours: Tensor, _ reference: [Double], _ label: String) {
    let values = floats(ours)
    let scale = reference.map(abs).max() ?? 1
    let worst = zip(values, reference).map { abs(Double($0) - $1) }.max() ?? 0
    #expect(values.count == reference.count && worst <= 1e-5 * max(scale, 1e-30), "\(label): error \(worst), scale \(scale)")
}

private let backwardOptions: [(String, KernelOptions)] =
    [("portable", KernelOptions(backend: .portable))]
    + simdBackends.map { ("\($0)", KernelOptions(backend: $0)) }
    + [("best, 3 threads", KernelOptions(threads: 3, pool: sharedTestPool))]

@Test(arguments: backwardCases.filter { $0.multiplier == 1 })
func conv2DGradientsMatchTheDefinition(_ c: BackwardCase) throws {
    let filterShape: Shape = [c.kernel.0, c.kernel.1, c.input[3], c.outChannels]
    let geometry = try Conv2DGeometry(inputShape: c.input, filterShape: filterShape, strides: c.strides,
                                      dilations: c.dilations, padding: c.padding)
    let o = geometry.outputShape
    let x = sampleTensor(c.input, seed: 1), w = sampleTensor(filterShape, seed: 2), dy = sampleTensor(o, seed: 3)
    let (xs, ws, gs) = (floats(x), floats(w), floats(dy))
    var dx = [Double](repeating: 0, count: c.input.elementCount)
    var dw = [Double](repeating: 0, count: filterShape.elementCount)
    let (ic, oc) = (c.input[3], c.outChannels)
    forEachTap(c, output: o, pad: padBefore(c, output: o)) { b, oh, ow, kh, kw, ih, iw in
        let g = ((b * o[1] + oh) * o[2] + ow) * oc, xi = ((b * c.input[1] + ih) * c.input[2] + iw) * ic
        let wi = (kh * c.kernel.1 + kw) * ic * oc
        for i in 0..<ic {
            for j in 0..<oc {
                dx[xi + i] += Double(ws[wi + i * oc + j]) * Double(gs[g + j])
                dw[wi + i * oc + j] += Double(xs[xi + i]) * Double(gs[g + j])
            }
        }
    }
    for (name, options) in backwardOptions {
        expectClose(try conv2DBackpropInput(filter: w, outputGradient: dy, geometry: geometry, options: options), dx,
                    "\(c) input gradient, \(name)")
        expectClose(try conv2DBackpropFilter(input: x, outputGradient: dy, geometry: geometry, options: options), dw,
                    "\(c) filter gradient, \(name)")
    }
}

@Test(arguments: backwardCases.filter { $0.dilations == (1, 1) })
func depthwiseGradientsMatchTheDefinition(_ c: BackwardCase) throws {
    let (channels, m) = (c.input[3], c.multiplier)
    let filterShape: Shape = [c.kernel.0, c.kernel.1, channels, m]
    let geometry = try DepthwiseGeometry(inputShape: c.input, filterShape: filterShape, strides: c.strides, padding: c.padding)
    let o = geometry.outputShape
    let x = sampleTensor(c.input, seed: 4), w = sampleTensor(filterShape, seed: 5), dy = sampleTensor(o, seed: 6)
    let (xs, ws, gs) = (floats(x), floats(w), floats(dy))
    var dx = [Double](repeating: 0, count: c.input.elementCount)
    var dw = [Double](repeating: 0, count: filterShape.elementCount)
    forEachTap(c, output: o, pad: padBefore(c, output: o)) { b, oh, ow, kh, kw, ih, iw in
        let g = ((b * o[1] + oh) * o[2] + ow) * channels * m, xi = ((b * c.input[1] + ih) * c.input[2] + iw) * channels
        let wi = (kh * c.kernel.1 + kw) * channels * m
        for ch in 0..<channels {
            for j in 0..<m {
                dx[xi + ch] += Double(ws[wi + ch * m + j]) * Double(gs[g + ch * m + j])
                dw[wi + ch * m + j] += Double(xs[xi + ch]) * Double(gs[g + ch * m + j])
            }
        }
    }
    for (name, options) in backwardOptions {
        expectClose(try depthwiseBackpropInput(filter: w, outputGradient: dy, geometry: geometry, options: options), dx,
                    "\(c) depthwise input gradient, \(name)")
        expectClose(try depthwiseBackpropFilter(input: x, outputGradient: dy, geometry: geometry, options: options), dw,
                    "\(c) depthwise filter gradient, \(name)")
    }
}
