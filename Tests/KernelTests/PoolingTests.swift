import Kernels
import Tensors
import Testing
import TestSupport

@Suite struct PoolingTests {
    @Test func averagePoolExcludesPaddingFromDivisor() throws {
        // 1x2x2x1 [[1, 2], [3, 4]], 3x3 SAME stride 1: each window covers all four real cells.
        let input = Tensor(shape: [1, 2, 2, 1], scalars: [Float(1), 2, 3, 4])
        let g = try PoolGeometry(inputShape: input.shape, window: (3, 3), strides: (1, 1), padding: .same)
        for backend in KernelBackend.allCases where backend.isAvailable {
            let options = KernelOptions(backend: backend)
            #expect(floats(try pool2D(input, mode: .average, geometry: g, options: options)) == [2.5, 2.5, 2.5, 2.5])
            #expect(floats(try pool2D(input, mode: .max, geometry: g, options: options)) == [4, 4, 4, 4])
        }
    }

    @Test func averagePoolCornerDivisor() throws {
        // 1x3x3x1 ones*index, 2x2 SAME stride 2: out 2x2; the last row/column windows hold fewer cells.
        let input = Tensor(shape: [1, 3, 3, 1], scalars: (1...9).map(Float.init))
        let g = try PoolGeometry(inputShape: input.shape, window: (2, 2), strides: (2, 2), padding: .same)
        let out = try pool2D(input, mode: .average, geometry: g)
        #expect(floats(out) == [3, 4.5, 7.5, 9])
    }

    static let shapes: [(Shape, Int)] = [([2, 11, 13, 44], 3), ([1, 7, 7, 5], 3), ([1, 9, 9, 70], 2), ([1, 12, 12, 9], 12),
                                         ([2, 60, 60, 64], 3)]  // the last is large enough to split over threads

    @Test(arguments: [PoolingMode.average, .max], 0..<shapes.count)
    func simdMatchesPortable(mode: PoolingMode, index: Int) throws {
        let (shape, window) = Self.shapes[index]
        let input = sampleTensor(shape, seed: 6)
        let g = try PoolGeometry(inputShape: input.shape, window: (window, window), strides: (2, 2), padding: .same)
        let reference = try pool2D(input, mode: mode, geometry: g, options: KernelOptions(backend: .portable))
        for backend in simdBackends {
            let out = try pool2D(input, mode: mode, geometry: g, options: KernelOptions(threads: 2, backend: backend, pool: sharedTestPool))
            #expect(relativeError(out, reference) < 1e-6)
        }
    }
}

@Suite struct MatMulTests {
    @Test func transposesAndBias() throws {
        let a = Tensor(shape: [2, 3], scalars: [Float(1), 2, 3, 4, 5, 6])
        let b = Tensor(shape: [3, 2], scalars: [Float(1), 0, 0, 1, 1, 1])
        #expect(floats(try matMul(a, b)) == [4, 5, 10, 11])
        let at = Tensor(shape: [3, 2], scalars: [Float(1), 4, 2, 5, 3, 6])
        let bt = Tensor(shape: [2, 3], scalars: [Float(1), 0, 1, 0, 1, 1])
        let out = try matMul(at, bt, transposeA: true, transposeB: true, bias: Tensor(shape: [2], scalars: [Float(1), -100]),
                             activation: .relu)
        #expect(floats(out) == [5, 0, 11, 0])
    }

    @Test func innerDimensionMismatchIsRefused() {
        #expect(throws: KernelError.self) { try matMul(sampleTensor([2, 3], seed: 1), sampleTensor([4, 2], seed: 2)) }
    }

    @Test func simdMatchesPortable() throws {
        let a = sampleTensor([37, 600], seed: 7), b = sampleTensor([600, 53], seed: 8)
        let reference = try matMul(a, b, options: KernelOptions(backend: .portable))
        for backend in simdBackends {
            #expect(relativeError(try matMul(a, b, options: KernelOptions(threads: 2, backend: backend, pool: sharedTestPool)), reference) < 1e-5)
        }
    }
}

/// Every branch of the channel blocking (blocks of 32, 16 and 8 channels, overlapping last blocks), the
/// four-pixel depthwise path (interior runs of a 12-wide row, strides 1 and 2) and the scalar path, for
/// depthwise convolution and both pools, against the portable kernels.
@Suite struct ChannelBlockingTests {
    static let channelCounts = [3, 7, 8, 9, 12, 16, 17, 24, 31, 32, 33, 40, 44, 48, 50, 64, 65, 88]

    @Test(arguments: channelCounts)
    func depthwiseAndPoolsMatchPortable(channels: Int) throws {
        let input = sampleTensor([1, 6, 12, channels], seed: UInt64(channels))
        let filter = sampleTensor([3, 3, channels, 1], seed: 13)
        let bias = sampleTensor([channels], seed: 14)
        let dg = try DepthwiseGeometry(inputShape: input.shape, filterShape: filter.shape, strides: (1, 1), padding: .same)
        let wide = sampleTensor([1, 7, 24, channels], seed: 15)
        let dg2 = try DepthwiseGeometry(inputShape: wide.shape, filterShape: filter.shape, strides: (2, 2), padding: .valid)
        let pg = try PoolGeometry(inputShape: input.shape, window: (3, 3), strides: (2, 1), padding: .same)
        let portable = KernelOptions(backend: .portable)
        let dwReference = try depthwiseConv2D(input, filter: filter, geometry: dg, bias: bias, options: portable)
        let avgReference = try pool2D(input, mode: .average, geometry: pg, options: portable)
        let maxReference = try pool2D(input, mode: .max, geometry: pg, options: portable)
        let strided = try depthwiseConv2D(wide, filter: filter, geometry: dg2, activation: .relu6, options: portable)
        for backend in simdBackends {
            let options = KernelOptions(backend: backend)
            #expect(relativeError(try depthwiseConv2D(input, filter: filter, geometry: dg, bias: bias, options: options), dwReference) < 1e-5)
            #expect(relativeError(try depthwiseConv2D(wide, filter: filter, geometry: dg2, activation: .relu6, options: options), strided) < 1e-5)
            #expect(relativeError(try pool2D(input, mode: .average, geometry: pg, options: options), avgReference) < 1e-6)
            #expect(floats(try pool2D(input, mode: .max, geometry: pg, options: options)) == floats(maxReference))
        }
    }
}

@Suite struct HugeWindowTests {
    /// A window attribute far larger than the input costs only the cells inside it (no hang).
    @Test(arguments: [PoolingMode.average, .max])
    func hugeSameWindowCoversTheWholeInput(mode: PoolingMode) throws {
        let input = Tensor(shape: [1, 2, 2, 64], scalars: (0..<256).map { Float($0 / 64 + 1) })
        let g = try PoolGeometry(inputShape: input.shape, window: (1 << 29, 1 << 29), strides: (1, 1), padding: .same)
        for backend in KernelBackend.allCases where backend.isAvailable {
            let out = floats(try pool2D(input, mode: mode, geometry: g, options: KernelOptions(threads: 2, backend: backend, pool: sharedTestPool)))
            #expect(out == [Float](repeating: mode == .max ? 4 : 2.5, count: 256))
        }
    }
}
