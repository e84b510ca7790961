import Kernels
import Tensors
import Testing
import TestSupport

/// The SIMD GEMM kernels tile C by groups of 16-column panels and by row counts that depend on the group;
/// these shapes reach every group width (1-3 panels), partial last panels, row tails of every length, and
/// K split into blocks (partial sums through C), each against the portable kernel.
@Suite struct GemmTilingTests {
    // (M, K, N): NASNet-A's pointwise widths (11, 22, 44, 88, 176) and their neighbours.
    static let shapes: [(m: Int, k: Int, n: Int)] = [
        (1, 1, 1), (13, 5, 11), (49, 176, 176), (50, 44, 44), (29, 88, 88), (31, 11, 22), (17, 30, 33),
        (25, 20, 48), (14, 9, 97), (23, 1056, 40), (9, 800, 17), (40, 3, 16), (15, 2500, 35),
    ]

    @Test(arguments: 0..<shapes.count)
    func simdMatchesPortable(_ index: Int) throws {
        let s = Self.shapes[index]
        let a = sampleTensor([s.m, s.k], seed: 11), b = sampleTensor([s.k, s.n], seed: 12)
        let bias = sampleTensor([s.n], seed: 13)
        let packed = try PackedMatrix(matrix: b)
        for activation in [FusedActivation.none, .relu6] {
            let withBias = activation == .none ? nil : bias
            let reference = try matMul(a, packed: packed, bias: withBias, activation: activation,
                                       options: KernelOptions(backend: .portable))
            for backend in simdBackends {
                for threads in [1, 2] {
                    let out = try matMul(a, packed: packed, bias: withBias, activation: activation,
                                         options: KernelOptions(threads: threads, backend: backend, pool: sharedTestPool))
                    #expect(relativeError(out, reference) < 1e-5, "\(backend) threads \(threads) \(activation)")
                }
            }
        }
    }

    /// A 1x1 convolution is the same GEMM over pixels (M = batch * height * width).
    @Test func pointwiseConvolutionMatchesPortable() throws {
        let input = sampleTensor([1, 7, 7, 176], seed: 14), filter = sampleTensor([1, 1, 176, 88], seed: 15)
        let bias = sampleTensor([88], seed: 16)
        let g = try Conv2DGeometry(inputShape: input.shape, filterShape: filter.shape, strides: (1, 1), padding: .same)
        let packed = try PackedMatrix(convolutionFilter: filter)
        let reference = try conv2D(input, filter: packed, geometry: g, bias: bias, activation: .relu,
                                   options: KernelOptions(backend: .portable))
        for backend in simdBackends {
            let out = try conv2D(input, filter: packed, geometry: g, bias: bias, activation: .relu,
                                 options: KernelOptions(backend: backend))
            #expect(relativeError(out, reference) < 1e-5, "\(backend)")
        }
    }
}
