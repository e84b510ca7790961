import CKernels
import Tensors

/// Outputs of FusedBatchNorm in training mode, as TensorFlow's CPU kernel produces them.
public struct BatchNormTrainingResult: Sendable {
    /// Normalised `x` (same shape).
    public let y: Tensor
    /// The batch mean, or the running mean updated with `exponentialAverageFactor`.
    public let batchMean: Tensor
    /// The Bessel-corrected batch variance (`* n / (n - 1)`), or the updated running variance.
    public let batchVariance: Tensor
    /// reserve_space_1: the batch mean.
    public let savedMean: Tensor
    /// reserve_space_2: the uncorrected batch variance.
    public let savedVariance: Tensor
}

/// FusedBatchNorm in inference mode over `x (..., channels)` (NHWC): with `s = scale * rsqrt(variance + epsilon)`,
/// `y = (x - mean) * s + offset`. `scale`, `offset`, `mean`, `variance` have shape `(channels)`.
public func batchNormInference(
    _ x: Tensor, scale: Tensor, offset: Tensor, mean: Tensor, variance: Tensor, epsilon: Float,
    options: KernelOptions = .singleThreaded
) throws -> Tensor {
    let channels = try checkBatchNormOperands(x, [("scale", scale), ("offset", offset), ("mean", mean), ("variance", variance)])
    let factor = zip(scale.scalars(as: Float.self), variance.scalars(as: Float.self)).map { $0 * (1 / ($1 + epsilon).squareRoot()) }
    return normalise(x, channels: channels, mean: mean.scalars(as: Float.self), factor: factor,
                     offset: offset.scalars(as: Float.self), options: options)
}

/// FusedBatchNorm in training mode: normalises with the batch statistics over all axes but the last.
/// With `exponentialAverageFactor` f != 1 and non-empty running statistics, the mean and variance outputs
/// are `(1 - f) * running + f * batch` (batch variance Bessel-corrected), as in FusedBatchNormV3.
/// An empty `x` gives NaN batch statistics and zero saved statistics, like TensorFlow.
public func batchNormTraining(
    _ x: Tensor, scale: Tensor, offset: Tensor, epsilon: Float, exponentialAverageFactor: Float = 1,
    runningMean: Tensor? = nil, runningVariance: Tensor? = nil, options: KernelOptions = .singleThreaded
) throws -> BatchNormTrainingResult {
    let channels = try checkBatchNormOperands(x, [("scale", scale), ("offset", offset)])
    let rest = channels == 0 ? 0 : x.elementCount / channels
    var mean = [Double](repeating: 0, count: channels)
    var variance = [Double](repeating: 0, count: channels)
    x.withUnsafeBufferPointer(as: Float.self) { xs in
        let minimum = max(1, parallelElementThreshold / max(1, channels))
        mean = channelSums(rows: rest, width: channels, options: options, minimumChunk: minimum) { range, partial in
            ck_channel_sums_f64(xs.baseAddress, channels, nil, range.lowerBound, range.upperBound, partial)
        }
        for c in 0..<channels { mean[c] /= Double(rest) }
        variance = mean.withUnsafeBufferPointer { center in
            channelSums(rows: rest, width: channels, options: options, minimumChunk: minimum) { range, partial in
                ck_channel_sums_f64(xs.baseAddress, channels, center.baseAddress, range.lowerBound, range.upperBound, partial)
            }
        }
        for c in 0..<channels { variance[c] /= Double(rest) }
    }
    let meanF = mean.map(Float.init), varianceF = variance.map(Float.init)
    let factor = zip(scale.scalars(as: Float.self), varianceF).map { $0 * (1 / ($1 + epsilon).squareRoot()) }
    let y = normalise(x, channels: channels, mean: meanF, factor: factor, offset: offset.scalars(as: Float.self), options: options)
    let adjust = Float(rest) / Float(max(rest - 1, 1))
    var outMean = rest == 0 ? [Float](repeating: .nan, count: channels) : meanF
    var outVariance = rest == 0 ? [Float](repeating: .nan, count: channels) : varianceF.map { $0 * adjust }
    if exponentialAverageFactor != 1, let runningMean, let runningVariance,
       runningMean.elementCount == channels, runningVariance.elementCount == channels {
        let f = exponentialAverageFactor
        let rm = runningMean.scalars(as: Float.self), rv = runningVariance.scalars(as: Float.self)
        outMean = (0..<channels).map { rm[$0] * (1 - f) + outMean[$0] * f }
        outVariance = (0..<channels).map { rv[$0] * (1 - f) + outVariance[$0] * f }
    }
    let saved: ([Float]) -> Tensor = { Tensor(shape: [channels], scalars: rest == 0 ? [Float](repeating: 0, count: channels) : $0) }
    return BatchNormTrainingResult(
        y: y, batchMean: Tensor(shape: [channels], scalars: outMean),
        batchVariance: Tensor(shape: [channels], scalars: outVariance),
        savedMean: saved(meanF), savedVariance: saved(varianceF))
}

