import Kernels
import Tensors
import Testing
import TestSupport

@Suite struct WindowArithmeticTests {
    @Test func sameMatchesTensorFlowFormula() throws {
        // in 5, k 3, s 2: out ceil(5/2) = 3, pad_total (3-1)*2+3-5 = 2, before 1.
        let a = try WindowAxis(axis: "h", input: 5, window: 3, stride: 2, padding: .same)
        #expect(a.outputSize == 3 && a.padBefore == 1)
        // in 4, k 3, s 2: out 2, pad_total 1, before 0 (the extra cell goes after).
        let b = try WindowAxis(axis: "h", input: 4, window: 3, stride: 2, padding: .same)
        #expect(b.outputSize == 2 && b.padBefore == 0)
        // Dilation 2 makes a 3-tap window span 5: in 4, s 1: pad_total 4, before 2.
        let c = try WindowAxis(axis: "h", input: 4, window: 3, stride: 1, dilation: 2, padding: .same)
        #expect(c.outputSize == 4 && c.padBefore == 2)
    }

    @Test func validRefusesNegativeSizesButTruncatesTowardZero() throws {
        #expect(throws: KernelError.self) { try WindowAxis(axis: "h", input: 1, window: 3, stride: 1, padding: .valid) }
        // (1 - 4 + 2) / 2 truncates to 0: an empty output, not an error (TensorFlow's C++ arithmetic).
        #expect(try WindowAxis(axis: "h", input: 1, window: 4, stride: 2, padding: .valid).outputSize == 0)
        #expect(throws: KernelError.self) { try WindowAxis(axis: "h", input: 4, window: 2, stride: 0, padding: .same) }
    }

    @Test func explicitPaddingAddsCells() throws {
        let a = try WindowAxis(axis: "w", input: 3, window: 3, stride: 1, padding: .explicit(top: 0, bottom: 0, left: 2, right: 1),
                               explicitBefore: 2, explicitAfter: 1)
        #expect(a.outputSize == 4 && a.padBefore == 2)
    }
}

@Suite struct Conv2DTests {
    @Test func handComputedValidConvolution() throws {
        // 1x3x3x1 input 1...9, 2x2 filter of ones: each output sums a 2x2 block.
        let input = Tensor(shape: [1, 3, 3, 1], scalars: (1...9).map(Float.init))
        let filter = Tensor(shape: [2, 2, 1, 1], scalars: [Float](repeating: 1, count: 4))
        let g = try Conv2DGeometry(inputShape: input.shape, filterShape: filter.shape, strides: (1, 1), padding: .valid)
        for backend in KernelBackend.allCases where backend.isAvailable {
            let out = try conv2D(input, filter: PackedMatrix(convolutionFilter: filter), geometry: g,
                                 options: KernelOptions(backend: backend))
            #expect(out.shape == [1, 2, 2, 1])
            #expect(floats(out) == [12, 16, 24, 28])
        }
    }

    @Test func samePaddingBiasAndRelu6() throws {
        // 1x2x2x1 input, 3x3 filter of ones, SAME: every output sees all four cells (sum 10).
        let input = Tensor(shape: [1, 2, 2, 1], scalars: [Float(1), 2, 3, 4])
        let filter = Tensor(shape: [3, 3, 1, 2], scalars: (0..<18).map { Float($0 % 2 == 0 ? 1 : -1) })
        let g = try Conv2DGeometry(inputShape: input.shape, filterShape: filter.shape, strides: (1, 1), padding: .same)
        let out = try conv2D(input, filter: PackedMatrix(convolutionFilter: filter), geometry: g,
                             bias: Tensor(shape: [2], scalars: [Float(-5), 20]), activation: .relu6)
        #expect(floats(out) == [5, 6, 5, 6, 5, 6, 5, 6])
    }

