import CKernels
import Foundation
import Tensors

/// Element-wise unary operations (TensorFlow Relu, Relu6, Rsqrt, Sqrt, Square, Floor).
public enum UnaryOperation: String, Sendable, Hashable, CaseIterable {
    case relu, relu6, rsqrt, sqrt, square, floor

    /// float32 and float64 for all; int32 and int64 for relu, relu6 and square.
    public func supports(_ type: ElementType) -> Bool {
        switch type {
        case .float32, .float64: return true
        case .int32, .int64: return self == .relu || self == .relu6 || self == .square
        default: return false
        }
    }
}

/// Applies `operation` to every element.
public func unary(_ operation: UnaryOperation, _ x: Tensor, options: KernelOptions = .singleThreaded) throws -> Tensor {
    guard operation.supports(x.elementType) else {
        throw KernelError.elementType(operand: "x", expected: "a type \(operation.rawValue) supports", found: x.elementType)
    }
    switch x.elementType {
    case .float32: return float32Unary(operation, x, options)
    case .float64: return floatUnary(operation, x, Double.self)
    case .int32: return integerUnary(operation, x, Int32.self)
    default: return integerUnary(operation, x, Int64.self)
    }
}

private func float32Unary(_ op: UnaryOperation, _ x: Tensor, _ options: KernelOptions) -> Tensor {
    Tensor(shape: x.shape, of: Float.self, recycler: options.recycler) { out in
        guard let o = out.baseAddress else { return }
        float32Unary(op, x, into: o, options)
    }
}

/// `operation` of every element of a float32 tensor, written into `output` (`x`'s shape) instead of a new tensor.
public func unary(
    _ operation: UnaryOperation, _ x: Tensor, into output: UnsafeMutablePointer<Float>,
    options: KernelOptions = .singleThreaded
) throws {
    try requireFloat32(x, "x")
    float32Unary(operation, x, into: output, options)
}

private func float32Unary(_ op: UnaryOperation, _ x: Tensor, into o: UnsafeMutablePointer<Float>, _ options: KernelOptions) {
    let code: ck_unary_op
    switch op {
    case .relu: code = CK_RELU
    case .relu6: code = CK_RELU6
    case .rsqrt: code = CK_RSQRT
    case .sqrt: code = CK_SQRT
    case .square: code = CK_SQUARE
    case .floor: code = CK_FLOOR
    }
    x.withUnsafeBufferPointer(as: Float.self) { src in
        guard let s = src.baseAddress else { return }
        forEachChunk(of: src.count, options: options, minimumChunk: parallelElementThreshold) { range, _ in
            ck_unary_f32(Int32(code.rawValue), s + range.lowerBound, o + range.lowerBound, range.count)
        }
    }
}

private func floatUnary<T: BinaryFloatingPoint & TensorScalar>(_ op: UnaryOperation, _ x: Tensor, _: T.Type) -> Tensor {
    switch op {
    // NaN passes through Relu and Relu6 as in Eigen's max/min.
    case .relu: return map(x, T.self) { $0 < 0 ? 0 : $0 }
    case .relu6: return map(x, T.self) { $0 < 0 ? 0 : ($0 > 6 ? 6 : $0) }
    case .rsqrt: return map(x, T.self) { 1 / $0.squareRoot() }
    case .sqrt: return map(x, T.self) { $0.squareRoot() }
    case .square: return map(x, T.self) { $0 * $0 }
    case .floor: return map(x, T.self) { $0.rounded(.down) }
    }
}

private func integerUnary<T: FixedWidthInteger & TensorScalar>(_ op: UnaryOperation, _ x: Tensor, _: T.Type) -> Tensor {
    switch op {
    case .relu: return map(x, T.self) { Swift.max($0, 0) }
    case .relu6: return map(x, T.self) { Swift.min(Swift.max($0, 0), 6) }
    default: return map(x, T.self) { $0 &* $0 }
    }
}

@inline(__always)
private func map<T: TensorScalar>(_ x: Tensor, _: T.Type, _ f: (T) -> T) -> Tensor {
    Tensor(shape: x.shape, of: T.self) { out in
        x.withUnsafeBufferPointer(as: T.self) { src in
            for i in 0..<src.count { out[i] = f(src[i]) }
        }
    }
}

