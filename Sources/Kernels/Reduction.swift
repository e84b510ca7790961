import CKernels
import Tensors

/// Reductions over a set of axes (TensorFlow Sum, Mean, Max).
public enum ReductionOperation: String, Sendable, Hashable, CaseIterable {
    /// Sum; 0 over an empty set.
    case sum
    /// Mean; integer means truncate toward zero; NaN (float) or 0 (integer) over an empty set.
    case mean
    /// Maximum; the lowest value of the type (-inf for floats) over an empty set.
    case max
}

/// Normalises reduction `axes` (negative values count from the end) for a tensor of `rank`.
public func normalizedAxes(_ axes: [Int], rank: Int) throws -> Set<Int> {
    var result = Set<Int>()
    for axis in axes {
        guard axis >= -Swift.max(rank, 1), axis < Swift.max(rank, 1) else {
            throw KernelError.parameter(name: "axis", expected: "in [-\(rank), \(rank))", found: "\(axis)")
        }
        result.insert(axis < 0 ? axis + rank : axis)
    }
    return result.filter { $0 < rank }
}

/// The shape `x` reduces to over `axes` (already normalised).
public func reducedShape(_ shape: Shape, axes: Set<Int>, keepDims: Bool) -> Shape {
    var dims: [Int] = []
    for (i, d) in shape.dimensions.enumerated() {
        if axes.contains(i) { if keepDims { dims.append(1) } } else { dims.append(d) }
    }
    return Shape(dims)
}

/// Reduces `x` over `axes` (negative allowed, duplicates ignored); float32, float64, int32 or int64.
public func reduce(_ operation: ReductionOperation, _ x: Tensor, axes: [Int], keepDims: Bool = false) throws -> Tensor {
    let axisSet = try normalizedAxes(axes, rank: x.shape.rank)
    if x.elementType == .float32, let view = middleAxisView(x.shape, axisSet) {
        return float32Reduce(operation, x, view, reducedShape(x.shape, axes: axisSet, keepDims: keepDims))
    }
    switch x.elementType {
    case .float32: return reduceTyped(operation, x, axisSet, keepDims, Float.self, divide: { $0 / Float($1) })
    case .float64: return reduceTyped(operation, x, axisSet, keepDims, Double.self, divide: { $0 / Double($1) })
    case .int32: return reduceTyped(operation, x, axisSet, keepDims, Int32.self, divide: { $1 == 0 ? 0 : $0 / Int32(truncatingIfNeeded: $1) })
    case .int64: return reduceTyped(operation, x, axisSet, keepDims, Int64.self, divide: { $1 == 0 ? 0 : $0 / Int64($1) })
    default:
        throw KernelError.elementType(operand: "input", expected: "float32, float64, int32 or int64", found: x.elementType)
    }
}

// MARK: - float32 over one contiguous block of axes

/// `(outer, reduce, inner)` when the reduced axes (ignoring size-1 axes) are adjacent.
private func middleAxisView(_ shape: Shape, _ axes: Set<Int>) -> (outer: Int, reduce: Int, inner: Int)? {
    let significant = (0..<shape.rank).filter { axes.contains($0) && shape[$0] != 1 }
    guard let first = significant.first, let last = significant.last else {
        return (shape.elementCount, 1, 1)  // nothing of size > 1 is reduced
    }
    for axis in first...last where !axes.contains(axis) && shape[axis] != 1 { return nil }
    let outer = (0..<first).reduce(1) { $0 * shape[$1] }
    let reduce = (first...last).reduce(1) { $0 * shape[$1] }
    let inner = ((last + 1)..<shape.rank).reduce(1) { $0 * shape[$1] }
    return (outer, reduce, inner)
}

private func float32Reduce(
    _ op: ReductionOperation, _ x: Tensor, _ view: (outer: Int, reduce: Int, inner: Int), _ outShape: Shape
) -> Tensor {
    Tensor(shape: outShape, of: Float.self) { out in
        guard let o = out.baseAddress, out.count > 0 else { return }
        x.withUnsafeBufferPointer(as: Float.self) { src in
            guard let s = src.baseAddress else { return }
            let code = op == .max ? CK_REDUCE_MAX : CK_REDUCE_SUM
            ck_reduce_f32(Int32(code.rawValue), s, view.outer, view.reduce, view.inner, o)
        }
        if op == .mean {
            let divisor = Float(view.reduce)
            for i in 0..<out.count { out[i] /= divisor }
        }
    }
}

private protocol ReductionScalar: TensorScalar, Comparable {
    static var zero: Self { get }
    static var lowest: Self { get }
    static func accumulate(_ a: Self, _ b: Self) -> Self
}

extension Float: ReductionScalar {
    static var lowest: Float { -.infinity }
    static func accumulate(_ a: Float, _ b: Float) -> Float { a + b }
}
extension Double: ReductionScalar {
    static var lowest: Double { -.infinity }
    static func accumulate(_ a: Double, _ b: Double) -> Double { a + b }
}
extension Int32: ReductionScalar {
    static var lowest: Int32 { .min }
    static func accumulate(_ a: Int32, _ b: Int32) -> Int32 { a &+ b }
}
extension Int64: ReductionScalar {
    static var lowest: Int64 { .min }
    static func accumulate(_ a: Int64, _ b: Int64) -> Int64 { a &+ b }
}

private func reduceTyped<T: ReductionScalar>(
    _ op: ReductionOperation, _ x: Tensor, _ axes: Set<Int>, _ keepDims: Bool, _: T.Type, divide: (T, Int) -> T
) -> Tensor {
    let shape = x.shape
    let outShape = reducedShape(shape, axes: axes, keepDims: keepDims)
    let keptStrides = reducedShape(shape, axes: axes, keepDims: true).strides
    // Output stride per input axis: 0 for reduced axes.
    let outStrides = (0..<shape.rank).map { axes.contains($0) ? 0 : keptStrides[$0] }
    let reducedCount = axes.reduce(1) { $0 * shape[$1] }
    let initial: T = op == .max ? T.lowest : T.zero
    return Tensor(shape: outShape, of: T.self) { out in
        for i in 0..<out.count { out[i] = initial }
        x.withUnsafeBufferPointer(as: T.self) { src in
            guard src.count > 0 else { return }
            let rank = shape.rank
            var index = [Int](repeating: 0, count: rank)
            var offset = 0
            let inner = rank > 0 ? shape[rank - 1] : 1
            let innerStride = rank > 0 ? outStrides[rank - 1] : 0
            var position = 0
            while position < src.count {
                if op == .max {
                    for i in 0..<inner { let v = src[position + i]; if v > out[offset + i * innerStride] || v != v { out[offset + i * innerStride] = v } }
                } else {
                    for i in 0..<inner { out[offset + i * innerStride] = T.accumulate(out[offset + i * innerStride], src[position + i]) }
                }
                position += inner
                var axis = rank - 2
                while axis >= 0 {
                    index[axis] += 1
                    offset += outStrides[axis]
                    if index[axis] < shape[axis] { break }
                    offset -= outStrides[axis] * shape[axis]
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
        if op == .mean { for i in 0..<out.count { out[i] = divide(out[i], reducedCount) } }
    }
}
