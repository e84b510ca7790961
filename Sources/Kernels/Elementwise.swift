import CKernels
import Tensors

/// Element-wise binary operations with broadcasting (TensorFlow Add/AddV2, Sub, Mul, RealDiv, Maximum, Minimum).
public enum BinaryOperation: String, Sendable, Hashable, CaseIterable {
    case add, subtract, multiply, divide, maximum, minimum

    /// Element types this operation supports: float32 and float64 for all; int32 and int64 except `divide`
    /// (integer arithmetic wraps on overflow).
    public func supports(_ type: ElementType) -> Bool {
        switch type {
        case .float32, .float64: return true
        case .int32, .int64: return self != .divide
        default: return false
        }
    }
}

/// `a op b` with NumPy broadcasting; both operands must have the same element type.
public func binary(
    _ operation: BinaryOperation, _ a: Tensor, _ b: Tensor, options: KernelOptions = .singleThreaded
) throws -> Tensor {
    guard a.elementType == b.elementType else {
        throw KernelError.elementType(operand: "y", expected: "\(a.elementType) (type of x)", found: b.elementType)
    }
    guard operation.supports(a.elementType) else {
        throw KernelError.elementType(operand: "x", expected: "a type \(operation.rawValue) supports", found: a.elementType)
    }
    let shape = try broadcastShape(a.shape, b.shape)
    guard shape.checkedElementCount != nil else { throw KernelError.notBroadcastable(a.shape, b.shape) }
    switch a.elementType {
    case .float32: return float32Binary(operation, a, b, shape, options)
    case .float64: return floatBinary(operation, a, b, shape, Double.self)
    case .int32: return integerBinary(operation, a, b, shape, Int32.self)
    default: return integerBinary(operation, a, b, shape, Int64.self)
    }
}

// MARK: - Typed loops

/// Element-wise work is split over threads only in slices of at least this many elements.
let parallelElementThreshold = 128 * 1024

private func float32Binary(
    _ op: BinaryOperation, _ a: Tensor, _ b: Tensor, _ shape: Shape, _ options: KernelOptions
) -> Tensor {
    Tensor(shape: shape, of: Float.self, recycler: options.recycler) { out in
        guard let o = out.baseAddress else { return }
        float32Binary(op, a, b, shape, into: o, options)
    }
}

/// `a op b` of float32 tensors with NumPy broadcasting, written into `output` (the broadcast shape,
/// row-major) instead of a new tensor.
public func binary(
    _ operation: BinaryOperation, _ a: Tensor, _ b: Tensor, into output: UnsafeMutablePointer<Float>,
    options: KernelOptions = .singleThreaded
) throws {
    try requireFloat32(a, "x")
    try requireFloat32(b, "y")
    let shape = try broadcastShape(a.shape, b.shape)
    guard shape.checkedElementCount != nil else { throw KernelError.notBroadcastable(a.shape, b.shape) }
    float32Binary(operation, a, b, shape, into: output, options)
}

private func float32Binary(
    _ op: BinaryOperation, _ a: Tensor, _ b: Tensor, _ shape: Shape, into o: UnsafeMutablePointer<Float>,
    _ options: KernelOptions
) {
    let code: ck_binary_op
    switch op {
    case .add: code = CK_ADD
    case .subtract: code = CK_SUB
    case .multiply: code = CK_MUL
    case .divide: code = CK_DIV
    case .maximum: code = CK_MAX
    case .minimum: code = CK_MIN
    }
    let loops = BroadcastLoops(a.shape, b.shape, output: shape)
    a.withUnsafeBufferPointer(as: Float.self) { ab in
        b.withUnsafeBufferPointer(as: Float.self) { bb in
            guard let ap = ab.baseAddress, let bp = bb.baseAddress else { return }
            let minimum = max(1, parallelElementThreshold / max(1, loops.elementsPerSlice))
            forEachChunk(of: loops.sliceCount, options: options, minimumChunk: minimum) { slices, _ in
                loops.forEachRun(slices: slices) { offA, offB, offOut, count, sa, sb in
                    ck_binary_f32(Int32(code.rawValue), ap + offA, sa, bp + offB, sb, o + offOut, count)
                }
            }
        }
    }
}

private func floatBinary<T: BinaryFloatingPoint & TensorScalar>(
    _ op: BinaryOperation, _ a: Tensor, _ b: Tensor, _ shape: Shape, _: T.Type
) -> Tensor {
    switch op {
    case .add: return broadcastLoop(a, b, shape, T.self) { $0 + $1 }
    case .subtract: return broadcastLoop(a, b, shape, T.self) { $0 - $1 }
    case .multiply: return broadcastLoop(a, b, shape, T.self) { $0 * $1 }
    case .divide: return broadcastLoop(a, b, shape, T.self) { $0 / $1 }
    case .maximum: return broadcastLoop(a, b, shape, T.self) { $0.isNaN || $0 > $1 ? $0 : $1 }
    case .minimum: return broadcastLoop(a, b, shape, T.self) { $0.isNaN || $0 < $1 ? $0 : $1 }
    }
}

private func integerBinary<T: FixedWidthInteger & TensorScalar>(
    _ op: BinaryOperation, _ a: Tensor, _ b: Tensor, _ shape: Shape, _: T.Type
) -> Tensor {
    switch op {
    case .add: return broadcastLoop(a, b, shape, T.self) { $0 &+ $1 }
    case .subtract: return broadcastLoop(a, b, shape, T.self) { $0 &- $1 }
    case .multiply: return broadcastLoop(a, b, shape, T.self) { $0 &* $1 }
    case .maximum: return broadcastLoop(a, b, shape, T.self) { Swift.max($0, $1) }
    case .minimum: return broadcastLoop(a, b, shape, T.self) { Swift.min($0, $1) }
    case .divide: preconditionFailure("integer divide is refused by BinaryOperation.supports")
    }
}

@inline(__always)
private func broadcastLoop<T: TensorScalar>(
    _ a: Tensor, _ b: Tensor, _ shape: Shape, _: T.Type, _ f: (T, T) -> T
) -> Tensor {
    let loops = BroadcastLoops(a.shape, b.shape, output: shape)
    return Tensor(shape: shape, of: T.self) { out in
        guard let o = out.baseAddress else { return }
        a.withUnsafeBufferPointer(as: T.self) { ab in
            b.withUnsafeBufferPointer(as: T.self) { bb in
                guard let ap = ab.baseAddress, let bp = bb.baseAddress else { return }
                loops.forEachRun { offA, offB, offOut, count, sa, sb in
                    let x = ap + offA, y = bp + offB, z = o + offOut
                    if sa == 1 && sb == 1 {
                        for i in 0..<count { z[i] = f(x[i], y[i]) }
                    } else if sa == 1 && sb == 0 {
                        let v = y[0]
                        for i in 0..<count { z[i] = f(x[i], v) }
                    } else if sa == 0 && sb == 1 {
                        let v = x[0]
                        for i in 0..<count { z[i] = f(v, y[i]) }
                    } else {
                        for i in 0..<count { z[i] = f(x[i * sa], y[i * sb]) }
                    }
                }
            }
        }
    }
}
