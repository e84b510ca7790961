import Dispatch
import Kernels
import Tensors

/// A planned computation: a list of steps over numbered value slots, for fixed feed types and shapes.
///
/// Immutable and `Sendable`: `run` keeps its values in local storage, so one plan can run on several
/// threads at once.
public struct ExecutionPlan: Sendable {
    /// Where a slot's value comes from.
    enum SlotSource: Sendable {
        case constant
        case feed(TensorName)
        case variable(String)
        case step
    }

    let slotTypes: [ValueType]
    let steps: [Step]
    let initialValues: [(slot: Int, value: Tensor)]
    let feedSlots: [TensorName: Int]
    let variableSlots: [(slot: Int, name: String)]

    /// The variables the plan reads, by variable node name (the checkpoint key), with their types.
    public let variables: [String: ValueType]
    /// The fetched tensors, in the order `run` returns them.
    public let fetches: [TensorName]
    let fetchSlots: [Int]
    /// `N` when the plan treats axis 0 (size `N`) of every feed and fetch as independent examples
    /// (`BatchSeparability`), so that runs on micro-batches of the feeds give the same rows.
    public let separableBatch: Int?
    /// Step ordering for runs on several threads.
    let dependencies: StepDependencies
    /// Arenas holding the results of the steps that write into given outputs (`ArenaLayout`); nil: every
    /// result is allocated by its kernel (plans as written, for training).
    let arenas: ArenaPool?
    /// The same for runs whose steps go one after another (one thread; `ArenaLayout.Order.serial`): a
    /// tighter layout, whose bytes are more often still in cache.
    let serialArenas: ArenaPool?

    /// Bytes of the block a run on several threads keeps its step results in (`PlanOptions.arena`; 0: none).
    public var arenaByteCount: Int { arenas?.layout.byteCount ?? 0 }
    /// The arena's size for runs on one thread (micro-batches run so).
    public var serialArenaByteCount: Int { serialArenas?.layout.byteCount ?? 0 }

    /// The types and shapes of the fetched tensors.
    public var fetchTypes: [ValueType] { fetchSlots.map { slotTypes[$0] } }

    /// The types and shapes the plan expects for its feeds.
    public var feedTypes: [TensorName: ValueType] { feedSlots.mapValues { slotTypes[$0] } }

    /// The number of kernel steps a run executes (after pruning and constant folding).
    public var stepCount: Int { steps.count }

    /// The largest number of bytes of step results alive at once during a run (feeds, constants and
    /// variables not counted), and the node of the step where it occurs: each result lives from its
    /// step to its last reader, as `run` releases it.
    public var peakStepResultBytes: (bytes: Int, node: String) {
        func bytes(_ slot: Int) -> Int {
            slotTypes[slot].shape.elementCount * (slotTypes[slot].elementType.byteSize ?? 8)
        }
        let results = Set(steps.flatMap(\.outputs))
        var live = 0
        var peak = (bytes: 0, node: "")
        for step in steps {
            for slot in step.outputs { live += bytes(slot) }
            if live > peak.bytes { peak = (live, step.node) }
            for slot in step.releaseAfter where results.contains(slot) { live -= bytes(slot) }
        }
        return peak
    }

    // MARK: - Running

    /// Runs the plan on the threads of `context`.
    ///
    /// With more than one thread the steps run on up to `context.threads` threads at once, each step as
    /// soon as the steps it reads from are done (NASNet-A's cells have many independent branches), with
    /// single-threaded kernels; steps that nothing can run beside (the first convolution) split their
    /// kernel over the threads instead. A step's result does not depend on the thread it ran on.
    ///
    /// - Parameters:
    ///   - feeds: a value for every tensor the plan was made for, by tensor name, each of exactly the
    ///     planned type and shape.
    ///   - variables: values for the variables the plan reads (`variables`), by variable node name.
    ///   - context: threads, worker pool and instruction set of this run.
    ///   - profile: when given, receives the wall time of every step, by op type.
    ///   - runIndex: how many times the caller ran this plan before: ops with per-run state (stateful
    ///     `RandomUniform`, e.g. dropout or drop path in a training graph) draw what TensorFlow's run of
    ///     that number draws. 0 (the default) gives every run the first run's values.
    /// - Returns: the fetched tensors, in the order of `fetches`.
    public func run(
        feeds: [String: Tensor], variables store: any VariableStore = [String: Tensor](),
        context: ExecutionContext = .singleThreaded, profile: PlanProfile? = nil, runIndex: UInt64 = 0
    ) throws -> [Tensor] {
        let values = UnsafeMutablePointer<Tensor?>.allocate(capacity: slotTypes.count)
        values.initialize(repeating: nil, count: slotTypes.count)
        defer {
            values.deinitialize(count: slotTypes.count)
            values.deallocate()
        }
        try bindInputs(feeds: feeds, variables: store, values: values)
        let inDataflowOrder = context.threads > 1 && steps.count > 1 && context.pool != nil
        let pool = inDataflowOrder ? arenas : serialArenas
        let arena = pool?.take()
        defer { if let arena { pool?.give(arena) } }
        // Kernels run with denormals flushed to zero, as TensorFlow's executor runs them (a denormal
        // divisor is 0: 1 / 1e-39 is Inf); the caller's floating-point mode comes back afterwards.
        try withDenormalsFlushed {
            if inDataflowOrder, let pool = context.pool {
                try DataflowRun(plan: self, values: values, arena: arena, profile: profile)
                    .run(context: context, pool: pool, runIndex: runIndex)
            } else {
                var options = context.kernelOptions
                options.runIndex = runIndex
                for step in steps {
                    try execute(step, values: values, arena: arena, options: options, profile: profile)
                    for slot in step.releaseAfter { values[slot] = nil }
                }
            }
        }
        profile?.finishRun()
        return try fetchSlots.map { slot in
            guard let value = values[slot] else {
                throw ExecutionError.kernelFailed(node: "?", op: "?", reason: "fetched slot \(slot) was never computed")
            }
            return value.ownedCopy
        }
    }

