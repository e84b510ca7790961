import Foundation

/// The learning rate as a function of the global step (the number of steps already applied).
public enum LearningRateSchedule: Sendable, Hashable {
    case constant(Float)
    /// `tf.compat.v1.train.exponential_decay`: `initial * rate ^ (step / decaySteps)`, the exponent
    /// floored when `staircase`; float32 arithmetic as TensorFlow's graph.
    case exponentialDecay(initial: Float, decaySteps: Int, rate: Float, staircase: Bool = false)

    /// The learning rate of the step that runs when `step` steps have been applied.
    public func rate(atStep step: Int) -> Float {
        switch self {
        case .constant(let value):
            return value
        case .exponentialDecay(let initial, let decaySteps, let rate, let staircase):
            var exponent = Float(step) / Float(decaySteps)
            if staircase { exponent = exponent.rounded(.down) }
            return initial * powf(rate, exponent)
        }
    }
}
