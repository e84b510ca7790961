import TFProto

// MARK: - Expanding one call

extension FunctionInliner {
    /// Adds the nodes of `call`'s function body (and, recursively, of the functions it calls) and
    /// returns the tensors its outputs stand for, in the order of the function's output arguments.
    ///
    /// - Parameters:
    ///   - name: the call node; body nodes are named `<name>/<body node>`.
    ///   - chain: the functions being inlined around this call, outermost first.
    mutating func expand(_ call: FunctionCall, node name: String, chain: [String]) throws -> [String] {
        let chain = chain + [call.function]
        guard chain.dropLast().firstIndex(of: call.function) == nil else {
            throw PlanningError.recursiveFunction(node: name, chain: chain)
        }
        guard let function = library.functions[call.function] else {
            throw PlanningError.unknownFunction(node: name, op: "", function: call.function)
        }
        var body = FunctionBody(function: function, call: call, callNode: name)
        try body.bindArguments()
        let prefix = uniquePrefix(for: name, body: function.nodeDef.map(\.name))
        // Reserved first, so the calls of this body do not give their nodes these names.
        for node in function.nodeDef { try add(NodeDef(name: prefix + node.name, op: "NoOp")) }
        for node in try body.topologicalOrder() {
            let outerName = prefix + node.name
            let attributes = try body.substitutingPlaceholders(in: node)
            body.outputRanges[node.name] = library.outputRanges(op: node.op, attributes: attributes)
            body.outerNames[node.name] = outerName
            var inputs = try node.input.map { try body.resolve($0, in: node, callOutputs: callOutputs) }
            if !inputs.contains(where: { !$0.hasPrefix("^") }) { inputs += call.controlInputs }
            let outer = NodeDef(name: outerName, op: node.op, input: inputs, attr: attributes)
            functionOf[outerName] = call.function
            if let nested = try FunctionCall(node: outer, library: library, condition: { try self.constantCondition($0) }) {
                let outputs = try expand(nested, node: outerName, chain: chain)
                replaceCall(outerName, op: node.op, call: nested, outputs: outputs)
            } else {
                try add(outer)
            }
        }
        return try function.signature.outputArg.map { arg in
            guard let tensor = function.ret[arg.name] else {
                throw PlanningError.invalidFunction(
                    function: call.function, node: name, reason: "output '\(arg.name)' has no entry in ret")
            }
            return resolve(try body.resolve(tensor, in: nil, callOutputs: callOutputs))
        }
    }

    /// `<call>/`, or `<call>/_k/` when a body node's name under `<call>/` is taken.
    func uniquePrefix(for call: String, body: [String]) -> String {
        var prefix = call + "/"
        var attempt = 0
        while body.contains(where: { nodes[prefix + $0] != nil }) {
            attempt += 1
            prefix = "\(call)/_\(attempt)/"
        }
        return prefix
    }

    private mutating func add(_ node: NodeDef) throws {
        if nodes.updateValue(node, forKey: node.name) == nil { added.append(node.name) }
        guard nodes.count <= maximumNodeCount else {
            throw PlanningError.tooManyNodes(count: nodes.count, limit: maximumNodeCount)
        }
    }
}

// MARK: - One body being inlined

/// The names a function body's inputs may use while it is inlined for one call.
struct FunctionBody {
    let function: FunctionDef
    let call: FunctionCall
    let callNode: String
    /// The tensors (outer spelling) bound to each input argument; several for a list argument.
    var arguments: [String: [String]] = [:]
    /// The name each body node got, once added.
    var outerNames: [String: String] = [:]
    /// The flat output indices of each body node's output arguments, when its op is described.
    var outputRanges: [String: [String: Range<Int>]?] = [:]

    init(function: FunctionDef, call: FunctionCall, callNode: String) {
        self.function = function
        self.call = call
        self.callNode = callNode
    }

    private var attributes: [String: AttrValue] {
        call.attributes.merging(function.signature.attrDefaults) { own, _ in own }
    }

    private func failure(_ node: String?, _ reason: String) -> PlanningError {
        .invalidFunction(function: function.signature.name, node: node ?? callNode, reason: reason)
    }

