import Foundation
import Interpreter
import Tensors
import TFProto

/// Reads a TF2 SavedModel (`tf.saved_model.save`, what `hub.load` loads) into the same pieces a TF1 hub
/// module gives: signatures, a graph and variable values by variable node.
///
/// - Signatures (`signature_def`, e.g. `serving_default`): placeholders `serving_default_<input>` feed a
///   `StatefulPartitionedCall` of a library function; its last inputs are the captured variables'
///   `VarHandleOp`s, one per entry of the function's `bound_inputs` in the object graph.
/// - `__call__` of the root object (a reusable SavedModel, `hub.KerasLayer`): its concrete function
///   traced with `training=False` (or without a `training` parameter) is called by new nodes: a
///   placeholder per tensor argument and a `StatefulPartitionedCall` capturing the same variables.
/// - Each captured variable node of the object graph gets its value from the checkpoint
///   (`ObjectCheckpoint`), bound to the `VarHandleOp` that stands for it.
struct SavedModelV2Reader {
    static let callName = "__call__"
    /// `signature_def` entries that are not signatures (TF's loader skips them too).
    static let internalSignatures: Set<String> = ["__saved_model_init_op", "__saved_model_train_op"]

    let file: String
    let metaGraph: MetaGraphDef
    let objects: SavedObjectGraph
    let checkpoint: ObjectCheckpoint
    var graphDef: GraphDef
    var nodes: [String: NodeDef] = [:]
    var functions: [String: FunctionDef] = [:]

    var signatures: [String: Signature] = [:]
    var unusable: [String: ModuleError] = [:]
    /// Saved variable node id -> the variable handle node standing for it.
    var handles: [Int32: String] = [:]
    /// Variable handle nodes in the order they were bound (for `trainableVariables`).
    var handleOrder: [String] = []
    var variableNodeOf: [String: Int32] = [:]

    init(directory: URL, file: String, metaGraph: MetaGraphDef) throws {
        self.file = file
        self.metaGraph = metaGraph
        objects = metaGraph.objectGraphDef ?? SavedObjectGraph()
        checkpoint = try ObjectCheckpoint(directory: directory, objects: objects)
        graphDef = metaGraph.graphDef
        for node in graphDef.node where nodes[node.name] == nil { nodes[node.name] = node }
        for function in graphDef.library.function { functions[function.signature.name] = function }
    }

    /// Everything `ModuleContents` needs.
    struct Result {
        let signatures: [String: Signature]
        let unusable: [String: ModuleError]
        let defaultSignature: String
        let graph: Graph
        let variables: [String: Tensor]
        let trainableVariables: [String]
        let opHistogram: [String: Int]
    }

    static func read(directory: URL, file: String, metaGraph: MetaGraphDef, options: Module.LoadOptions) throws -> Result {
        var reader = try SavedModelV2Reader(directory: directory, file: file, metaGraph: metaGraph)
        try reader.readSignatures()
        try reader.readCall()
        let variables = try reader.readVariables()
        let outputs = reader.signatures.values.flatMap { $0.outputs.values.map(\.tensorName) }
        let inputs = reader.signatures.values.flatMap { $0.inputs.values.map(\.tensorName) }
        let graph = try Graph(
            graphDef: reader.graphDef, opList: metaGraph.metaInfoDef.strippedOpList, limits: options.graphLimits,
            functionCallsReaching: outputs, feeds: inputs)
            .freezingVariables(variables)
        // `__call__` (as hub.KerasLayer), else `serving_default`, else any; one that can be called first.
        let defaultSignature = [Array(reader.signatures.keys), Array(reader.unusable.keys)].lazy.compactMap { names in
            names.contains(callName) ? callName : names.contains("serving_default") ? "serving_default" : names.sorted().first
        }.first ?? callName
        var histogram: [String: Int] = [:]
        for node in metaGraph.graphDef.node { histogram[node.op, default: 0] += 1 }
        for function in metaGraph.graphDef.library.function {
            for node in function.nodeDef { histogram[node.op, default: 0] += 1 }
        }
        let trainable = reader.handleOrder.filter { handle in
            guard let node = reader.variableNodeOf[handle], case .variable(let variable)? = reader.objects.nodes[Int(node)].kind
            else { return false }
            return variable.trainable
        }
        return Result(
            signatures: reader.signatures, unusable: reader.unusable, defaultSignature: defaultSignature, graph: graph,
            variables: variables, trainableVariables: trainable, opHistogram: histogram)
    }

    // MARK: - Signatures

    mutating func readSignatures() throws {
        let callSites = SavedModelCalls.callSites(in: graphDef)
        for (name, definition) in metaGraph.signatureDef.sorted(by: { $0.key < $1.key })
        where !Self.internalSignatures.contains(name) {
            let field = "signature_def['\(name)']"
            if let problem = Self.nonTensorProblem(definition, field: field, file: file) {
                unusable[name] = problem
                continue
            }
            let signature = try Signature(name: name, definition: definition)
            // The calls this signature's outputs come from, with their captures. A capture that cannot be
            // bound (a lookup table, say) makes this signature unusable, not the module.
            let reached = reachedNodes(from: signature.outputs.values.map(\.tensorName))
            do {
                for site in callSites where reached.contains(site.node) {
                    guard let function = objects.concreteFunctions[site.function] else { continue }
                    try bindCaptures(
                        function.boundInputs, to: site.dataInputs,
                        field: "object_graph_def concrete_functions['\(site.function)'].bound_inputs (called by '\(site.node)')")
                }
            } catch let error as ModuleError {
                unusable[name] = error
                continue
            }
            signatures[name] = signature
        }
    }

