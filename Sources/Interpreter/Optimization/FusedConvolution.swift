import Tensors

// MARK: - A convolution being fused

/// A `Conv2D` (NHWC, float32, constant HWIO filter) with the bias and activation absorbed so far.
struct FusedConvolution {
    /// The original `Conv2D` node: its input tensor and window attributes.
    let conv: GraphNode
    /// HWIO float32 filter, already scaled by folded batch norms.
    private(set) var filter: Tensor
    /// Per output channel; zeros until a batch norm or bias is absorbed.
    private(set) var biasValues: [Float]
    /// `"Relu"` or `"Relu6"` once absorbed.
    private(set) var activation: String?
    /// Whether a `BiasAdd` or batch norm was absorbed (TF fuses an activation only after one).
    private(set) var hasBiasOrBatchNorm = false
    var controlInputs: [String]
    /// The nodes of the graph as written absorbed so far (provenance of the fused node).
    var sourceNodes: [String] = []

    static let op = "tfhub.FusedConv2D"

    init?(conv2D node: GraphNode, constants: inout ConstantResolver) {
        let data = node.dataInputs
        guard data.count == 2, node.isNHWC,
              node.isFloat32("T"),
              let filter = constants.tensor(data[1]), filter.elementType == .float32, filter.shape.rank == 4
        else { return nil }
        conv = node
        self.filter = filter
        biasValues = [Float](repeating: 0, count: filter.shape[3])
        controlInputs = node.controlInputs
    }

    var outChannels: Int { filter.shape[3] }
    var bias: Tensor { Tensor(shape: [outChannels], scalars: biasValues) }

    // MARK: Absorbing

    /// Folds an inference batch norm: `s = scale * rsqrt(variance + epsilon)` (as the kernel computes it),
    /// filter columns times `s`, bias `(bias - mean) * s + offset`.
    func foldingBatchNorm(_ p: BatchNormParameters) -> FusedConvolution? {
        let c = outChannels
        guard activation == nil, p.scale.count == c, p.offset.count == c, p.mean.count == c, p.variance.count == c
        else { return nil }
        let factor = (0..<c).map { p.scale[$0] * (1 / (p.variance[$0] + p.epsilon).squareRoot()) }
        var copy = self
        copy.filter = Tensor(shape: filter.shape, of: Float.self) { out in
            filter.withUnsafeBufferPointer(as: Float.self) { w in
                // Row by row (HWIO: the output channel is the last axis): no division per weight, and the
                // inner loop vectorises (~58 M instructions for NASNet's 188 filters with `i % c`).
                factor.withUnsafeBufferPointer { f in
                    guard c > 0, let source = w.baseAddress, let target = out.baseAddress else { return }
                    for row in 0..<(w.count / c) {
                        let from = source + row * c, to = target + row * c
                        for j in 0..<c { to[j] = from[j] * f[j] }
                    }
                }
            }
        }
        copy.biasValues = (0..<c).map { (biasValues[$0] - p.mean[$0]) * factor[$0] + p.offset[$0] }
        copy.hasBiasOrBatchNorm = true
        return copy
    }

    func addingBias(_ values: [Float]) -> FusedConvolution? {
        guard activation == nil, values.count == outChannels else { return nil }
        var copy = self
        copy.biasValues = zip(biasValues, values).map { $0 + $1 }
        copy.hasBiasOrBatchNorm = true
        return copy
    }

    func withActivation(_ op: String) -> FusedConvolution {
        var copy = self
        copy.activation = op
        return copy
    }

    // MARK: Nodes

    /// The fused node: input `conv`'s input; filter (HWIO) and bias as typed parameters (`filter`,
    /// `bias`), so that only the packed filter the step captures stays in memory after planning.
    func node(named name: String) -> GraphNode {
        var attributes = conv.attributes
        attributes["activation"] = .string(Array((activation ?? "").utf8))
        let inputs: [NodeInputReference] = [conv.inputs[0]] + controlInputs.map { .control($0) }
        var origin: [String] = []
        for source in sourceNodes where !origin.contains(source) { origin.append(source) }
        return GraphNode(
            name: name, op: Self.op, inputs: inputs, attributes: attributes,
            parameters: ["filter": filter, "bias": bias], origin: origin)
    }
}

extension GraphNode {
    /// Whether type attribute `name` is float32.
    func isFloat32(_ name: String) -> Bool {
        if case .type(let t)? = attributes[name] { return t.elementType == .float32 }
        return false
    }

    /// Whether `data_format` is NHWC.
    var isNHWC: Bool {
        if case .string(let bytes)? = attributes["data_format"] { return bytes == Array("NHWC".utf8) }
        return false
    }
}

// MARK: - Batch norm parameters

/// The constant parameters of an inference-mode NHWC float32 `FusedBatchNorm`/`V2`/`V3`.
struct BatchNormParameters {
    let scale: [Float]
    let offset: [Float]
    let mean: [Float]
    let variance: [Float]
    let epsilon: Float

    init?(_ node: GraphNode, _ data: [TensorName], constants: inout ConstantResolver) {
        guard data.count == 5, node.isNHWC,
              node.isFloat32("T"),
              case .bool(false)? = node.attributes["is_training"],
              case .float(let epsilon)? = node.attributes["epsilon"],
              let scale = constants.floats(data[1]), let offset = constants.floats(data[2]),
              let mean = constants.floats(data[3]), let variance = constants.floats(data[4])
        else { return nil }
        self.scale = scale
        self.offset = offset
        self.mean = mean
        self.variance = variance
        self.epsilon = epsilon
    }
}

// MARK: - Constant values at rewrite time

/// Values of tensors known before planning: `Const` nodes and frozen variables, through pass-through
/// nodes. Fed tensors are never constant.
struct ConstantResolver {
    private let nodes: [String: GraphNode]
    private let feeds: Set<TensorName>
    private let frozenVariables: [String: Tensor]
    private var cache: [TensorName: Tensor?] = [:]

    init(nodes: [GraphNode], feeds: Set<TensorName>, frozenVariables: [String: Tensor]) {
        self.nodes = Dictionary(nodes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.feeds = feeds
        self.frozenVariables = frozenVariables
    }

    mutating func tensor(_ name: TensorName) -> Tensor? {
        if let cached = cache[name] { return cached }
        let value = resolve(name, depth: 0)
        cache[name] = value
        return value
    }

    /// A float32 vector's elements.
    mutating func floats(_ name: TensorName) -> [Float]? {
        guard let value = tensor(name), value.elementType == .float32, value.shape.rank == 1 else { return nil }
        return value.scalars(as: Float.self)
    }

    private func resolve(_ name: TensorName, depth: Int) -> Tensor? {
        guard depth < 64, !feeds.contains(name), name.output == 0, let node = nodes[name.node] else { return nil }
        switch node.op {
        case "Const":
            return try? Attributes(node.attributes, nodeName: node.name, op: node.op).tensor("value")
        case "VariableV2", "VarHandleOp":
            return frozenVariables[node.name]
        case "Identity", "StopGradient", "Snapshot", "ReadVariableOp":
            guard let input = node.dataInputs.first else { return nil }
            return resolve(input, depth: depth + 1)
        default:
            return nil
        }
    }
}
