import Foundation
import Synchronization
import Tensors

/// A TensorFlow graph ready to be planned and run.
///
/// Build one from a `GraphDef` (see `Graph(graphDef:opList:)`), then ask for an `ExecutionPlan` for a
/// set of fed tensors (with concrete types and shapes) and fetched tensors, and run the plan as often as
/// needed, from any number of threads. Tensor names are `"node"` (output 0) or `"node:index"`.
///
/// Plans are cached by feeds and fetches, so calling `plan` or `run` repeatedly with the same feed
/// shapes plans once.
public final class Graph: Sendable {
    let nodes: [String: GraphNode]
    let registry: OpRegistry
    /// The largest tensor (in bytes) a plan may create; graphs asking for more are refused at plan time.
    public let maximumTensorByteCount: Int
    /// The most bytes of plan-time constants (`Const` values, folded results, frozen variables) one plan may hold.
    public let maximumConstantByteCount: Int
    /// Variable values bound at plan time by variable node name (see `freezingVariables(_:)`).
    let frozenVariables: [String: Tensor]

    private let cache = Mutex(PlanCache())
    private static let planCacheCapacity = 32

    /// Builds a graph from nodes whose attributes are not yet merged with defaults. `opDefaults` holds
    /// the defaults of a MetaGraphDef's `stripped_op_list`, by op; attributes it does not cover use the
    /// registry's built-in defaults.
    init(nodes: [GraphNode], opDefaults: [String: [String: AttributeValue]] = [:],
         registry: OpRegistry = .standard, maximumTensorByteCount: Int = 1 << 32,
         maximumConstantByteCount: Int = GraphLimits.default.maximumConstantByteCount) throws {
        var table: [String: GraphNode] = [:]
        table.reserveCapacity(nodes.count)
        for node in nodes {
            guard table[node.name] == nil else {
                throw PlanningError.invalidNode(node: node.name, op: node.op, reason: "duplicate node name")
            }
            // The node's own attributes, then the graph's op list defaults, then the built-in ones.
            let merged = node.attributes
                .merging(opDefaults[node.op] ?? [:]) { own, _ in own }
                .merging(registry[node.op]?.defaults ?? [:]) { own, _ in own }
            table[node.name] = GraphNode(
                name: node.name, op: node.op, inputs: node.inputs, attributes: merged, function: node.function)
        }
        self.nodes = table
        self.registry = registry
        self.maximumTensorByteCount = maximumTensorByteCount
        self.maximumConstantByteCount = maximumConstantByteCount
        self.frozenVariables = [:]
    }

    /// `graph` plus `extra` nodes (already merged with defaults), e.g. gradient nodes.
    init(extending graph: Graph, with extra: [GraphNode]) throws {
        var table = graph.nodes
        for node in extra {
            guard table[node.name] == nil else {
                throw PlanningError.invalidNode(node: node.name, op: node.op, reason: "duplicate node name")
            }
            let merged = node.attributes.merging(graph.registry[node.op]?.defaults ?? [:]) { own, _ in own }
            table[node.name] = GraphNode(name: node.name, op: node.op, inputs: node.inputs, attributes: merged)
        }
        nodes = table
        registry = graph.registry
        maximumTensorByteCount = graph.maximumTensorByteCount
        maximumConstantByteCount = graph.maximumConstantByteCount
        frozenVariables = graph.frozenVariables
    }

    private init(copying graph: Graph, frozenVariables: [String: Tensor]) {
        nodes = graph.nodes
        registry = graph.registry
        maximumTensorByteCount = graph.maximumTensorByteCount
        maximumConstantByteCount = graph.maximumConstantByteCount
        self.frozenVariables = frozenVariables
    }

    /// The same graph with these variables' values fixed: plans read them as constants (so the planner
    /// can fold batch norms into convolution filters and pack filters once), and `run` no longer needs
    /// them in its variable store. For modules whose variables never change after loading.
    ///
    /// - Parameter variables: values by variable node name (`VariableV2`/`VarHandleOp`, the checkpoint
    ///   key); each must have the variable's `dtype` and `shape`, which planning checks.
    public func freezingVariables(_ variables: [String: Tensor]) -> Graph {
        Graph(copying: self, frozenVariables: frozenVariables.merging(variables) { _, new in new })
    }

    /// The TensorFlow op names this interpreter implements, sorted.
    public static var supportedOps: [String] { OpRegistry.standard.opNames }

    /// The number of nodes in the graph.
    public var nodeCount: Int { nodes.count }

