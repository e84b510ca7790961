import Tensors

/// A graph that cannot be planned: every case names the node (and op) at fault and says what was
/// expected and what was found.
public enum PlanningError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Ops of the needed subgraph that have no implementation, all of them at once: `(op, node)` pairs,
    /// with the library function a node was inlined from.
    case unsupportedOps([UnsupportedOp])
    /// Nodes referenced as inputs (or fetched) that the graph does not contain.
    case missingNodes([MissingNode])
    /// The needed subgraph contains a cycle through these nodes.
    case cycle([String])
    /// A tensor name that does not parse (`"node"`, `"node:1"`).
    case badTensorName(String)
    /// A node output index beyond what the op produces.
    case missingOutput(node: String, op: String, output: Int, outputCount: Int)
    /// A `Placeholder` needed by the fetches but not fed.
    case unfedPlaceholder(node: String)
    /// A feed whose type or shape the graph does not accept.
    case feedMismatch(tensor: String, expected: String, found: String)
    /// A feed or fetch naming the same tensor twice, or a feed for a tensor the graph lacks.
    case badFeed(tensor: String, reason: String)
    /// A required attribute is absent (after merging op defaults).
    case missingAttribute(node: String, op: String, attribute: String)
    /// An attribute has the wrong kind or an unacceptable value.
    case invalidAttribute(node: String, op: String, attribute: String, expected: String, found: String)
    /// A data type the interpreter does not support for this node.
    case unsupportedDataType(node: String, op: String, dataType: String)
    /// Wrong number of data inputs.
    case inputCount(node: String, op: String, expected: String, found: Int)
    /// An input of the wrong element type.
    case inputType(node: String, op: String, input: Int, expected: String, found: ElementType)
    /// An input of the wrong shape (rank, dimension, or mismatch with another input).
    case inputShape(node: String, op: String, input: Int, expected: String, found: Shape)
    /// An input that must be known at plan time (a shape, an axis, paddings) is computed at run time.
    case nonConstantInput(node: String, op: String, input: Int, role: String)
    /// Anything else an op finds wrong with its node.
    case invalidNode(node: String, op: String, reason: String)
    /// An op failed while being evaluated at plan time on constant inputs.
    case constantFolding(node: String, op: String, reason: String)
    /// The graph holds more nodes than `GraphLimits.maximumNodeCount`.
    case tooManyNodes(count: Int, limit: Int)
    /// A function call (`PartitionedCall`, `If`, a node whose op is a function) naming a function the
    /// graph's library lacks.
    case unknownFunction(node: String, op: String, function: String)
    /// A library function that reaches itself through calls: the call node and the chain of functions,
    /// outermost first, ending with the repeated one.
    case recursiveFunction(node: String, chain: [String])
    /// A function body or call that cannot be inlined (a body input naming nothing, an op without an
    /// OpDef, an attribute placeholder the call does not set, an argument count mismatch).
    case invalidFunction(function: String, node: String, reason: String)
    /// Nodes named as variable updates (a module's `update_ops`) that are not assignments to a variable,
    /// all of them at once: each entry names the node, its op and what is wrong.
    case notVariableUpdates([String])

    public struct UnsupportedOp: Hashable, Sendable, CustomStringConvertible {
        public let op: String
        public let node: String
        /// The library function whose body holds the node (the innermost, when calls nest), or `nil`
        /// for a node of the graph itself.
        public let function: String?
        public init(op: String, node: String, function: String? = nil) {
            self.op = op
            self.node = node
            self.function = function
        }
        public var description: String { "\(op) (\(node)\(function.map { ", in function '\($0)'" } ?? ""))" }
    }

    public struct MissingNode: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        /// The node that referenced it, or `nil` for a fetch or feed.
        public let referencedBy: String?
        public init(name: String, referencedBy: String?) {
            self.name = name
            self.referencedBy = referencedBy
        }
        public var description: String {
            referencedBy.map { "'\(name)' (input of '\($0)')" } ?? "'\(name)' (fetched)"
        }
    }

    public var description: String {
        switch self {
        case .unsupportedOps(let ops):
            let types = Set(ops.map(\.op)).sorted()
            return "unsupported ops \(types.joined(separator: ", ")) in nodes: "
                + ops.map(\.description).joined(separator: ", ")
        case .missingNodes(let nodes):
            return "graph has no node " + nodes.map(\.description).joined(separator: ", ")
        case .cycle(let nodes):
            return "cycle through nodes " + nodes.joined(separator: " -> ")
        case .badTensorName(let name):
            return "bad tensor name '\(name)': expected 'node' or 'node:index'"
        case .missingOutput(let node, let op, let output, let count):
            return "node '\(node)' (\(op)) has \(count) outputs; output \(output) was requested"
        case .unfedPlaceholder(let node):
            return "placeholder '\(node)' is needed by the fetches but was not fed"
        case .feedMismatch(let tensor, let expected, let found):
            return "feed '\(tensor)': expected \(expected), found \(found)"
        case .badFeed(let tensor, let reason):
            return "feed/fetch '\(tensor)': \(reason)"
        case .missingAttribute(let node, let op, let attribute):
            return "node '\(node)' (\(op)): missing attribute '\(attribute)'"
        case .invalidAttribute(let node, let op, let attribute, let expected, let found):
            return "node '\(node)' (\(op)): attribute '\(attribute)': expected \(expected), found \(found)"
        case .unsupportedDataType(let node, let op, let dataType):
            return "node '\(node)' (\(op)): unsupported data type \(dataType)"
        case .inputCount(let node, let op, let expected, let found):
            return "node '\(node)' (\(op)): expected \(expected) inputs, found \(found)"
        case .inputType(let node, let op, let input, let expected, let found):
            return "node '\(node)' (\(op)): input \(input): expected \(expected), found \(found)"
        case .inputShape(let node, let op, let input, let expected, let found):
            return "node '\(node)' (\(op)): input \(input): expected \(expected), found shape \(found)"
        case .nonConstantInput(let node, let op, let input, let role):
            return "node '\(node)' (\(op)): input \(input) (\(role)) must be a constant at plan time"
        case .invalidNode(let node, let op, let reason):
            return "node '\(node)' (\(op)): \(reason)"
        case .constantFolding(let node, let op, let reason):
            return "node '\(node)' (\(op)) failed on constant inputs: \(reason)"
        case .tooManyNodes(let count, let limit):
            return "graph has \(count) nodes, more than the limit of \(limit) (raise GraphLimits.maximumNodeCount)"
        case .unknownFunction(let node, let op, let function):
            return "node '\(node)' (\(op)) calls function '\(function)', which the graph's function library lacks"
        case .recursiveFunction(let node, let chain):
            return "node '\(node)': function calls are recursive: " + chain.joined(separator: " -> ")
        case .invalidFunction(let function, let node, let reason):
            return "function '\(function)', node '\(node)': \(reason)"
        case .notVariableUpdates(let problems):
            return "not assignments to a variable (Assign, AssignAdd, AssignSub or their resource forms): "
                + problems.joined(separator: "; ")
        }
    }
}

/// A failure while running a plan.
public enum ExecutionError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A feed the plan was made for is absent from `run`'s feeds.
    case missingFeed(tensor: String)
    /// A feed whose element type or shape differs from the one the plan was made for.
    case feedMismatch(tensor: String, expected: String, found: String)
    /// A variable the plan reads has no value in the variable store.
    case missingVariable(name: String)
    /// A variable value whose type or shape differs from the variable node's `dtype`/`shape`.
    case variableMismatch(name: String, expected: String, found: String)
    /// A kernel failed (or produced other than what was planned).
    case kernelFailed(node: String, op: String, reason: String)

    public var description: String {
        switch self {
        case .missingFeed(let tensor): return "no value fed for '\(tensor)'"
        case .feedMismatch(let tensor, let expected, let found):
            return "feed '\(tensor)': expected \(expected), found \(found)"
        case .missingVariable(let name): return "no value for variable '\(name)'"
        case .variableMismatch(let name, let expected, let found):
            return "variable '\(name)': expected \(expected), found \(found)"
        case .kernelFailed(let node, let op, let reason): return "node '\(node)' (\(op)): \(reason)"
        }
    }
}
