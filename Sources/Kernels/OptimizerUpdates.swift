import Tensors

/// One optimizer update of a float32 variable, with TensorFlow's CPU formulas (`training_ops.cc`:
/// `ApplyGradientDescent`, `ApplyMomentum`, `ApplyAdam`, `ApplyRMSProp`), evaluated in float32 in the
/// same order. Each returns new tensors (the variable and its slots after the update); every operand
/// has the variable's shape, hyperparameters are scalars.
public enum OptimizerUpdate {
    /// `variable - gradient * learningRate`.
    public static func gradientDescent(variable: Tensor, gradient: Tensor, learningRate: Float) throws -> Tensor {
        try check(variable, ["gradient": gradient])
        return map(variable, gradient) { v, g in v - g * learningRate }
    }

    /// `accumulator = accumulator * momentum + gradient`, then `variable - accumulator * learningRate`
    /// (Nesterov: `variable - (gradient * learningRate + accumulator * momentum * learningRate)`).
    public static func momentum(
        variable: Tensor, accumulator: Tensor, gradient: Tensor, learningRate: Float, momentum: Float,
        nesterov: Bool = false
    ) throws -> (variable: Tensor, accumulator: Tensor) {
        try check(variable, ["accumulator": accumulator, "gradient": gradient])
        let accumulated = map(accumulator, gradient) { a, g in a * momentum + g }
        let updated = map(variable, accumulated, gradient) { v, a, g in
            nesterov ? v - (g * learningRate + a * momentum * learningRate) : v - a * learningRate
        }
        return (updated, accumulated)
    }

    /// Adam with bias correction in the step size, as TF1's `AdamOptimizer`:
    /// `alpha = learningRate * sqrt(1 - beta2Power) / (1 - beta1Power)`,
    /// `m += (g - m) * (1 - beta1)`, `v += (g * g - v) * (1 - beta2)`,
    /// `variable -= m * alpha / (sqrt(v) + epsilon)`. `beta1Power` and `beta2Power` are `beta^t` for
    /// step `t` counted from 1 (TF keeps them as float32 variables multiplied by beta after each step).
    public static func adam(
        variable: Tensor, m: Tensor, v: Tensor, gradient: Tensor, learningRate: Float, beta1: Float, beta2: Float,
        epsilon: Float, beta1Power: Float, beta2Power: Float
    ) throws -> (variable: Tensor, m: Tensor, v: Tensor) {
        try check(variable, ["m": m, "v": v, "gradient": gradient])
        let alpha = learningRate * (1 - beta2Power).squareRoot() / (1 - beta1Power)
        let newM = map(m, gradient) { m, g in m + (g - m) * (1 - beta1) }
        let newV = map(v, gradient) { v, g in v + (g * g - v) * (1 - beta2) }
        let updated = map(variable, newM, newV) { x, m, v in x - (m * alpha) / (v.squareRoot() + epsilon) }
        return (updated, newM, newV)
    }

    /// RMSProp as TF1's `RMSPropOptimizer` (not centered):
    /// `meanSquare += (g * g - meanSquare) * (1 - decay)`,
    /// `moment = moment * momentum + g * learningRate / sqrt(meanSquare + epsilon)`, `variable -= moment`.
    /// TF starts `meanSquare` at ones and `moment` at zeros.
    public static func rmsProp(
        variable: Tensor, meanSquare: Tensor, moment: Tensor, gradient: Tensor, learningRate: Float, decay: Float,
        momentum: Float, epsilon: Float
    ) throws -> (variable: Tensor, meanSquare: Tensor, moment: Tensor) {
        try check(variable, ["meanSquare": meanSquare, "moment": moment, "gradient": gradient])
        let newMeanSquare = map(meanSquare, gradient) { ms, g in ms + (g * g - ms) * (1 - decay) }
        let newMoment = map(moment, gradient, newMeanSquare) { mom, g, ms in
            mom * momentum + (g * learningRate) / (ms + epsilon).squareRoot()
        }
        let updated = map(variable, newMoment) { v, mom in v - mom }
        return (updated, newMeanSquare, newMoment)
    }

    // MARK: - Element loops

    private static func check(_ variable: Tensor, _ operands: KeyValuePairs<String, Tensor>) throws {
        try requireFloat32(variable, "variable")
        for (name, operand) in operands {
            try requireFloat32(operand, name)
            guard operand.shape == variable.shape else {
                throw KernelError.parameter(name: "\(name) shape", expected: "\(variable.shape) (the variable's)",
                                            found: "\(operand.shape)")
            }
        }
    }

    private static func map(_ a: Tensor, _ b: Tensor, _ body: (Float, Float) -> Float) -> Tensor {
        Tensor(shape: a.shape, of: Float.self) { out in
            a.withUnsafeBufferPointer(as: Float.self) { a in
                b.withUnsafeBufferPointer(as: Float.self) { b in
                    for i in 0..<out.count { out[i] = body(a[i], b[i]) }
                }
            }
        }
    }

    private static func map(_ a: Tensor, _ b: Tensor, _ c: Tensor, _ body: (Float, Float, Float) -> Float) -> Tensor {
        Tensor(shape: a.shape, of: Float.self) { out in
            a.withUnsafeBufferPointer(as: Float.self) { a in
                b.withUnsafeBufferPointer(as: Float.self) { b in
                    c.withUnsafeBufferPointer(as: Float.self) { c in
                        for i in 0..<out.count { out[i] = body(a[i], b[i], c[i]) }
                    }
                }
            }
        }
    }
}