    mutating func bindArguments() throws {
        let counts = function.signature.inputArg.map { FunctionLibrary.expandedCount(of: $0, attributes: attributes) }
        guard counts.reduce(0, +) == call.arguments.count else {
            throw failure(nil, "takes \(counts.reduce(0, +)) input tensors, the call '\(callNode)' passes \(call.arguments.count)")
        }
        var start = 0
        for (arg, count) in zip(function.signature.inputArg, counts) {
            arguments[arg.name] = Array(call.arguments[start..<(start + count)])
            start += count
        }
    }

    /// Body nodes, inputs first.
    func topologicalOrder() throws -> [NodeDef] {
        var byName: [String: NodeDef] = [:]
        for node in function.nodeDef { byName[node.name] = node }
        var order: [NodeDef] = []
        var state: [String: Bool] = [:]  // false: on the stack, true: done
        func visit(_ name: String) throws {
            if state[name] == true { return }
            guard state[name] == nil else { throw failure(name, "the body has a cycle through '\(name)'") }
            guard let node = byName[name] else { return }
            state[name] = false
            for input in node.input {
                let producer = String(input.drop { $0 == "^" }.prefix { $0 != ":" })
                if byName[producer] != nil { try visit(producer) }
            }
            state[name] = true
            order.append(node)
        }
        for node in function.nodeDef { try visit(node.name) }
        return order
    }

    /// The node's attributes with `placeholder` values replaced by the call's attributes.
    func substitutingPlaceholders(in node: NodeDef) throws -> [String: AttrValue] {
        try node.attr.mapValues { value in
            switch value {
            case .placeholder(let name):
                guard let bound = attributes[name] else {
                    throw failure(node.name, "attribute placeholder '\(name)' is not set by the call '\(callNode)'")
                }
                return bound
            case .func(var callee):
                callee.attr = try callee.attr.mapValues { inner in
                    guard case .placeholder(let name) = inner else { return inner }
                    guard let bound = attributes[name] else {
                        throw failure(node.name, "attribute placeholder '\(name)' is not set by the call '\(callNode)'")
                    }
                    return bound
                }
                return .func(callee)
            default:
                return value
            }
        }
    }

    /// A body tensor reference (`arg`, `arg:i`, `node:output_arg:index`, `^node`) in outer spelling.
    /// `node` is the body node whose input it is (`nil` for `ret`).
    func resolve(_ reference: String, in node: NodeDef?, callOutputs: [String: [String]]) throws -> String {
        let isControl = reference.hasPrefix("^")
        let parts = reference.dropFirst(isControl ? 1 : 0).split(separator: ":", omittingEmptySubsequences: false)
        let name = String(parts[0])
        if let bound = arguments[name] {
            let index = parts.count == 2 ? Int(parts[1]) : 0
            guard parts.count <= 2, let index, bound.indices.contains(index) else {
                throw failure(node?.name, "input '\(reference)' names no tensor of argument '\(name)'")
            }
            return isControl ? "^" + NodeInput(parsing: bound[index]).node : bound[index]
        }
        guard let outer = outerNames[name] else {
            throw failure(node?.name, "input '\(reference)' names neither an argument nor a node of the function")
        }
        if isControl { return "^" + outer }
        let flat: Int
        switch parts.count {
        case 1:
            flat = 0
        case 2 where Int(parts[1]) != nil:
            flat = Int(parts[1])!
        case 2, 3:
            let index = parts.count == 3 ? Int(parts[2]) : 0
            // An op no OpDef describes has one output argument.
            let ranges = (outputRanges[name] ?? nil) ?? [String(parts[1]): 0..<Int.max]
            guard let range = ranges[String(parts[1])], let index, index >= 0, range.lowerBound + index < range.upperBound
            else {
                throw failure(node?.name, "input '\(reference)': '\(name)' has no output \(parts[1]):\(parts.count == 3 ? String(parts[2]) : "0")")
            }
            flat = range.lowerBound + index
        default:
            throw failure(node?.name, "input '\(reference)' does not parse (expected node:output_arg:index)")
        }
        if let outputs = callOutputs[outer] {
            guard outputs.indices.contains(flat) else {
                throw failure(node?.name, "input '\(reference)': the call '\(name)' has \(outputs.count) outputs")
            }
            return outputs[flat]
        }
        return flat == 0 ? outer : "\(outer):\(flat)"
    }
}
