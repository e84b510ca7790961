import Kernels
import Tensors

/// An optimizer's slots for a set of variables, and the update that moves a variable one step.
///
/// Slots are keyed by TF1's checkpoint names (`<variable>/Momentum`, `<variable>/Adam_1`, ...;
/// `beta1_power`, `beta2_power` for Adam), so a state can be compared with, or saved as, TensorFlow's.
public struct OptimizerState: Sendable {
    public let optimizer: Optimizer
    /// Slot values by checkpoint name.
    public private(set) var slots: [String: Tensor] = [:]
    /// Adam's `beta1 ^ t`, `beta2 ^ t` for the next step `t` (float32 products, as TF's variables).
    public private(set) var betaPowers: (beta1: Float, beta2: Float) = (1, 1)

    /// Empty slots for `variables` (name and shape), at TF1's initial values.
    public init(optimizer: Optimizer, variables: [(name: String, shape: Shape)]) {
        self.optimizer = optimizer
        for (name, shape) in variables {
            for slot in optimizer.slotNames {
                let value = optimizer.initialSlotValue(slot)
                slots["\(name)/\(slot)"] = Tensor(shape: shape, of: Float.self) { $0.initialize(repeating: value) }
            }
        }
        if case .adam(let beta1, let beta2, _) = optimizer { betaPowers = (beta1, beta2) }
    }

    /// The checkpoint entries of the state: every slot, plus `beta1_power`/`beta2_power` for Adam.
    public var checkpointEntries: [String: Tensor] {
        guard case .adam = optimizer else { return slots }
        return slots.merging(["beta1_power": Tensor(betaPowers.beta1), "beta2_power": Tensor(betaPowers.beta2)]) { a, _ in a }
    }

    /// Moves variable `name` one step along `gradient`, updating its slots.
    public mutating func apply(
        to variable: Tensor, named name: String, gradient: Tensor, learningRate: Float
    ) throws -> Tensor {
        func slot(_ suffix: String) throws -> Tensor {
            guard let value = slots["\(name)/\(suffix)"] else { throw TrainingError.noSlot(variable: name, slot: suffix) }
            return value
        }
        switch optimizer {
        case .gradientDescent:
            return try OptimizerUpdate.gradientDescent(variable: variable, gradient: gradient, learningRate: learningRate)
        case .momentum(let momentum, let nesterov):
            let result = try OptimizerUpdate.momentum(
                variable: variable, accumulator: try slot("Momentum"), gradient: gradient, learningRate: learningRate,
                momentum: momentum, nesterov: nesterov)
            slots["\(name)/Momentum"] = result.accumulator
            return result.variable
        case .adam(let beta1, let beta2, let epsilon):
            let result = try OptimizerUpdate.adam(
                variable: variable, m: try slot("Adam"), v: try slot("Adam_1"), gradient: gradient,
                learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                beta1Power: betaPowers.beta1, beta2Power: betaPowers.beta2)
            slots["\(name)/Adam"] = result.m
            slots["\(name)/Adam_1"] = result.v
            return result.variable
        case .rmsProp(let decay, let momentum, let epsilon):
            let result = try OptimizerUpdate.rmsProp(
                variable: variable, meanSquare: try slot("RMSProp"), moment: try slot("RMSProp_1"), gradient: gradient,
                learningRate: learningRate, decay: decay, momentum: momentum, epsilon: epsilon)
            slots["\(name)/RMSProp"] = result.meanSquare
            slots["\(name)/RMSProp_1"] = result.moment
            return result.variable
        }
    }

    /// Ends a step once every variable was updated (Adam's `_finish`: the beta powers advance).
    public mutating func finishStep() {
        if case .adam(let beta1, let beta2, _) = optimizer {
            betaPowers = (betaPowers.beta1 * beta1, betaPowers.beta2 * beta2)
        }
    }
}
