/// An optimizer with TF1's update rules (`tf.compat.v1.train.*Optimizer`, kernels of `training_ops.cc`).
///
/// Slots (per trainable variable) are named as TF1 names them in a checkpoint, `<variable>/<slot>`:
/// `Momentum`; `Adam` (m) and `Adam_1` (v); `RMSProp` (mean square, starts at ones) and `RMSProp_1`
/// (moment). Adam also keeps `beta1_power` and `beta2_power`.
public enum Optimizer: Sendable, Hashable {
    /// `GradientDescentOptimizer`: `variable -= learningRate * gradient`.
    case gradientDescent
    /// `MomentumOptimizer(momentum:use_nesterov:)`.
    case momentum(Float = 0.9, nesterov: Bool = false)
    /// `AdamOptimizer(beta1:beta2:epsilon:)`.
    case adam(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8)
    /// `RMSPropOptimizer(decay:momentum:epsilon:)` (not centered).
    case rmsProp(decay: Float = 0.9, momentum: Float = 0, epsilon: Float = 1e-10)

    /// TF1's slot names, in the order `OptimizerState` keeps them.
    public var slotNames: [String] {
        switch self {
        case .gradientDescent: return []
        case .momentum: return ["Momentum"]
        case .adam: return ["Adam", "Adam_1"]
        case .rmsProp: return ["RMSProp", "RMSProp_1"]
        }
    }

    /// The value a slot starts at: ones for RMSProp's mean square, zeros for every other slot.
    func initialSlotValue(_ slot: String) -> Float {
        if case .rmsProp = self, slot == "RMSProp" { return 1 }
        return 0
    }
}
