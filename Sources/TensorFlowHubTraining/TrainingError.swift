/// Why fine-tuning cannot start or continue. Each case names the module, option or tensor at fault.
public enum TrainingError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Training the body needs the module's `{"train"}` graph variant.
    case noTrainingGraph(module: String, available: [[String]])
    /// An option out of range: its name, what was expected and what was given.
    case badOption(name: String, expected: String, found: String)
    /// A batch whose images or labels do not match the planned step.
    case badBatch(reason: String)
    /// The head's node names are already taken by the module's graph.
    case nameClash(node: String)
    /// The optimizer has no slot for this variable (it was not among the trained variables).
    case noSlot(variable: String, slot: String)
    /// A variable the step updates has no value or a value of another type.
    case badVariable(name: String, reason: String)

    public var description: String {
        switch self {
        case .noTrainingGraph(let module, let available):
            let sets = available.map { "{" + $0.map { "\"\($0)\"" }.joined(separator: ", ") + "}" }.joined(separator: ", ")
            return "module \(module) has no {\"train\"} graph (tag sets: \(sets)); train only the head (--head-only) instead"
        case .badOption(let name, let expected, let found):
            return "option \(name): expected \(expected), found \(found)"
        case .badBatch(let reason):
            return "bad training batch: \(reason)"
        case .nameClash(let node):
            return "the module's graph already has a node '\(node)', which the classifier head would add"
        case .noSlot(let variable, let slot):
            return "optimizer slot '\(slot)' of variable '\(variable)' does not exist (the variable is not trained)"
        case .badVariable(let name, let reason):
            return "variable '\(name)': \(reason)"
        }
    }
}
