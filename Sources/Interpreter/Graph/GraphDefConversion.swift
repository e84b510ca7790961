import TFProto
import Tensors

// MARK: - Building a Graph from protobuf values

extension Graph {
    /// A graph from a `GraphDef`.
    ///
    /// - Parameters:
    ///   - graphDef: the graph (e.g. a MetaGraphDef's `graph_def`).
    ///   - opList: the MetaGraphDef's `meta_info_def.stripped_op_list`, whose attribute defaults fill
    ///     attributes that exports strip; ops it does not list use TensorFlow 2.21's defaults built into
    ///     the interpreter. Pass `nil` for a bare GraphDef.
    ///   - limits: node count and tensor size caps (`GraphLimits.default` unless given).
    ///   - functionCallsReaching: when the graph has a function library, the tensors whose function
    ///     calls are inlined (see `FunctionInliner`); `nil` inlines every call of the graph. Calls
    ///     outside the fan-in of these tensors, and functions nothing calls, are ignored.
    ///   - feeds: tensors that will be fed: their nodes are not followed, and a `PlaceholderWithDefault`
    ///     among them is not taken as the constant condition of an `If`. An unfed one is: its `If`s are
    ///     inlined with the default's branch, so feeding that placeholder later changes nothing.
    /// - Throws: `PlanningError.badTensorName` for malformed inputs, `.invalidNode` for duplicate names,
    ///   `.tooManyNodes` above `limits.maximumNodeCount`; while inlining, `.unknownFunction`,
    ///   `.recursiveFunction`, `.invalidFunction` and `.invalidNode` (an `If` on a run-time condition).
    public convenience init(
        graphDef: GraphDef, opList: OpList? = nil, limits: GraphLimits = .default,
        functionCallsReaching fetches: [String]? = nil, feeds: [String] = []
    ) throws {
        guard graphDef.node.count <= limits.maximumNodeCount else {
            throw PlanningError.tooManyNodes(count: graphDef.node.count, limit: limits.maximumNodeCount)
        }
        let (graphNodes, functionOf) = try FunctionInliner.inline(
            graphDef.node, library: graphDef.library, opList: opList, fetches: fetches, feeds: feeds,
            maximumNodeCount: limits.maximumNodeCount)
        let byteLimit = limits.maximumTensorByteCount
        var opDefaults: [String: [String: AttributeValue]] = [:]
        for op in opList?.op ?? [] {
            opDefaults[op.name] = op.attrDefaults.mapValues { AttributeValue($0, maximumTensorByteCount: byteLimit) }
        }
        let nodes = try graphNodes.map { node in
            GraphNode(
                name: node.name, op: node.op,
                inputs: try node.input.map { try NodeInputReference(parsing: $0) },
                attributes: node.attr.mapValues { AttributeValue($0, maximumTensorByteCount: byteLimit) },
                function: functionOf[node.name])
        }
        try self.init(
            nodes: nodes, opDefaults: opDefaults, maximumTensorByteCount: byteLimit,
            maximumConstantByteCount: limits.maximumConstantByteCount)
    }
}

extension Graph {
    /// This graph plus the nodes of `graphDef` (e.g. a loss head reading the graph's tensors), keeping
    /// the variables bound by `freezingVariables(_:)`. Attributes the nodes omit take TensorFlow 2.21's
    /// defaults; `graphDef`'s function library is not read.
    ///
    /// - Throws: `PlanningError.badTensorName` for malformed inputs, `.invalidNode` for a name the graph
    ///   already has.
    public func adding(_ graphDef: GraphDef) throws -> Graph {
        let extra = try graphDef.node.map { node in
            GraphNode(
                name: node.name, op: node.op,
                inputs: try node.input.map { try NodeInputReference(parsing: $0) },
                attributes: node.attr.mapValues { AttributeValue($0, maximumTensorByteCount: maximumTensorByteCount) })
        }
        return try Graph(extending: self, with: extra)
    }
}

extension AttributeValue {
    init(_ value: AttrValue) {
        self.init(value, maximumTensorByteCount: GraphLimits.default.maximumTensorByteCount)
    }

    init(_ value: AttrValue, maximumTensorByteCount limit: Int) {
        switch value {
        case .i(let i): self = .int(i)
        case .f(let f): self = .float(f)
        case .b(let b): self = .bool(b)
        case .s(let s): self = .string(s)
        case .type(let t): self = .type(DataTypeCode(rawValue: t.rawValue))
        case .shape(let s): self = .shape(PartialShape(s))
        case .tensor(let t): self = .tensor(TensorLiteral(t, maximumByteCount: limit))
        case .list(let l):
            self = .list(AttributeList(
                ints: l.i, floats: l.f, bools: l.b, strings: l.s,
                types: l.type.map { DataTypeCode(rawValue: $0.rawValue) }, shapes: l.shape.map(PartialShape.init),
                tensors: l.tensor.map { TensorLiteral($0, maximumByteCount: limit) }, functions: l.func.map(\.name)))
        case .func(let f): self = .function(f.name)
        case .placeholder(let p): self = .placeholder(p)
        case .unset: self = .unset
        }
    }
}

extension PartialShape {
    init(_ proto: TensorShapeProto) {
        self.init(dimensions: proto.dims.map { dims in dims.map { Int(clamping: $0) } })
    }
}

extension TensorLiteral {
    init(_ proto: TensorProto, maximumByteCount: Int) {
        self.init { try Tensor(decoding: proto, maximumByteCount: maximumByteCount) }
    }
}