// MARK: - BiasAdd and AddN

/// BiasAdd (NHWC): `x (..., channels) + bias (channels)`; x of rank >= 2, float32.
public func biasAdd(_ x: Tensor, bias: Tensor, options: KernelOptions = .singleThreaded) throws -> Tensor {
    try requireFloat32(x, "value")
    guard x.shape.rank >= 2 else { throw KernelError.rank(operand: "value", expected: ">= 2", found: x.shape.rank) }
    try checkBias(bias, channels: x.shape[x.shape.rank - 1])
    return try binary(.add, x, bias, options: options)
}

/// AddN: the element-wise sum of one or more tensors of equal shape and type, added in order.
public func addN(_ inputs: [Tensor], options: KernelOptions = .singleThreaded) throws -> Tensor {
    guard let first = inputs.first else { throw KernelError.parameter(name: "inputs", expected: "at least one", found: "none") }
    for (i, t) in inputs.enumerated() {
        guard t.shape == first.shape else {
            throw KernelError.parameter(name: "inputs[\(i)] shape", expected: "\(first.shape)", found: "\(t.shape)")
        }
    }
    var sum = first
    for t in inputs.dropFirst() { sum = try binary(.add, sum, t, options: options) }
    if inputs.count == 1 { _ = try binary(.add, first, first) }  // type check only
    return sum
}

// MARK: - Softmax

/// Softmax over the last axis of a float32 tensor of rank >= 1: `exp(x - max) / sum(exp(x - max))`.
///
/// Non-finite logits as TensorFlow's CPU kernel (oneDNN) computes them: the row maximum skips NaN, and
/// the exponential of a NaN difference (a NaN logit, `Inf - Inf`, `-Inf - -Inf`) is +Inf, so such a row
/// is NaN at those positions and 0 elsewhere.
public func softmax(_ logits: Tensor) throws -> Tensor {
    try mapRows(logits) { x, out, m in
        var sum: Float = 0
        for i in x.indices {
            let d = x[i] - m
            let e = d.isNaN ? Float.infinity : Foundation.exp(d)
            out[i] = e
            sum += e
        }
        for i in out.indices { out[i] /= sum }
    }
}

/// Log-softmax over the last axis of a float32 tensor of rank >= 1, as TensorFlow's CPU kernel
/// (`softmax_op_functor.h`): `shifted - log(sum(exp(shifted)))` with `shifted = x - max(x)`.
public func logSoftmax(_ logits: Tensor) throws -> Tensor {
    try mapRows(logits) { x, out, m in
        var sum: Float = 0
        for i in x.indices {
            out[i] = x[i] - m
            sum += Foundation.exp(out[i])
        }
        let logSum = Foundation.log(sum)
        for i in out.indices { out[i] -= logSum }
    }
}

/// A float32 tensor of rank >= 1 of `logits`' shape, each last-axis row written by `row(input row,
/// output row, row maximum)`; the maximum skips NaN (`-Inf` for a row of NaN or an empty row).
private func mapRows(
    _ logits: Tensor, _ row: (Slice<UnsafeBufferPointer<Float>>, inout Slice<UnsafeMutableBufferPointer<Float>>, Float) -> Void
) throws -> Tensor {
    try requireFloat32(logits, "logits")
    guard logits.shape.rank >= 1 else { throw KernelError.rank(operand: "logits", expected: ">= 1", found: 0) }
    let depth = logits.shape[logits.shape.rank - 1]
    let rows = depth == 0 ? 0 : logits.elementCount / depth
    return Tensor(shape: logits.shape, of: Float.self) { out in
        logits.withUnsafeBufferPointer(as: Float.self) { x in
            for r in 0..<rows {
                let input = x[(r * depth)..<(r * depth + depth)]
                var m = -Float.infinity
                for v in input where v > m { m = v }
                var output = out[(r * depth)..<(r * depth + depth)]
                row(input, &output, m)
            }
        }
    }
}
