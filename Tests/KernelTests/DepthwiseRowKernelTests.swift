import Kernels
import Tensors
import Testing
import TestSupport

/// The register-blocked depthwise rows (filter widths 3/5/7, column strides 1/2) against the portable kernel:
/// blocks of 7 and 14 pixels, interior blocks, full blocks at a border, partial last blocks, channel counts
/// below, at and past one vector, rectangular windows and unequal strides.
@Suite struct DepthwiseRowKernelTests {
    struct Case: Sendable, CustomStringConvertible {
        let input: Shape, window: (Int, Int), strides: (Int, Int), padding: Padding
        var description: String { "\(input) window \(window) strides \(strides) \(padding)" }
    }

    static let cases: [Case] = [
        Case(input: [1, 56, 56, 11], window: (7, 7), strides: (2, 2), padding: .same),
        Case(input: [1, 29, 31, 22], window: (5, 5), strides: (2, 2), padding: .same),
        Case(input: [2, 16, 17, 17], window: (7, 7), strides: (1, 1), padding: .same),
        Case(input: [1, 14, 15, 32], window: (3, 5), strides: (1, 2), padding: .same),
        Case(input: [1, 9, 30, 9], window: (5, 3), strides: (2, 1), padding: .valid),
        Case(input: [1, 7, 7, 176], window: (7, 7), strides: (1, 1), padding: .same),
        Case(input: [1, 4, 20, 16], window: (7, 7), strides: (1, 1), padding: .same),
    ]

    /// `inputActivation: .relu` (clamped while reading, or applied first where the row kernels do not
    /// apply) gives the convolution of `relu(input)` on every backend, bit for bit per backend.
    @Test(arguments: cases)
    func reluWhileReadingIsTheConvolutionOfTheReLU(_ c: Case) throws {
        let input = sampleTensor(c.input, seed: 31)  // about half the elements negative
        let filter = sampleTensor([c.window.0, c.window.1, c.input[3], 1], seed: 32)
        let g = try DepthwiseGeometry(inputShape: c.input, filterShape: filter.shape, strides: c.strides, padding: c.padding)
        for backend in [KernelBackend.portable] + simdBackends {
            let options = KernelOptions(threads: 1, backend: backend, pool: sharedTestPool)
            let clamped = try unary(.relu, input, options: options)
            let reference = try depthwiseConv2D(clamped, filter: filter, geometry: g, options: options)
            let fused = try depthwiseConv2D(input, filter: filter, geometry: g, inputActivation: .relu, options: options)
            #expect(fused.scalars(as: Float.self) == reference.scalars(as: Float.self), "\(backend)")
        }
    }

    @Test(arguments: cases)
    func rowsMatchPortable(_ c: Case) throws {
        let input = sampleTensor(c.input, seed: 21)
        let filter = sampleTensor([c.window.0, c.window.1, c.input[3], 1], seed: 22)
        let bias = sampleTensor([c.input[3]], seed: 23)
        let g = try DepthwiseGeometry(inputShape: c.input, filterShape: filter.shape, strides: c.strides, padding: c.padding)
        let reference = try depthwiseConv2D(input, filter: filter, geometry: g, bias: bias, activation: .relu6,
                                            options: KernelOptions(backend: .portable))
        for backend in simdBackends {
            for threads in [1, 2] {
                let out = try depthwiseConv2D(input, filter: filter, geometry: g, bias: bias, activation: .relu6,
                                              options: KernelOptions(threads: threads, backend: backend, pool: sharedTestPool))
                #expect(relativeError(out, reference) < 1e-5, "\(backend) threads \(threads)")
            }
        }
    }
}
