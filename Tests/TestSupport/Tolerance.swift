import Tensors

/// max |actual - expected| / max |expected|: the error relative to the scale of the reference
/// (TensorFlow's output). Infinite when the element counts differ.
public func relativeError(_ actual: Tensor, _ expected: Tensor) -> Float {
    let a = actual.scalars(as: Float.self), e = expected.scalars(as: Float.self)
    guard a.count == e.count else { return .infinity }
    let scale = max(e.map(abs).max() ?? 0, 1e-30)
    return zip(a, e).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
}

/// max |a - b| over two float32 tensors; infinite when the element counts differ.
public func maxAbsDifference(_ a: Tensor, _ b: Tensor) -> Float {
    let x = a.scalars(as: Float.self), y = b.scalars(as: Float.self)
    guard x.count == y.count else { return .infinity }
    return zip(x, y).map { abs($0 - $1) }.max() ?? 0
}

/// How a float32 result with NaN and infinities compares with TF's: positions where exactly one of
/// them is NaN, positions where they hold different infinities (or one is infinite and the other is
/// not), and the error of the finite positions relative to the largest finite |expected|.
public struct NonFiniteComparison: CustomStringConvertible, Sendable {
    public let nanMismatches: Int
    public let infinityMismatches: Int
    public let finiteRelativeError: Float
    public let expectedNaNs: Int

    public init(_ actual: Tensor, _ expected: Tensor) {
        let a = actual.scalars(as: Float.self), e = expected.scalars(as: Float.self)
        var nan = a.count == e.count ? 0 : Swift.max(a.count, e.count), infinity = 0
        var worst: Float = 0
        let scale = Swift.max(e.filter(\.isFinite).map(abs).max() ?? 0, 1e-30)
        for (x, y) in zip(a, e) {
            if x.isNaN != y.isNaN {
                nan += 1
            } else if !y.isNaN && (x.isInfinite || y.isInfinite) {
                if x != y { infinity += 1 }
            } else if y.isFinite {
                worst = Swift.max(worst, abs(x - y) / scale)
            }
        }
        nanMismatches = nan
        infinityMismatches = infinity
        finiteRelativeError = worst
        expectedNaNs = e.filter(\.isNaN).count
    }

    public var description: String {
        "\(nanMismatches) NaN positions differ (TF has \(expectedNaNs) NaN), \(infinityMismatches) infinities differ, "
            + "finite error \(finiteRelativeError) of TF's scale"
    }
}
