/// Why a graph could not be differentiated.
public enum GradientError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Ops on the path from the targets to the loss that have no gradient rule, all of them at once.
    case noGradient([(op: String, node: String)])
    /// The loss is not a float32 tensor the planner can type.
    case badLoss(tensor: String, reason: String)
    /// A target is neither a tensor of the graph nor a variable node.
    case badTarget(name: String, reason: String)

    public var description: String {
        switch self {
        case .noGradient(let ops):
            let byOp = Dictionary(grouping: ops, by: \.op).sorted { $0.key < $1.key }
            return "no gradient for " + byOp.map { op, nodes in
                "\(op) (\(nodes.count) node\(nodes.count == 1 ? "" : "s"), e.g. '\(nodes[0].node)')"
            }.joined(separator: ", ")
        case .badLoss(let tensor, let reason): return "loss '\(tensor)': \(reason)"
        case .badTarget(let name, let reason): return "target '\(name)': \(reason)"
        }
    }

    public static func == (a: GradientError, b: GradientError) -> Bool { a.description == b.description }
}
