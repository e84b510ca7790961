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
