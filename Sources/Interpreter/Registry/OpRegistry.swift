// MARK: - Registering an op
//
// Each op family has one file under `Ops/` that returns a table `[OpDefinition]`; `OpRegistry.standard`
// concatenates the families. To add an op, add one `OpDefinition` to its family's table:
//
//     OpDefinition("Relu", traits: .perExample) { node in
//         try node.requireInputCount(1)
//         let x = try node.input(0, ofTypes: [.float32])
//         return PlannedOp(outputs: [x]) { inputs, options in [try unary(.relu, inputs[0], options: options)] }
//     }
//
// The builder runs at PLAN time, once per node and per set of feed shapes. It receives a `PlanNode`
// (node name, op, merged attributes, input types with fully known shapes, constant input values where
// the planner knows them) and must
//   1. parse and check every attribute and input it uses, throwing the `PlanningError` helpers of
//      `PlanNode` (they name the node and op), never trapping;
//   2. return the output types and shapes, and the run step.
// The run step runs at RUN time, possibly on several threads at once: it only computes. It receives the
// input tensors (types and shapes exactly as planned) and the kernel options of this run (threads, pool,
// instruction set: passed, never ambient), and returns the outputs (exactly as planned; the executor
// checks). It must not capture mutable state. What the op is (per-example, stateful, forwarding) is
// declared once, in `traits`. It may throw (e.g. `Kernels.KernelError`) for data-dependent
// failures (e.g. an out-of-range index value), which the executor reports with the node's name.

/// How one TensorFlow op is planned.
struct OpDefinition: Sendable {
    /// The TensorFlow op name, e.g. `"Conv2D"`.
    let name: String
    /// Attribute defaults from TensorFlow's OpDef, used when the graph carries no `stripped_op_list`
    /// entry for this op. A test keeps these equal to TensorFlow 2.21's registry.
    let defaults: [String: AttributeValue]
    /// What the planner and scheduler may assume about the op.
    let traits: OpTraits
    let build: @Sendable (PlanNode) throws -> PlannedOp

    init(_ name: String, defaults: [String: AttributeValue] = [:], traits: OpTraits = .general,
         build: @escaping @Sendable (PlanNode) throws -> PlannedOp) {
        self.name = name
        self.defaults = defaults
        self.traits = traits
        self.build = build
    }

    var identity: OpIdentity { OpIdentity(name: name, traits: traits) }
}

/// All implemented ops by TensorFlow name.
struct OpRegistry: Sendable {
    let definitions: [String: OpDefinition]

    init(families: [[OpDefinition]]) {
        var table: [String: OpDefinition] = [:]
        for definition in families.joined() {
            precondition(table[definition.name] == nil, "op \(definition.name) registered twice")
            table[definition.name] = definition
        }
        definitions = table
    }

    /// The registry of every op family.
    static let standard = OpRegistry(families: [
        stateOps(), controlOps(), arrayOps(), nnOps(), mathOps(), gradientOps(),
    ])

    subscript(op: String) -> OpDefinition? { definitions[op] }

    /// The definition of `op`, also for the `tfhub.*` ops that only plan-time rewrites create.
    func definitionIncludingFused(_ op: String) -> OpDefinition? { definitions[op] ?? FusedOps.definitions[op] }

    var opNames: [String] { definitions.keys.sorted() }
}
