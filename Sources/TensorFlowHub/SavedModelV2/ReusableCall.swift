import Interpreter
import TFProto

// MARK: - The `__call__` of a reusable SavedModel

extension SavedModelV2Reader {
    /// Exposes the root object's `__call__` (tensorflow_hub's reusable SavedModel interface, what
    /// `hub.KerasLayer` calls) as the signature `__call__`, using its concrete function traced with
    /// `training=False`. Problems with it make that one signature unusable (with the error its calls
    /// give), not the module.
    mutating func readCall() throws {
        guard let root = objects.nodes.first, let node = root.child(Self.callName), node >= 0,
              Int(node) < objects.nodes.count, case .function(let saved)? = objects.nodes[Int(node)].kind
        else { return }
        do {
            try addCall(saved, node: node)
        } catch let error as ModuleError {
            unusable[Self.callName] = error
        }
    }

    private mutating func addCall(_ saved: SavedFunction, node: Int32) throws {
        let field = "object_graph_def nodes[\(node)] (\(Self.callName))"
        let spec = saved.functionSpec ?? FunctionSpec()
        var chosen: String?
        var fallback: String?
        for name in saved.concreteFunctions {
            guard let concrete = objects.concreteFunctions[name] else { continue }
            switch spec.tracedValue(of: "training", in: concrete.canonicalizedInputSignature) {
            case .bool(false)?: chosen = chosen ?? name
            case nil, .none?: fallback = fallback ?? name
            default: continue
            }
        }
        guard let name = chosen ?? fallback, let concrete = objects.concreteFunctions[name] else {
            throw ModuleError.badObjectGraph(
                file: file, field: field,
                reason: "none of its concrete functions \(saved.concreteFunctions) was traced with training=False")
        }
        let concreteField = "object_graph_def concrete_functions['\(name)']"
        guard let function = functions[name] else {
            throw ModuleError.badObjectGraph(
                file: file, field: concreteField, reason: "the graph's function library has no function '\(name)'")
        }
        let inputs: StructuredSignature, outputs: StructuredSignature
        do {
            inputs = try StructuredSignature(
                inputs: concrete.canonicalizedInputSignature ?? .unset, argumentNames: spec.argumentNames)
        } catch {
            throw ModuleError.unsupportedSignature(
                file: file, field: "\(concreteField).canonicalized_input_signature \(error.path)",
                reason: "\(error.what); only dense tensors are supported")
        }
        do {
            outputs = try StructuredSignature(outputs: concrete.outputSignature ?? .none)
        } catch {
            throw ModuleError.unsupportedSignature(
                file: file, field: "\(concreteField).output_signature \(error.path)",
                reason: "\(error.what); only dense tensors are supported")
        }
        let bound = concrete.boundInputs
        let expectedInputs = FunctionSignatureCounts(function)
        guard inputs.leaves.count + bound.count == expectedInputs.inputs, outputs.leaves.count == expectedInputs.outputs else {
            throw ModuleError.badObjectGraph(
                file: file, field: concreteField,
                reason: "\(inputs.leaves.count) tensor arguments, \(bound.count) bound inputs and \(outputs.leaves.count) "
                    + "outputs, but '\(name)' takes \(expectedInputs.inputs) inputs and returns \(expectedInputs.outputs)")
        }

        var captures: [SavedModelCalls.Capture] = []
        var added: [(node: Int32, handle: String)] = []
        for id in bound {
            let object = try savedObject(id, field: "\(concreteField).bound_inputs")
            if case .constant(let constant)? = object.kind {
                // A captured constant: the graph's `Const` node it names.
                guard SavedModelCalls.isConstant(constant.operation, in: nodes) else {
                    throw ModuleError.badObjectGraph(
                        file: file, field: "object_graph_def nodes[\(id)].constant.operation",
                        reason: "'\(constant.operation)' is not a Const node of the graph")
                }
                captures.append(.existing(node: constant.operation))
                continue
            }
            guard case .variable(let variable)? = object.kind else {
                throw ModuleError.badObjectGraph(
                    file: file, field: "\(concreteField).bound_inputs",
                    reason: "it captures node \(id) ('\(checkpoint.path(of: id))'), a \(Self.kindName(object)); only variables "
                        + "and constants can be captured by a call this interpreter makes")
            }
            if let handle = handles[id] {
                captures.append(.existing(node: handle))
            } else {
                let handle = uniqueName("\(Self.callName)/variables/\(checkpoint.path(of: id))")
                captures.append(.new(node: handle, dtype: variable.dtype, shape: variable.shape))
                added.append((id, handle))
                nodes[handle] = NodeDef(name: handle, op: "")  // reserved
            }
        }
        let callNode = uniqueName(Self.callName)
        let arguments = inputs.leaves.enumerated().map { index, leaf in
            (name: "input_\(index)", argument: SavedModelCalls.Argument(
                dtype: leaf.spec.dtype, shape: leaf.spec.shape.unknownRank ? nil : leaf.spec.shape))
        }
        let made = SavedModelCalls.callNodes(callNode: callNode, function: function, arguments: arguments, captures: captures)
        for made in made { nodes[made.name] = made }
        graphDef.node += made
        for (id, handle) in added {
            handles[id] = handle
            variableNodeOf[handle] = id
            handleOrder.append(handle)
        }
        var inputSpecs: [String: TensorSpec] = [:]
        for (index, leaf) in inputs.leaves.enumerated() {
            inputSpecs[leaf.key] = TensorSpec(
                tensorName: "\(callNode)/input_\(index):0", dataType: leaf.spec.dtype, shape: leaf.spec.shape)
        }
        var outputSpecs: [String: TensorSpec] = [:]
        for (index, leaf) in outputs.leaves.enumerated() {
            outputSpecs[leaf.key] = TensorSpec(tensorName: "\(callNode):\(index)", dataType: leaf.spec.dtype, shape: leaf.spec.shape)
        }
        signatures[Self.callName] = Signature(name: Self.callName, inputs: inputSpecs, outputs: outputSpecs)
    }

    /// `base`, or `base_1`, `base_2`, ... when the graph has a node of that name.
    private func uniqueName(_ base: String) -> String {
        var name = base
        var suffix = 0
        while nodes[name] != nil {
            suffix += 1
            name = "\(base)_\(suffix)"
        }
        return name
    }
}

/// How many input and output tensors a library function takes and returns (its arguments are
/// plain tensors in saved concrete functions, one per argument).
private struct FunctionSignatureCounts {
    let inputs: Int
    let outputs: Int

    init(_ function: FunctionDef) {
        inputs = function.signature.inputArg.count
        outputs = function.signature.outputArg.count
    }
}
