import TFProto
import Tensors

// MARK: - Inlining function calls

/// A front-end graph transformation, run before a `Graph` is built: every function call the fetches
/// depend on (`PartitionedCall`, `StatefulPartitionedCall`, `If`/`StatelessIf` on a constant condition,
/// a node whose op is a library function) is replaced by the nodes of the function's body, renamed
/// `<call>/<body node>` (made unique if taken), with arguments bound to the call's inputs (a resource
/// argument bound to a module variable's `VarHandleOp` is read from that node) and attribute
/// placeholders substituted from the call's attributes. Calls inside bodies are inlined the same way,
/// recursively; a function reaching itself is refused.
///
/// Every reference to a call's output is redirected to the tensor it computes; the call node itself
/// becomes an `IdentityN` of those tensors, so fetching `call:i` still works. Calls no fetch reaches
/// (initializers, update ops) and functions nothing calls are left alone. Control outputs of functions
/// (side effects no output depends on) are not run.
struct FunctionInliner {
    let library: FunctionLibrary
    /// Nodes whose outputs are fed: not followed, and a `PlaceholderWithDefault` among them is not constant.
    let fedNodes: Set<String>
    let maximumNodeCount: Int
    /// Every node by name: the graph's, then those inlining made.
    var nodes: [String: NodeDef]
    /// Names of the nodes inlining made, in the order made.
    var added: [String] = []
    /// The tensors each inlined call's outputs stand for (outer spelling), by call node name.
    var callOutputs: [String: [String]] = [:]
    /// The element types of those outputs, when known (variants and resources are not waited for by
    /// control dependencies on the call).
    var callOutputTypes: [String: [DataType]] = [:]
    /// The library function whose body each node inlining made comes from (the innermost one), by node name.
    var functionOf: [String: String] = [:]

    /// The graph's nodes with the calls `fetches` reach inlined (all calls when `fetches` is `nil`), and
    /// the function each inlined node comes from (`functionOf`).
    ///
    /// - Throws: `PlanningError.unknownFunction`, `.recursiveFunction`, `.invalidFunction`, `.invalidNode`
    ///   (an `If` on a run-time condition), `.tooManyNodes` when inlining exceeds `maximumNodeCount`.
    static func inline(
        _ graphNodes: [NodeDef], library functionLibrary: FunctionDefLibrary, opList: OpList?,
        fetches: [String]?, feeds: [String], maximumNodeCount: Int
    ) throws -> (nodes: [NodeDef], functionOf: [String: String]) {
        let library = FunctionLibrary(library: functionLibrary, opList: opList)
        guard !library.isEmpty else { return (graphNodes, [:]) }
        var table: [String: NodeDef] = [:]
        for node in graphNodes where table[node.name] == nil { table[node.name] = node }
        var inliner = FunctionInliner(
            library: library, fedNodes: Set(feeds.map { NodeInput(parsing: $0).node }),
            maximumNodeCount: maximumNodeCount, nodes: table)
        let roots = fetches.map { $0.map { NodeInput(parsing: $0).node } } ?? graphNodes.map(\.name)
        for name in inliner.postOrder(from: roots) {
            guard let node = inliner.nodes[name] else { continue }
            let resolvedNode = inliner.resolvingCallOutputs(node)
            guard let call = try FunctionCall(node: resolvedNode, library: library, condition: { try inliner.constantCondition($0) })
            else { continue }
            let outputs = try inliner.expand(call, node: name, chain: [])
            inliner.replaceCall(name, op: node.op, call: call, outputs: outputs)
        }
        guard !inliner.callOutputs.isEmpty else { return (graphNodes, [:]) }
        let names = graphNodes.map(\.name).filter { inliner.nodes[$0] != nil } + inliner.added
        var seen: Set<String> = []
        let nodes = names.compactMap { name -> NodeDef? in
            guard seen.insert(name).inserted, let node = inliner.nodes[name] else { return nil }
            return inliner.resolvingCallOutputs(node)
        }
        return (nodes, inliner.functionOf)
    }

