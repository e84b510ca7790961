import Tensors

// MARK: - Activations TensorFlow fuses into the contraction before them

/// TensorFlow's grappler remapper fuses `Conv2D`, `DepthwiseConv2dNative` or `MatMul` + `BiasAdd` (and
/// `Conv2D` + inference `FusedBatchNorm`) + `Relu`/`Relu6` into one kernel whose activation maps NaN to 0
/// (oneDNN), where a standalone `Relu` keeps it. Convolutions fused here already clamp that way
/// (`FusedConvolution`); the same chains left unfused (a depthwise or matmul, a variable filter) get
/// `tfhub.ContractionActivation` in place of their `Relu`/`Relu6`, so optimized plans give TF's default
/// numbers. Graphs planned as written keep TF's per-op semantics (TF with the remapper off).
///
/// The remapper also fuses `FusedBatchNorm`/`V2`/`V3` (inference or training) + `Relu` (not `Relu6`)
/// into `_FusedBatchNormEx`, with the same rule in oneDNN's vectorised kernel (channel counts that are
/// multiples of 16, as NASNet's stem; other counts take a loop that keeps NaN, which is not followed).
extension GraphRewriter {
    static let contractionActivationOp = "tfhub.ContractionActivation"

    private static let contractions: Set<String> = ["Conv2D", "DepthwiseConv2dNative", "MatMul"]

    func markContractionActivations(_ nodes: [GraphNode]) -> [GraphNode] {
        let consumers = consumerCounts(nodes)
        let byName = Dictionary(nodes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

        /// `node` when `tensor` is its first output and this is its only reader.
        func soleReader(of tensor: TensorName) -> GraphNode? {
            guard tensor.output == 0, consumers[tensor] == 1, !feeds.contains(tensor) else { return nil }
            return byName[tensor.node]
        }
        func isFusedChain(_ activation: GraphNode) -> Bool {
            guard activation.isFloat32("T"), activation.dataInputs.count == 1,
                  let middle = soleReader(of: activation.dataInputs[0]), let source = middle.dataInputs.first,
                  let contraction = soleReader(of: source), contraction.isFloat32("T")
            else { return false }
            switch middle.op {
            case "BiasAdd": return middle.isNHWC && Self.contractions.contains(contraction.op)
            case let op where Self.batchNormOps.contains(op):
                guard case .bool(false)? = middle.attributes["is_training"] else { return false }
                return contraction.op == "Conv2D" && Self.onlyFirstOutputRead(of: middle, consumers: consumers)
            default: return false
            }
        }
        func isFusedBatchNormRelu(_ activation: GraphNode) -> Bool {
            guard activation.op == "Relu", activation.isFloat32("T"), activation.dataInputs.count == 1,
                  let norm = soleReader(of: activation.dataInputs[0])
            else { return false }
            return Self.batchNormOps.contains(norm.op) && norm.isNHWC && norm.isFloat32("T")
        }
        return nodes.map { node in
            guard node.op == "Relu" || node.op == "Relu6", isFusedChain(node) || isFusedBatchNormRelu(node) else { return node }
            var attributes = node.attributes
            attributes["activation"] = .string(Array(node.op.utf8))
            return GraphNode(name: node.name, op: Self.contractionActivationOp, inputs: node.inputs,
                             attributes: attributes, origin: node.sourceNodes)
        }
    }
}
