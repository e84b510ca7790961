import Foundation
import Kernels
import Tensors
import Testing

@Suite struct ElementwiseTests {
    @Test func broadcastsColumnAgainstRow() throws {
        let a = Tensor(shape: [2, 1], scalars: [Float(10), 20])
        let b = Tensor(shape: [3], scalars: [Float(1), 2, 3])
        let out = try binary(.subtract, a, b)
        #expect(out.shape == [2, 3])
        #expect(floats(out) == [9, 8, 7, 19, 18, 17])
    }

    /// Large operands are split over threads by slices of the outermost loop; results must not change.
    @Test(arguments: [(Shape([4, 240, 260]), Shape([240, 1])), (Shape([600, 400]), Shape([600, 400])), (Shape([2, 1, 70000]), Shape([3, 1]))])
    func threadedMatchesSingleThreaded(a: Shape, b: Shape) throws {
        let x = sampleTensor(a, seed: 11), y = sampleTensor(b, seed: 12)
        for op in BinaryOperation.allCases {
            let one = try binary(op, x, y), two = try binary(op, x, y, options: KernelOptions(threads: 2, pool: sharedTestPool))
            #expect(floats(one) == floats(two), "\(op)")
        }
        #expect(floats(try unary(.relu6, x)) == floats(try unary(.relu6, x, options: KernelOptions(threads: 2, pool: sharedTestPool))))
    }

    @Test func integerArithmeticWraps() throws {
        let a = Tensor(shape: [2], scalars: [Int32.max, 7])
        let out = try binary(.add, a, Tensor(Int32(1)))
        #expect(out.scalars(as: Int32.self) == [Int32.min, 8])
    }

    @Test func refusesBadShapesAndTypes() {
        #expect(throws: KernelError.self) { try binary(.add, sampleTensor([2, 3], seed: 1), sampleTensor([2], seed: 1)) }
        #expect(throws: KernelError.self) { try binary(.divide, Tensor(Int32(1)), Tensor(Int32(2))) }
        #expect(throws: KernelError.self) { try binary(.add, Tensor(Int32(1)), Tensor(Float(2))) }
    }

    @Test func unaryOperations() throws {
        let x = Tensor(shape: [4], scalars: [Float(-1.5), 0.25, 4, 9])
        #expect(floats(try unary(.relu6, Tensor(shape: [3], scalars: [Float(-1), 3, 8]))) == [0, 3, 6])
        #expect(floats(try unary(.floor, x)) == [-2, 0, 4, 9])
        #expect(floats(try unary(.square, x)) == [2.25, 0.0625, 16, 81])
        #expect(Array(floats(try unary(.rsqrt, x)).suffix(2)) == [0.5, Float(1) / 3])
    }

    @Test func softmaxOfLogThree() throws {
        let out = floats(try softmax(Tensor(shape: [1, 2], scalars: [Float(0), Float(log(3.0))])))
        #expect(abs(out[0] - 0.25) < 1e-6 && abs(out[1] - 0.75) < 1e-6)
    }
}

@Suite struct ReductionTests {
    @Test func sumWithNegativeAxisAndKeepDims() throws {
        let x = Tensor(shape: [2, 3], scalars: (1...6).map(Float.init))
        let out = try reduce(.sum, x, axes: [-1], keepDims: true)
        #expect(out.shape == [2, 1] && floats(out) == [6, 15])
        #expect(floats(try reduce(.max, x, axes: [0])) == [4, 5, 6])
        #expect(floats(try reduce(.mean, x, axes: [0, 1])) == [3.5])
    }

    /// The float32 fast path (adjacent axes) against the generic float64 loop on the same values.
    @Test(arguments: [[1, 2], [-1], [0], [0, 1, 2, 3], [0, 2]])
    func float32MatchesFloat64(axes: [Int]) throws {
        let x = sampleTensor([3, 4, 5, 6], seed: 9)
        let x64 = Tensor(shape: x.shape, scalars: floats(x).map(Double.init))
        for op in ReductionOperation.allCases {
            let single = floats(try reduce(op, x, axes: axes, keepDims: true))
            let double = try reduce(op, x64, axes: axes, keepDims: true).scalars(as: Double.self)
            #expect(single.count == double.count)
            for (s, d) in zip(single, double) { #expect(abs(Double(s) - d) < 1e-5, "\(op) \(axes)") }
        }
    }

    @Test func integerMeanTruncatesTowardZero() throws {
        let x = Tensor(shape: [2], scalars: [Int32(-3), 0])
        #expect(try reduce(.mean, x, axes: [0]).scalars(as: Int32.self) == [-1])
    }

    @Test func axisOutOfRangeIsRefused() {
        #expect(throws: KernelError.self) { try reduce(.sum, sampleTensor([2, 3], seed: 1), axes: [2]) }
    }
}

@Suite struct BatchNormTests {
    @Test func inferenceNormalisesWithGivenStatistics() throws {
        let x = Tensor(shape: [1, 1, 2, 1], scalars: [Float(3), 5])
        let y = try batchNormInference(x, scale: Tensor(shape: [1], scalars: [Float(2)]), offset: Tensor(shape: [1], scalars: [Float(1)]),
                                       mean: Tensor(shape: [1], scalars: [Float(1)]), variance: Tensor(shape: [1], scalars: [Float(4)]),
                                       epsilon: 0)
        #expect(floats(y) == [3, 5])
    }

    @Test func trainingReportsBesselCorrectedVariance() throws {
        // Channel values 1 and 3: mean 2, biased variance 1, corrected 2.
        let x = Tensor(shape: [2, 1, 1, 1], scalars: [Float(1), 3])
        let one = Tensor(shape: [1], scalars: [Float(1)]), zero = Tensor(shape: [1], scalars: [Float(0)])
        let r = try batchNormTraining(x, scale: one, offset: zero, epsilon: 0)
        #expect(floats(r.y) == [-1, 1])
        #expect(floats(r.batchMean) == [2] && floats(r.batchVariance) == [2] && floats(r.savedVariance) == [1])
        let avg = try batchNormTraining(x, scale: one, offset: zero, epsilon: 0, exponentialAverageFactor: 0.25,
                                        runningMean: Tensor(shape: [1], scalars: [Float(6)]), runningVariance: Tensor(shape: [1], scalars: [Float(10)]))
        #expect(floats(avg.batchMean) == [5] && floats(avg.batchVariance) == [8])
    }
}

@Suite struct RandomTests {
    @Test func philoxMatchesRandom123KnownAnswer() {
        // Random123 kat_vectors: philox4x32-10 with zero counter and key.
        var zero = Philox4x32(seedLow: 0, seedHigh: 0)
        let w = zero.next()
        #expect([w.0, w.1, w.2, w.3] == [0x6627_E8D5, 0xE169_C58D, 0xBC57_AC4C, 0x9B00_DBD8])
    }

    @Test func skipCarriesAcrossWords() {
        var g = Philox4x32(seedLow: 1, seedHigh: 0)
        g.skip(UInt64(UInt32.max))
        g.skip(1)
        #expect(g.counter.0 == 0 && g.counter.1 == 1)
    }

    @Test func uniformValuesAreInUnitInterval() throws {
        let t = try randomUniform(shape: [3, 5], seed: 1, seed2: 2)
        #expect(floats(t).allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(floats(t) == floats(try randomUniform(shape: [3, 5], seed: 1, seed2: 2)))
    }
}
