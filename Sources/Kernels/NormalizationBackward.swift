import CKernels
import Foundation
import Tensors

// MARK: - Gradient of batch normalization (TensorFlow's FusedBatchNormGrad / V2 / V3, NHWC)
//
// The per-channel sums run in double over ranges of rows on the worker pool (batchnorm.c), the input
// gradient over ranges of rows.

/// The gradients of `y = scale * (x - mean) * rsqrt(variance + epsilon) + offset` over NHWC float32.
///
/// In training mode `mean` and `variance` are the batch statistics the forward pass saved, and the
/// gradient flows through them too (TF's CPU formula):
/// `dx = scale * rsqrt * (dy - mean(dy) - (x - mean) * mean(dy * (x - mean)) * rsqrt^2)`.
/// In inference mode they are constants: `dx = dy * scale * rsqrt`. In both,
/// `dscale = sum(dy * (x - mean)) * rsqrt` and `doffset = sum(dy)`, sums over batch, height and width.
public func batchNormGradient(
    _ outputGradient: Tensor, x: Tensor, scale: Tensor, mean: Tensor, variance: Tensor, epsilon: Float,
    isTraining: Bool, options: KernelOptions = .singleThreaded
) throws -> (x: Tensor, scale: Tensor, offset: Tensor) {
    try checkShape(outputGradient, x.shape, "y_backprop")
    guard x.shape.rank == 4 else { throw KernelError.rank(operand: "x", expected: "4 (NHWC)", found: x.shape.rank) }
    let channels = x.shape[3]
    for (operand, tensor) in [("scale", scale), ("mean", mean), ("variance", variance)] {
        try checkShape(tensor, [channels], operand)
    }
    let rest = channels == 0 ? 0 : x.shape.elementCount / channels
    let gamma = scale.scalars(as: Float.self), mu = mean.scalars(as: Float.self), sigma2 = variance.scalars(as: Float.self)
    let rsqrt = (0..<channels).map { 1 / (sigma2[$0] + epsilon).squareRoot() }
    let minimum = max(1, parallelElementThreshold / max(1, 2 * channels))
    // Both sums at once: partial [0, channels) is sum(dy), [channels, 2 channels) sum(dy * (x - mean)).
    let sums = outputGradient.withUnsafeBufferPointer(as: Float.self) { dy in
        x.withUnsafeBufferPointer(as: Float.self) { xs in
            channelSums(rows: rest, width: 2 * channels, options: options, minimumChunk: minimum) { range, partial in
                ck_batchnorm_grad_sums_f64(dy.baseAddress, xs.baseAddress, mu, channels, range.lowerBound,
                                           range.upperBound, partial, partial + channels)
            }
        }
    }
    let sumDy = Array(sums[0..<channels]), sumDyXc = Array(sums[channels...])
    let count = Float(max(rest, 1))
    let meanDy = sumDy.map { Float($0) / count }, meanDyXc = sumDyXc.map { Float($0) / count }
    let dx = Tensor(shape: x.shape, of: Float.self, recycler: options.recycler) { out in
        guard let o = out.baseAddress else { return }
        outputGradient.withUnsafeBufferPointer(as: Float.self) { dy in
            x.withUnsafeBufferPointer(as: Float.self) { xs in
                forEachChunk(of: rest, options: options, minimumChunk: minimum) { range, _ in
                    ck_batchnorm_grad_dx_rows(dy.baseAddress, xs.baseAddress, mu, gamma, rsqrt, meanDy, meanDyXc,
                                              isTraining ? 1 : 0, channels, o, range.lowerBound, range.upperBound)
                }
            }
        }
    }
    let dScale = Tensor(shape: [channels], scalars: (0..<channels).map { Float(sumDyXc[$0]) * rsqrt[$0] })
    let dOffset = Tensor(shape: [channels], scalars: sumDy.map(Float.init))
    return (dx, dScale, dOffset)
}

// MARK: - Softmax cross-entropy (the loss ops, with their gradients)

/// `SoftmaxCrossEntropyWithLogits` (labels: a distribution per row) and
/// `SparseSoftmaxCrossEntropyWithLogits` (labels: class indices): per row `loss = Σ labels *
/// (log Σ exp(shifted) - shifted)` with `shifted = logits - max(logits)`, and the gradient with respect
/// to the logits `softmax(logits) - labels` (TF's kernel; for one-hot labels `softmax - onehot`).
///
/// - Parameters:
///   - logits: float32 `[batch, classes]`.
///   - labels: float32 `[batch, classes]`, or `nil` with `classIndices` (`batch` values in `0..<classes`).
/// - Returns: loss `[batch]` and backprop `[batch, classes]`.
public func softmaxCrossEntropy(
    logits: Tensor, labels: Tensor?, classIndices: [Int]? = nil
) throws -> (loss: Tensor, backprop: Tensor) {
    guard logits.elementType == .float32, logits.shape.rank == 2 else {
        throw KernelError.rank(operand: "features", expected: "2 ([batch, classes]) float32", found: logits.shape.rank)
    }
    let (batch, classes) = (logits.shape[0], logits.shape[1])
    if let labels { try checkShape(labels, logits.shape, "labels") }
    if let classIndices {
        guard classIndices.count == batch else {
            throw KernelError.parameter(name: "labels", expected: "\(batch) class indices", found: "\(classIndices.count)")
        }
        if let bad = classIndices.firstIndex(where: { $0 < 0 || $0 >= classes }) {
            throw KernelError.parameter(
                name: "labels[\(bad)]", expected: "a class index in [0, \(classes))", found: "\(classIndices[bad])")
        }
    }
    let z = logits.scalars(as: Float.self)
    let y = labels?.scalars(as: Float.self)
    var loss = [Float](repeating: 0, count: batch)
    var backprop = [Float](repeating: 0, count: batch * classes)
    for row in 0..<batch {
        let base = row * classes
        let top = z[base..<(base + classes)].max() ?? 0
        var sum: Float = 0
        for k in 0..<classes { sum += (z[base + k] - top).exp() }
        let logSum = sum.log()
        for k in 0..<classes {
            let label = y.map { $0[base + k] } ?? (classIndices![row] == k ? 1 : 0)
            // Sparse labels pick one term (a -Inf logit elsewhere does not meet a 0 label: 0 x Inf is NaN).
            if y != nil || label == 1 { loss[row] += label * (logSum - (z[base + k] - top)) }
            backprop[base + k] = (z[base + k] - top).exp() / sum - label
        }
    }
    return (Tensor(shape: [batch], scalars: loss), Tensor(shape: [batch, classes], scalars: backprop))
}

private extension Float {
    func exp() -> Float { Float(Foundation.exp(Double(self))) }
    func log() -> Float { Float(Foundation.log(Double(self))) }
}