// MARK: - Helpers

/// Per-channel sums in double over `rows` rows, split over `options`' threads: `body(range, partial)` adds
/// the rows of `range` into `partial` (`width` zeroed doubles, one per range); partials are added in range
/// order.
func channelSums(
    rows: Int, width: Int, options: KernelOptions, minimumChunk: Int,
    _ body: (Range<Int>, UnsafeMutablePointer<Double>) -> Void
) -> [Double] {
    var total = [Double](repeating: 0, count: width)
    guard rows > 0, width > 0 else { return total }
    let slots = max(1, options.threads * chunksPerThread)
    let partials = UnsafeMutablePointer<Double>.allocate(capacity: slots * width)
    defer { partials.deallocate() }
    partials.initialize(repeating: 0, count: slots * width)
    let used = UnsafeMutablePointer<Bool>.allocate(capacity: slots)
    defer { used.deallocate() }
    used.initialize(repeating: false, count: slots)
    forEachChunk(of: rows, options: options, minimumChunk: minimumChunk) { range, part in
        body(range, partials + part * width)
        used[part] = true
    }
    for part in 0..<slots where used[part] {
        let partial = partials + part * width
        for c in 0..<width { total[c] += partial[c] }
    }
    return total
}

private func checkBatchNormOperands(_ x: Tensor, _ vectors: [(String, Tensor)]) throws -> Int {
    try requireFloat32(x, "x")
    guard x.shape.rank >= 1 else { throw KernelError.rank(operand: "x", expected: ">= 1", found: 0) }
    let channels = x.shape[x.shape.rank - 1]
    for (name, t) in vectors {
        try requireFloat32(t, name)
        guard t.shape == [channels] else {
            throw KernelError.parameter(name: "\(name) shape", expected: "[\(channels)] (channels of x)", found: "\(t.shape)")
        }
    }
    return channels
}

private func normalise(
    _ x: Tensor, channels: Int, mean: [Float], factor: [Float], offset: [Float], options: KernelOptions
) -> Tensor {
    let rest = channels == 0 ? 0 : x.elementCount / channels
    return Tensor(shape: x.shape, of: Float.self, recycler: options.recycler) { out in
        guard let o = out.baseAddress else { return }
        x.withUnsafeBufferPointer(as: Float.self) { xs in
            guard let xp = xs.baseAddress else { return }
            mean.withUnsafeBufferPointer { m in
                factor.withUnsafeBufferPointer { f in
                    offset.withUnsafeBufferPointer { b in
                        let minimum = max(1, parallelElementThreshold / max(1, channels))
                        forEachChunk(of: rest, options: options, minimumChunk: minimum) { range, _ in
                            ck_normalize_rows_f32(xp, m.baseAddress, f.baseAddress, b.baseAddress, channels, o,
                                                  range.lowerBound, range.upperBound)
                        }
                    }
                }
            }
        }
    }
}
