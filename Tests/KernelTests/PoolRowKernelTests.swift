import Kernels
import Tensors
import Testing
import TestSupport

/// The register-blocked pooling rows (window widths 1-3, column strides 1/2) against the portable kernel,
/// bit for bit: they reduce each window in the same order. Covers blocks of 16, 8, 4, 2 and 1 pixels, pixels
/// at the left and right borders, windows with no cell inside the image, channel counts below, at and past
/// one vector, rectangular windows, unequal strides, batches and NaN / signed-zero inputs.
@Suite struct PoolRowKernelTests {
    struct Case: Sendable, CustomStringConvertible {
        let input: Shape, window: (Int, Int), strides: (Int, Int), padding: Padding
        var description: String { "\(input) window \(window) strides \(strides) \(padding)" }
    }

    static let cases: [Case] = [
        Case(input: [1, 28, 28, 44], window: (3, 3), strides: (1, 1), padding: .same),
        Case(input: [2, 14, 14, 88], window: (3, 3), strides: (1, 1), padding: .same),
        Case(input: [1, 7, 7, 176], window: (3, 3), strides: (1, 1), padding: .same),
        Case(input: [1, 23, 45, 11], window: (3, 3), strides: (2, 2), padding: .same),
        Case(input: [1, 14, 14, 22], window: (3, 3), strides: (2, 2), padding: .same),
        Case(input: [2, 16, 31, 9], window: (1, 1), strides: (2, 2), padding: .valid),
        Case(input: [1, 9, 30, 17], window: (5, 3), strides: (2, 1), padding: .valid),
        Case(input: [1, 8, 19, 33], window: (2, 2), strides: (2, 2), padding: .same),
        Case(input: [1, 6, 21, 7], window: (4, 2), strides: (1, 1), padding: .same),
        Case(input: [1, 5, 3, 40], window: (3, 3), strides: (1, 2), padding: .same),
        Case(input: [1, 5, 12, 16], window: (3, 3), strides: (1, 1), padding: .explicit(top: 2, bottom: 1, left: 4, right: 5)),
        Case(input: [1, 4, 2, 3], window: (3, 3), strides: (1, 1), padding: .same),
    ]

    @Test(arguments: cases, [PoolingMode.average, .max])
    func rowsMatchPortable(_ c: Case, mode: PoolingMode) throws {
        let input = sampleTensor(c.input, seed: 31)
        try expectBitIdentical(input, c, mode: mode)
    }

    /// NaN, infinities and both zeros: max pooling skips NaN (as the portable kernel), averages propagate it;
    /// a window of -0 only averages to +0 (the sum starts at +0, as TensorFlow's).
    @Test(arguments: [PoolingMode.average, .max])
    func specialValuesMatchPortable(mode: PoolingMode) throws {
        let shape: Shape = [1, 9, 20, 19]
        let specials: [Float] = [.nan, .infinity, -.infinity, 0, -0.0, -0.0, 1]
        let base = sampleTensor(shape, seed: 32).scalars(as: Float.self)
        let scalars = base.enumerated().map { i, v in i % 5 == 0 ? specials[(i / 5) % specials.count] : v }
        let input = Tensor(shape: shape, scalars: scalars)
        for c in [Case(input: shape, window: (3, 3), strides: (1, 1), padding: .same),
                  Case(input: shape, window: (3, 3), strides: (2, 2), padding: .same)] {
            try expectBitIdentical(input, c, mode: mode)
        }
    }

    /// Bit patterns, every NaN as one (payload and sign of a NaN depend on operand order, not on the kernel).
    private static func bits(_ t: Tensor) -> [UInt32] {
        t.scalars(as: Float.self).map { $0.isNaN ? Float.nan.bitPattern : $0.bitPattern }
    }

    private func expectBitIdentical(_ input: Tensor, _ c: Case, mode: PoolingMode) throws {
        let g = try PoolGeometry(inputShape: c.input, window: c.window, strides: c.strides, padding: c.padding)
        let reference = try pool2D(input, mode: mode, geometry: g, options: KernelOptions(backend: .portable))
        let expected = Self.bits(reference)
        for backend in simdBackends {
            for threads in [1, 2] {
                let out = try pool2D(input, mode: mode, geometry: g, options: KernelOptions(threads: threads, backend: backend, pool: sharedTestPool))
                let bits = Self.bits(out)
                let mismatches = zip(bits, expected).filter { $0 != $1 }.count
                #expect(bits.count == expected.count && mismatches == 0, "\(backend) threads \(threads): \(mismatches) differ")
            }
        }
    }
}