    /// The nodes of the outer graph `tensors` depend on.
    func reachedNodes(from tensors: [String]) -> Set<String> {
        var seen: Set<String> = []
        var pending = tensors.map { NodeInput(parsing: $0).node }
        while let name = pending.popLast() {
            guard seen.insert(name).inserted, let node = nodes[name] else { continue }
            pending += node.input.map { NodeInput(parsing: $0).node }
        }
        return seen
    }

    /// A signature input or output that is not a dense tensor (sparse, ragged, composite), as the error
    /// calling the signature gives.
    static func nonTensorProblem(_ definition: SignatureDef, field: String, file: String) -> ModuleError? {
        for (role, infos) in [("inputs", definition.inputs), ("outputs", definition.outputs)] {
            for (key, info) in infos.sorted(by: { $0.key < $1.key }) {
                let what: String
                switch info.encoding {
                case .name(let name) where !name.isEmpty: continue
                case .cooSparse: what = "a sparse tensor (coo_sparse)"
                case .compositeTensor(let composite):
                    let spec = composite.typeSpec
                    what = "a composite tensor (\(spec.map { $0.typeSpecClassName.isEmpty ? "type spec class \($0.typeSpecClass)" : $0.typeSpecClassName } ?? "no type spec"))"
                default: what = "no tensor name"
                }
                return .unsupportedSignature(
                    file: file, field: "\(field).\(role)['\(key)']", reason: "\(what); only dense tensors are supported")
            }
        }
        return nil
    }

    /// Binds the variables a call captures (its last `bound.count` data inputs) to the object graph's
    /// variable nodes. Other captures (constants, resources, assets) stay as the graph wires them: a
    /// captured constant is a `Const` node of the graph; a resource's ops are planned like any other.
    mutating func bindCaptures(_ bound: [Int32], to inputs: [String], field: String) throws {
        guard bound.count <= inputs.count else {
            throw ModuleError.badObjectGraph(
                file: file, field: field, reason: "\(bound.count) bound inputs, but the call has \(inputs.count) inputs")
        }
        for (tensor, node) in zip(inputs.suffix(bound.count), bound) {
            _ = try savedObject(node, field: field)
            guard case .variable(let variable)? = objects.nodes[Int(node)].kind else { continue }
            guard let handle = SavedModelCalls.variableHandle(producing: tensor, in: nodes) else {
                throw ModuleError.badObjectGraph(
                    file: file, field: field,
                    reason: "the capture '\(tensor)' for variable '\(variable.name)' (node \(node)) is not a VarHandleOp output")
            }
            if let known = variableNodeOf[handle.node], known != node {
                throw ModuleError.badObjectGraph(
                    file: file, field: field,
                    reason: "'\(handle.node)' is bound to object graph nodes \(known) and \(node)")
            }
            if handles[node] == nil { handles[node] = handle.node }
            if variableNodeOf[handle.node] == nil {
                variableNodeOf[handle.node] = node
                handleOrder.append(handle.node)
            }
        }
    }

    /// Object-graph node `node`, checked to exist.
    func savedObject(_ node: Int32, field: String) throws -> SavedObject {
        guard node >= 0, Int(node) < objects.nodes.count else {
            throw ModuleError.badObjectGraph(
                file: file, field: field, reason: "node \(node) is not in object_graph_def (\(objects.nodes.count) nodes)")
        }
        return objects.nodes[Int(node)]
    }

    /// The name of an object's kind as the proto spells it (`variable`, `constant`, `resource`, ...).
    static func kindName(_ object: SavedObject) -> String {
        switch object.kind {
        case .userObject?: return "user_object"
        case .asset?: return "asset"
        case .function?: return "function"
        case .variable?: return "variable"
        case .bareConcreteFunction?: return "bare_concrete_function"
        case .constant?: return "constant"
        case .resource?: return "resource"
        case .capturedTensor?: return "captured_tensor"
        case nil: return "object without a kind"
        }
    }

    func savedVariable(_ node: Int32, field: String) throws -> SavedVariable {
        let object = try savedObject(node, field: field)
        guard case .variable(let variable)? = object.kind else {
            throw ModuleError.badObjectGraph(
                file: file, field: field,
                reason: "bound input node \(node) ('\(checkpoint.path(of: node))') is a \(Self.kindName(object)), not a variable")
        }
        return variable
    }

    // MARK: - Variables

    /// The checkpoint value of every bound variable, by variable handle node.
    func readVariables() throws -> [String: Tensor] {
        var values: [String: Tensor] = [:]
        for (node, handle) in handles.sorted(by: { $0.key < $1.key }) {
            let variable = try savedVariable(node, field: "object_graph_def nodes[\(node)]")
            values[handle] = try checkpoint.value(ofVariable: node, variable: variable)
        }
        return values
    }
}