    private func bindInputs(feeds: [String: Tensor], variables store: any VariableStore, values: UnsafeMutablePointer<Tensor?>) throws {
        for (slot, value) in initialValues { values[slot] = value }

        var fedCount = 0
        for (name, tensor) in feeds {
            let tensorName = try TensorName(parsing: name)
            guard let slot = feedSlots[tensorName] else {
                throw ExecutionError.feedMismatch(tensor: name, expected: "no feed (the plan does not read it)", found: "a value")
            }
            let expected = slotTypes[slot]
            guard expected.matches(tensor) else {
                throw ExecutionError.feedMismatch(
                    tensor: name, expected: expected.description, found: "\(tensor.elementType) \(tensor.shape)")
            }
            values[slot] = tensor
            fedCount += 1
        }
        if fedCount < feedSlots.count {
            let missing = feedSlots.first { values[$0.value] == nil }.map { $0.key.description } ?? "?"
            throw ExecutionError.missingFeed(tensor: missing)
        }

        for (slot, name) in variableSlots {
            guard let tensor = store.value(ofVariable: name) else { throw ExecutionError.missingVariable(name: name) }
            let expected = slotTypes[slot]
            guard expected.elementType == tensor.elementType, expected.shape == tensor.shape else {
                throw ExecutionError.variableMismatch(
                    name: name, expected: "\(expected.elementType) \(expected.shape)",
                    found: "\(tensor.elementType) \(tensor.shape)")
            }
            values[slot] = tensor
        }
    }

    /// Runs one step: reads its inputs from `values`, stores its outputs there. A step with a `KernelWrite`
    /// writes into outputs placed in `values` first (views of `arena`, or fresh tensors); another step's
    /// outputs are checked against the plan, and one that shares an arena view (a kernel returning its
    /// input) is copied, since the arena's bytes are reused once their planned readers are done.
    func execute(
        _ step: Step, values: UnsafeMutablePointer<Tensor?>, arena: Arena?, options: KernelOptions, profile: PlanProfile?
    ) throws {
        let start = profile == nil ? 0 : DispatchTime.now().uptimeNanoseconds
        for slot in step.inputs where values[slot] == nil {
            throw ExecutionError.kernelFailed(node: step.node, op: step.op.name, reason: "input slot \(slot) is empty")
        }
        if let write = step.write {
            for slot in step.outputs {
                values[slot] = arena?.views[slot] ?? slotTypes[slot].uninitializedTensor(recycler: options.recycler)
            }
            do {
                try step.inputs.withUnsafeBufferPointer { inputs in
                    try step.outputs.withUnsafeBufferPointer { outputs in
                        try write(StepIO(values: values, inputSlots: inputs, outputSlots: outputs), options)
                    }
                }
            } catch {
                throw ExecutionError.kernelFailed(node: step.node, op: step.op.name, reason: "\(error)")
            }
        } else {
            let inputs = step.inputs.map { values[$0].unsafelyUnwrapped }
            let outputs: [Tensor]
            do { outputs = try step.kernel(inputs, options) } catch {
                throw ExecutionError.kernelFailed(node: step.node, op: step.op.name, reason: "\(error)")
            }
            guard outputs.count == step.outputs.count else {
                throw ExecutionError.kernelFailed(
                    node: step.node, op: step.op.name, reason: "produced \(outputs.count) outputs, planned \(step.outputs.count)")
            }
            for (slot, output) in zip(step.outputs, outputs) {
                guard slotTypes[slot].matches(output) else {
                    throw ExecutionError.kernelFailed(
                        node: step.node, op: step.op.name,
                        reason: "produced \(output.elementType) \(output.shape), planned \(slotTypes[slot])")
                }
                values[slot] = arena == nil ? output : output.ownedCopy
            }
        }
        if let profile {
            let elapsed = DispatchTime.now().uptimeNanoseconds &- start
            profile.record(op: profile.groupsByShape ? shapeKey(step) : step.op.name, nanoseconds: elapsed)
        }
    }

    /// A step's op with its input and output shapes, for profiles grouped by shape.
    private func shapeKey(_ step: Step) -> String {
        step.op.name + " " + step.inputs.map { "\(slotTypes[$0].shape)" }.joined(separator: " ") + " -> "
            + step.outputs.map { "\(slotTypes[$0].shape)" }.joined(separator: " ")
    }
}

// MARK: - Variables

/// Supplies variable values by variable node name (the `VariableV2`/`VarHandleOp` node, which is also
/// the TF1 checkpoint key).
public protocol VariableStore {
    func value(ofVariable name: String) -> Tensor?
}

extension Dictionary: VariableStore where Key == String, Value == Tensor {
    public func value(ofVariable name: String) -> Tensor? { self[name] }
}