    /// The nodes `roots` depend on, inputs before the nodes that use them, not following fed nodes.
    func postOrder(from roots: [String]) -> [String] {
        var order: [String] = []
        var state: [String: Bool] = [:]  // false: on the stack, true: done
        var stack: [(name: String, expanded: Bool)] = roots.reversed().map { ($0, false) }
        while let (name, expanded) = stack.popLast() {
            if expanded {
                state[name] = true
                order.append(name)
                continue
            }
            guard state[name] == nil, let node = nodes[name] else { continue }
            state[name] = false
            stack.append((name, true))
            guard !fedNodes.contains(name) else { continue }
            for input in node.input.reversed() {
                let producer = NodeInput(parsing: input).node
                if state[producer] == nil { stack.append((producer, false)) }
            }
        }
        return order
    }

    /// Makes the call node an `IdentityN` of the tensors its outputs stand for and remembers them.
    mutating func replaceCall(_ name: String, op: String, call: FunctionCall, outputs: [String]) {
        callOutputs[name] = outputs
        var attributes: [String: AttrValue] = [:]
        if let types = call.outputTypes, types.count == outputs.count {
            callOutputTypes[name] = types
            attributes["T"] = .list(AttrValue.ListValue(type: types))
        }
        nodes[name] = NodeDef(name: name, op: "IdentityN", input: outputs + call.controlInputs, attr: attributes)
    }

    // MARK: - References to inlined calls

    /// `node` with inputs naming an inlined call's outputs redirected to the tensors they stand for, and
    /// control inputs on a call turned into control inputs on what its (non-variant) outputs come from.
    func resolvingCallOutputs(_ node: NodeDef) -> NodeDef {
        guard !callOutputs.isEmpty else { return node }
        var resolved = node
        resolved.input = node.input.flatMap { input -> [String] in
            switch NodeInput(parsing: input) {
            case .data:
                return [resolve(input)]
            case .control(let producer):
                guard callOutputs[producer] != nil, producer != node.name else { return [input] }
                return controlInputs(waitingFor: producer)
            }
        }
        return resolved
    }

    /// A tensor, following inlined calls' outputs to the tensors they stand for.
    func resolve(_ tensor: String) -> String {
        var current = tensor
        for _ in 0..<maximumNodeCount {
            guard case .data(let node, let output) = NodeInput(parsing: current),
                  let outputs = callOutputs[node], output < outputs.count else { return current }
            current = outputs[output]
        }
        return current
    }

    /// Control inputs that wait for what an inlined call computes (its variant and resource outputs aside).
    func controlInputs(waitingFor call: String) -> [String] {
        let outputs = callOutputs[call] ?? []
        let types = callOutputTypes[call]
        var producers: [String] = []
        for (index, output) in outputs.enumerated() {
            if let type = types?[index], type == .variant || type == .resource { continue }
            let producer = NodeInput(parsing: resolve(output)).node
            if !producers.contains(producer) { producers.append(producer) }
        }
        return producers.map { "^" + $0 }
    }

    /// The truth value of a condition tensor known at graph-build time: a `Const`, possibly behind
    /// `Identity` nodes or an unfed `PlaceholderWithDefault`; `nil` otherwise.
    func constantCondition(_ tensor: String) throws -> Bool? {
        var name = NodeInput(parsing: resolve(tensor)).node
        for _ in 0..<64 {
            guard let node = nodes[name] else { return nil }
            switch node.op {
            case "Const":
                guard case .tensor(let proto)? = node.attr["value"] else { return nil }
                return try Tensor(decoding: proto, maximumByteCount: 1 << 20).conditionValue
            case "Identity", "Snapshot", "StopGradient":
                break
            case "PlaceholderWithDefault" where !fedNodes.contains(name):
                break
            default:
                return nil
            }
            guard let input = node.input.first, !input.hasPrefix("^") else { return nil }
            name = NodeInput(parsing: resolve(input)).node
        }
        return nil
    }
}
