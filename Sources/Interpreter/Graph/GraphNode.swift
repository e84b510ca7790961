import Tensors

// MARK: - Nodes

/// A node as the planner sees it: name, op, inputs and attributes merged with the op's defaults.
struct GraphNode: Sendable {
    let name: String
    let op: String
    /// Data inputs (in order), then control inputs.
    let inputs: [NodeInputReference]
    let attributes: [String: AttributeValue]
    /// The library function whose body this node was inlined from (the innermost), or `nil` for a node
    /// of the graph itself.
    var function: String? = nil
    /// Tensors a plan-time rewrite attached to the node it created (a fused convolution's folded filter
    /// and bias), by name; empty in the graph as written.
    var parameters: [String: Tensor] = [:]
    /// Provenance: the nodes of the graph as written that this node computes, when a rewrite made it
    /// (a fused convolution: the `Conv2D`, batch norm, bias and ReLU it replaced); empty for a node as
    /// written, which stands for itself.
    var origin: [String] = []

    /// The nodes of the graph as written this node stands for.
    var sourceNodes: [String] { origin.isEmpty ? [name] : origin }

    var dataInputs: [TensorName] {
        inputs.compactMap { if case .data(let t) = $0 { return t } else { return nil } }
    }

    var controlInputs: [String] {
        inputs.compactMap { if case .control(let n) = $0 { return n } else { return nil } }
    }
}

/// One input of a node: a tensor (`"node"`, `"node:1"`) or a control dependency (`"^node"`).
enum NodeInputReference: Hashable, Sendable {
    case data(TensorName)
    case control(String)

    /// Parses TensorFlow's input syntax.
    init(parsing text: String) throws {
        if text.hasPrefix("^") {
            let name = String(text.dropFirst())
            guard !name.isEmpty else { throw PlanningError.badTensorName(text) }
            self = .control(name)
        } else {
            self = .data(try TensorName(parsing: text))
        }
    }
}

// MARK: - Tensor names

/// A node output: `node:index`.
public struct TensorName: Hashable, Sendable, CustomStringConvertible {
    public let node: String
    public let output: Int

    public init(node: String, output: Int = 0) {
        self.node = node
        self.output = output
    }

    /// Parses `"node"` (output 0) or `"node:3"`. The suffix counts only when it is all digits, so
    /// node names may contain `:` elsewhere.
    public init(parsing text: String) throws {
        // Searched as UTF-8 bytes: a Character search costs ~20 K instructions per name (grapheme breaking),
        // 10 % of loading NASNet's graph.
        if let colon = text.utf8.lastIndex(of: UInt8(ascii: ":")) {
            let suffix = text[text.utf8.index(after: colon)...]
            if !suffix.isEmpty, suffix.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                guard let index = Int(suffix), colon != text.startIndex else {
                    throw PlanningError.badTensorName(text)
                }
                self.init(node: String(text[..<colon]), output: index)
                return
            }
        }
        guard !text.isEmpty, !text.hasPrefix("^") else { throw PlanningError.badTensorName(text) }
        self.init(node: text, output: 0)
    }

    public var description: String { "\(node):\(output)" }
}