    @Test func mismatchedChannelsAreRefused() {
        #expect(throws: KernelError.self) {
            try Conv2DGeometry(inputShape: [1, 4, 4, 3], filterShape: [3, 3, 2, 8], strides: (1, 1), padding: .same)
        }
    }

    static let shapes: [(input: Shape, filter: Shape, stride: Int, dilation: Int, padding: Padding)] = [
        ([2, 7, 9, 19], [1, 1, 19, 37], 1, 1, .same),
        ([1, 9, 8, 5], [3, 3, 5, 17], 2, 1, .same),
        ([1, 10, 10, 3], [3, 3, 3, 32], 2, 1, .valid),
        ([1, 8, 8, 6], [3, 3, 6, 7], 1, 2, .explicit(top: 1, bottom: 2, left: 0, right: 3)),
        ([1, 6, 6, 300], [1, 1, 300, 20], 1, 1, .valid),
        ([1, 20, 20, 16], [3, 3, 16, 24], 1, 1, .same),  // im2col work large enough to split over threads
    ]

    @Test(arguments: 0..<shapes.count)
    func simdMatchesPortable(_ index: Int) throws {
        let c = Self.shapes[index]
        let input = sampleTensor(c.input, seed: 1), filter = sampleTensor(c.filter, seed: 2)
        let bias = sampleTensor([c.filter[3]], seed: 3)
        let g = try Conv2DGeometry(inputShape: c.input, filterShape: c.filter, strides: (c.stride, c.stride),
                                   dilations: (c.dilation, c.dilation), padding: c.padding)
        let packed = try PackedMatrix(convolutionFilter: filter)
        let reference = try conv2D(input, filter: packed, geometry: g, bias: bias, options: KernelOptions(backend: .portable))
        for backend in simdBackends {
            for threads in [1, 2] {
                let out = try conv2D(input, filter: packed, geometry: g, bias: bias,
                                     options: KernelOptions(threads: threads, backend: backend, pool: sharedTestPool))
                #expect(relativeError(out, reference) < 1e-5, "\(backend) threads \(threads)")
            }
        }
    }
}

@Suite struct DepthwiseTests {
    @Test func multiplierOrdersChannelsAsTensorFlow() throws {
        // One pixel, 2 channels, multiplier 2: output channel c*2+m = x[c] * f[c, m].
        let input = Tensor(shape: [1, 1, 1, 2], scalars: [Float(2), 3])
        let filter = Tensor(shape: [1, 1, 2, 2], scalars: [Float(1), 10, 100, 1000])
        let g = try DepthwiseGeometry(inputShape: input.shape, filterShape: filter.shape, strides: (1, 1), padding: .same)
        for backend in KernelBackend.allCases where backend.isAvailable {
            let out = try depthwiseConv2D(input, filter: filter, geometry: g, options: KernelOptions(backend: backend))
            #expect(floats(out) == [2, 20, 300, 3000])
        }
    }

    // Channel counts cover the 32-channel blocks, the overlapping last vector and the scalar path (< 8);
    // the 12x12 window has more taps than the SIMD path lists and takes the portable one.
    @Test(arguments: [(Shape([1, 14, 14, 88]), 5, 1), (Shape([2, 9, 7, 21]), 3, 2), (Shape([1, 5, 5, 8]), 7, 1),
                      (Shape([1, 6, 6, 5]), 3, 1), (Shape([1, 12, 12, 40]), 12, 1), (Shape([2, 28, 28, 44]), 3, 1)])
    func simdMatchesPortable(input shape: Shape, kernel: Int, stride: Int) throws {
        let input = sampleTensor(shape, seed: 4)
        let filter = sampleTensor([kernel, kernel, shape[3], 1], seed: 5)
        let g = try DepthwiseGeometry(inputShape: shape, filterShape: filter.shape, strides: (stride, stride), padding: .same)
        let reference = try depthwiseConv2D(input, filter: filter, geometry: g, activation: .relu, options: KernelOptions(backend: .portable))
        for backend in simdBackends {
            let out = try depthwiseConv2D(input, filter: filter, geometry: g, activation: .relu,
                                          options: KernelOptions(threads: 2, backend: backend, pool: sharedTestPool))
            #expect(relativeError(out, reference) < 1e-5, "\(backend)")
        }
    }
}
