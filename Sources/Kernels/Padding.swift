import Tensors

/// Padding of a sliding window, with TensorFlow's arithmetic.
public enum Padding: Sendable, Hashable {
    /// Output size `ceil(in / stride)`; the missing cells are split with the smaller half before.
    case same
    /// No padding; output size `floor((in - window) / stride) + 1`.
    case valid
    /// Cells added before and after each spatial axis: `(top, bottom, left, right)`.
    case explicit(top: Int, bottom: Int, left: Int, right: Int)
}

/// Output size and leading padding along one spatial axis.
public struct WindowAxis: Sendable, Hashable {
    public let outputSize: Int
    public let padBefore: Int

    /// TensorFlow's `GetWindowedOutputSizeVerbose`: `effective = (window - 1) * dilation + 1`.
    /// SAME: `out = ceil(in / stride)`, `pad_total = max((out - 1) * stride + effective - in, 0)`,
    /// `pad_before = pad_total / 2`. VALID and EXPLICIT: `out = (in + pads - effective + stride) / stride`,
    /// an error if negative.
    public init(
        axis: String, input: Int, window: Int, stride: Int, dilation: Int = 1,
        padding: Padding, explicitBefore: Int = 0, explicitAfter: Int = 0
    ) throws {
        guard stride >= 1 else { throw KernelError.parameter(name: "\(axis) stride", expected: ">= 1", found: "\(stride)") }
        guard dilation >= 1 else {
            throw KernelError.parameter(name: "\(axis) dilation", expected: ">= 1", found: "\(dilation)")
        }
        guard window >= 1 else { throw KernelError.parameter(name: "\(axis) window", expected: ">= 1", found: "\(window)") }
        guard input >= 0, input < 1 << 40, window < 1 << 30, stride < 1 << 30, dilation < 1 << 30 else {
            throw KernelError.parameter(name: "\(axis) size", expected: "< 2^40", found: "\(input)")
        }
        let effective = (window - 1) * dilation + 1
        switch padding {
        case .same:
            let out = (input + stride - 1) / stride
            let total = max((out - 1) * stride + effective - input, 0)
            outputSize = out
            padBefore = total / 2
        case .valid, .explicit:
            let before = padding == .valid ? 0 : explicitBefore
            let after = padding == .valid ? 0 : explicitAfter
            guard before >= 0, after >= 0, before < 1 << 30, after < 1 << 30 else {
                throw KernelError.parameter(name: "\(axis) padding", expected: "in 0..<2^30", found: "(\(before), \(after))")
            }
            let out = (input + before + after - effective + stride) / stride
            // Integer division truncates toward zero as in C++, so only a quotient below zero is refused.
            guard out >= 0 else {
                throw KernelError.negativeOutputSize(axis: axis, input: input, window: effective, stride: stride)
            }
            outputSize = out
            padBefore = before
        }
    }
}

extension Padding {
    var explicitPads: (top: Int, bottom: Int, left: Int, right: Int) {
        if case let .explicit(t, b, l, r) = self { return (t, b, l, r) }
        return (0, 0, 0, 0)
    }
}

/// A ReLU-style clamp fused into a kernel's output.
public enum FusedActivation: Sendable, Hashable {
    case none, relu, relu6

    var bounds: (lo: Float, hi: Float) {
        switch self {
        case .none: return (-.infinity, .infinity)
        case .relu: return (0, .infinity)
        case .relu6: return (0, 6)
        }
    }

    /// The activation of one value as the fused kernels apply it (`CK_CLAMP1`): clamped to `bounds`, a NaN
    /// becomes the lower bound (oneDNN's `maxps(x, lo)`); without an activation the value passes unchanged.
    @inline(__always)
    func apply(_ value: Float) -> Float {
        if self == .none { return value }
        let (lo, hi) = bounds
        return value > lo ? (value < hi ? value : hi) : lo
    }
}
