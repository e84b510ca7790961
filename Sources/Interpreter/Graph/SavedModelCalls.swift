import TFProto

// MARK: - Calls into a TF2 SavedModel's function library

/// The TF op knowledge a TF2 SavedModel front end needs around the graph: which nodes call which
/// library functions (a signature's `StatefulPartitionedCall`, whose captured variables are its last
/// inputs), which variable handle feeds an input, and new call nodes for a function the graph itself
/// never calls (the `__call__` of a reusable SavedModel).
public enum SavedModelCalls {
    /// A node calling a library function through `PartitionedCall` or `StatefulPartitionedCall`.
    public struct CallSite: Sendable, Equatable {
        /// The call node.
        public let node: String
        /// The called function (attribute `f`).
        public let function: String
        /// Its data inputs as written (`node`, `node:1`): the function's arguments, then its captures.
        public let dataInputs: [String]
    }

    /// A variable handle node of the graph (`VarHandleOp`): its name, element type and shape.
    public struct VariableHandle: Sendable, Equatable {
        public let node: String
        public let dtype: DataType
        public let shape: TensorShapeProto
    }

    /// A tensor argument of a new call: a `Placeholder` of this type is made for it.
    public struct Argument: Sendable, Equatable {
        public let dtype: DataType
        /// The placeholder's shape (-1 for unknown dimensions); `nil` for an unknown rank.
        public let shape: TensorShapeProto?

        public init(dtype: DataType, shape: TensorShapeProto?) {
            self.dtype = dtype
            self.shape = shape
        }
    }

    /// A captured variable of a new call: an existing variable handle node, or a new `VarHandleOp`.
    public enum Capture: Sendable, Equatable {
        case existing(node: String)
        case new(node: String, dtype: DataType, shape: TensorShapeProto)

        public var node: String {
            switch self {
            case .existing(let node), .new(let node, _, _): return node
            }
        }
    }

    /// Every `PartitionedCall` / `StatefulPartitionedCall` node of `graphDef` (not of function bodies).
    public static func callSites(in graphDef: GraphDef) -> [CallSite] {
        graphDef.node.compactMap { node in
            guard node.op == "PartitionedCall" || node.op == "StatefulPartitionedCall",
                  case .func(let callee)? = node.attr["f"]
            else { return nil }
            return CallSite(node: node.name, function: callee.name, dataInputs: node.input.filter { !$0.hasPrefix("^") })
        }
    }

    /// The `VarHandleOp` node producing `tensor` in `graphDef`, or `nil` when another op produces it.
    public static func variableHandle(producing tensor: String, in nodes: [String: NodeDef]) -> VariableHandle? {
        guard case .data(let name, 0) = NodeInput(parsing: tensor), let node = nodes[name], node.op == "VarHandleOp"
        else { return nil }
        guard case .type(let dtype)? = node.attr["dtype"] else { return nil }
        guard case .shape(let shape)? = node.attr["shape"] else { return nil }
        return VariableHandle(node: name, dtype: dtype, shape: shape)
    }

    /// Whether `node` is a `Const` node of the graph (what a captured `SavedConstant` names).
    public static func isConstant(_ node: String, in nodes: [String: NodeDef]) -> Bool {
        nodes[node]?.op == "Const"
    }

    /// The nodes that call `function` as a `StatefulPartitionedCall` named `callNode`: a `Placeholder`
    /// `<callNode>/<argument name>` per argument, a `VarHandleOp` per `.new` capture, and the call, whose
    /// data inputs are the placeholders then the captures. Output `i` of the call is the function's
    /// output `i`.
    ///
    /// - Parameters:
    ///   - arguments: the tensor arguments, by the names the placeholders get, in the function's order.
    public static func callNodes(
        callNode: String, function: FunctionDef, arguments: [(name: String, argument: Argument)], captures: [Capture]
    ) -> [NodeDef] {
        var nodes: [NodeDef] = []
        var inputs: [String] = []
        for (name, argument) in arguments {
            var attributes: [String: AttrValue] = ["dtype": .type(argument.dtype)]
            if let shape = argument.shape { attributes["shape"] = .shape(shape) }
            nodes.append(NodeDef(name: "\(callNode)/\(name)", op: "Placeholder", attr: attributes))
            inputs.append("\(callNode)/\(name)")
        }
        for capture in captures {
            if case .new(let node, let dtype, let shape) = capture {
                nodes.append(NodeDef(
                    name: node, op: "VarHandleOp",
                    attr: ["dtype": .type(dtype), "shape": .shape(shape), "shared_name": .s(Array(node.utf8))]))
            }
            inputs.append(capture.node)
        }
        let inputTypes = function.signature.inputArg.map(\.type)
        let outputTypes = function.signature.outputArg.map(\.type)
        nodes.append(NodeDef(
            name: callNode, op: "StatefulPartitionedCall", input: inputs,
            attr: [
                "f": .func(NameAttrList(name: function.signature.name, attr: [:])),
                "Tin": .list(AttrValue.ListValue(type: inputTypes)),
                "Tout": .list(AttrValue.ListValue(type: outputTypes)),
            ]))
        return nodes
    }
}