    // MARK: - Planning

    /// Plans the computation of `fetches` from `feeds`.
    ///
    /// - Parameters:
    ///   - feeds: tensors whose values `run` will supply, by tensor name, with their element type and
    ///     concrete shape (e.g. `"images": ValueType(.float32, [1, 224, 224, 3])`, NHWC). Any tensor may
    ///     be fed; the nodes behind fed tensors are not run.
    ///   - fetches: the tensors to compute, in the order `run` returns them.
    ///   - options: kernel threads and plan-time rewrites.
    /// - Throws: `PlanningError`: every unsupported op of the needed subgraph at once, missing nodes,
    ///   cycles, unfed placeholders, feeds of the wrong type or shape, and invalid nodes.
    public func plan(
        feeds: [String: ValueType], fetches: [String], options: PlanOptions = PlanOptions()
    ) throws -> ExecutionPlan {
        try plan(for: planKey(feeds: feeds, fetches: fetches, options: options))
    }

    /// Plans (or reuses a cached plan) for these feeds' types and shapes, then runs it.
    ///
    /// - Parameters:
    ///   - context: the threads of this run; `nil` makes one of `options.threads` threads for this call
    ///     (pass a context to reuse its pool across calls).
    /// - Returns: the fetched tensors, in the order of `fetches`.
    public func run(
        feeds: [String: Tensor], fetches: [String], variables: any VariableStore = [String: Tensor](),
        options: PlanOptions = PlanOptions(), context: ExecutionContext? = nil, profile: PlanProfile? = nil
    ) throws -> [Tensor] {
        let key = try planKey(feeds: feeds.mapValues { ValueType($0.elementType, $0.shape) }, fetches: fetches, options: options)
        let plan = try plan(for: key)
        let context = context ?? ExecutionContext(threads: options.threads)
        if let batch = plan.separableBatch,
           let schedule = MicroBatchSchedule(batch: batch, microBatch: options.microBatch, threads: context.threads),
           let outputs = try runInMicroBatches(
               plan, schedule: schedule, feeds: feeds, fetches: fetches, variables: variables, options: options,
               context: context, profile: profile, key: key) {
            return outputs
        }
        return try plan.run(feeds: feeds, variables: variables, context: context, profile: profile)
    }

    /// Parses and checks tensor names into the plan cache's key.
    private func planKey(feeds: [String: ValueType], fetches: [String], options: PlanOptions) throws -> PlanKey {
        var parsedFeeds: [TensorName: ValueType] = [:]
        for (name, type) in feeds {
            let tensor = try TensorName(parsing: name)
            guard parsedFeeds.updateValue(type, forKey: tensor) == nil else {
                throw PlanningError.badFeed(tensor: name, reason: "fed twice")
            }
        }
        // Plans do not depend on the thread budget: one plan serves every context.
        var planning = options
        planning.threads = 1
        return PlanKey(feeds: parsedFeeds, fetches: try fetches.map { try TensorName(parsing: $0) }, options: planning)
    }

    /// The cached plan for `key`, or a new one (then cached).
    private func plan(for key: PlanKey) throws -> ExecutionPlan {
        if let cached = cache.withLock({ $0.plans[key] }) { return cached }
        let plan = try Planner(graph: self, feeds: key.feeds, fetches: key.fetches, options: key.options).makePlan()
        cache.withLock {
            // Bounded: a caller cycling through many feed shapes must not grow memory without limit.
            if $0.plans.count >= Self.planCacheCapacity { $0.plans.removeAll() }
            $0.plans[key] = plan
        }
        return plan
    }

    func refusesMicroBatches(_ key: PlanKey) -> Bool { cache.withLock { $0.microBatchRefusals.contains(key) } }

    func rememberMicroBatchRefusal(_ key: PlanKey) {
        cache.withLock {
            if $0.microBatchRefusals.count >= Self.planCacheCapacity { $0.microBatchRefusals.removeAll() }
            $0.microBatchRefusals.insert(key)
        }
    }
}

/// The plans a graph made, by feeds, fetches and options, and the keys whose plans refused micro-batches.
private struct PlanCache {
    var plans: [PlanKey: ExecutionPlan] = [:]
    /// Plans whose graph refused micro-batch feeds (a placeholder fixing the batch): run whole.
    var microBatchRefusals: Set<PlanKey> = []
}

struct PlanKey: Hashable {
    let feeds: [TensorName: ValueType]
    let fetches: [TensorName]
    let options: PlanOptions
}
