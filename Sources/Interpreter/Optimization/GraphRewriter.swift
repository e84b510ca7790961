import Tensors

/// Plan-time rewrites of the needed subgraph, each keeping TensorFlow's results (up to float rounding):
///
/// 1. pass-through nodes (ops registered with `OpTraits.forwardsInputs`: `Identity`, `StopGradient`,
///    one-input `IdentityN`) are dropped: consumers read their input;
/// 2. duplicate activations (`Relu`, `Relu6` of the same tensor; TF-Slim emits one per branch) are merged;
/// 3. an inference-mode `FusedBatchNorm`/`V2`/`V3` after a `Conv2D` with constant filter and constant
///    batch-norm parameters becomes one convolution with scaled filter and a bias
///    (`w'[..., o] = w[..., o] * s[o]`, `b[o] = offset[o] - mean[o] * s[o]`, `s = scale / sqrt(var + eps)`);
/// 4. a `BiasAdd` of a constant bias after such a convolution joins its bias;
/// 5. a `Relu`/`Relu6` that is the only consumer of such a convolution with a bias or batch norm becomes
///    its epilogue (as TF fuses it: NaN becomes 0; after a bare `Conv2D` TF keeps a standalone ReLU);
/// 6. `Pad` -> `StridedSlice` -> 1x1 `AvgPool`/`MaxPool` (TF-Slim's factorised reduction) becomes one
///    gather (`ShiftedSubsample.swift`);
/// 7. a `ConcatV2` computes the float32 `Add`s only it reads itself, writing each sum into its place
///    (`ConcatOfSums.swift`);
/// 8. a `Relu`/`Relu6` that TF would fuse into the depthwise convolution or matmul and bias before it
///    applies TF's fused rule (`ContractionActivation.swift`);
/// 9. a `Relu` that is the only reader of a `ConcatV2` (or of 7.) is applied by the concatenation as it
///    writes (`ConcatOfSums.swift`);
/// 10. a `Relu` read only by depthwise convolutions (as their input) is applied by them as they read it
///    (`ReluIntoDepthwise.swift`).
///
/// Nodes keep their names where consumers or fetches can see them: a fused node takes the name of the
/// last node it replaces. Nothing is rewritten across a fed tensor, and a fetched or fed tensor is never
/// removed. Nodes that are only control inputs are never planned, so dropping them is harmless.
struct GraphRewriter {
    let nodes: [GraphNode]
    let feeds: Set<TensorName>
    let fetches: [TensorName]
    let frozenVariables: [String: Tensor]
    /// Traits of the ops (which forward their inputs).
    let registry: OpRegistry

    func rewritten() throws -> [GraphNode] {
        let merged = dropPassThroughsAndDuplicates(nodes)
        let convolutions = markContractionActivations(try fuseConvolutions(fusePadSliceSubsample(merged)))
        return fuseReluIntoDepthwise(fuseReluIntoConcat(fuseConcatOfSums(convolutions)))
    }

    // MARK: - Pass-through nodes and duplicates

    private static let mergeableOps: Set<String> = ["Relu", "Relu6"]

    private func dropPassThroughsAndDuplicates(_ nodes: [GraphNode]) -> [GraphNode] {
        let protected = Set(fetches.map(\.node)).union(feeds.map(\.node))
        var alias: [TensorName: TensorName] = [:]
        var seen: [String: String] = [:]
        var result: [GraphNode] = []
        result.reserveCapacity(nodes.count)
        for original in nodes {
            let node = original.redirectingInputs(alias)
            let data = node.dataInputs
            if !protected.contains(node.name), data.count == 1 {
                if registry[node.op]?.traits.forwardsInputs == true {
                    alias[TensorName(node: node.name)] = data[0]
                    continue
                }
                if Self.mergeableOps.contains(node.op) {
                    let key = "\(node.op)|\(data[0])|\(node.attributes["T"].map(\.summary) ?? "")"
                    if let twin = seen[key] {
                        alias[TensorName(node: node.name)] = TensorName(node: twin)
                        continue
                    }
                    seen[key] = node.name
                }
            }
            result.append(node)
        }
        return result
    }

    /// How many readers each tensor has: data inputs of `nodes`, plus one for a fetched or fed tensor
    /// (their readers are outside the graph).
    func consumerCounts(_ nodes: [GraphNode]) -> [TensorName: Int] {
        var consumers: [TensorName: Int] = [:]
        for node in nodes { for input in node.dataInputs { consumers[input, default: 0] += 1 } }
        for tensor in fetches { consumers[tensor, default: 0] += 1 }
        for tensor in feeds { consumers[tensor, default: 0] += 1 }
        return consumers
    }

    // MARK: - Convolution fusion

    static let batchNormOps: Set<String> = ["FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3"]

    /// Whether a batch norm's outputs other than `y` (batch mean and variance, reserve spaces) have no reader.
    static func onlyFirstOutputRead(of node: GraphNode, consumers: [TensorName: Int]) -> Bool {
        (1..<6).allSatisfy { consumers[TensorName(node: node.name, output: $0)] == nil }
    }

    private func fuseConvolutions(_ nodes: [GraphNode]) throws -> [GraphNode] {
        let consumers = consumerCounts(nodes)
        var constants = ConstantResolver(nodes: nodes, feeds: feeds, frozenVariables: frozenVariables)

        var result: [GraphNode?] = []
        result.reserveCapacity(nodes.count)
        var position: [String: Int] = [:]
        var fused: [String: FusedConvolution] = [:]

        /// The fused (or plain `Conv2D`) producer of `tensor` when this node is its only reader.
        func soleProducer(of tensor: TensorName) -> (index: Int, conv: FusedConvolution)? {
            guard tensor.output == 0, consumers[tensor] == 1, !feeds.contains(tensor),
                  let index = position[tensor.node], let node = result[index]
            else { return nil }
            if let existing = fused[node.name] { return (index, existing) }
            guard node.op == "Conv2D", let conv = FusedConvolution(conv2D: node, constants: &constants) else { return nil }
            return (index, conv)
        }

        for node in nodes {
            var replacement: FusedConvolution?
            var absorbed: Int?
            switch node.op {
            case let op where Self.batchNormOps.contains(op):
                let data = node.dataInputs
                if data.count == 5, Self.onlyFirstOutputRead(of: node, consumers: consumers),
                   let (index, conv) = soleProducer(of: data[0]),
                   let parameters = BatchNormParameters(node, data, constants: &constants),
                   let folded = conv.foldingBatchNorm(parameters) {
                    replacement = folded
                    absorbed = index
                }
            case "BiasAdd":
                let data = node.dataInputs
                if data.count == 2, node.isNHWC,
                   let (index, conv) = soleProducer(of: data[0]), let bias = constants.floats(data[1]),
                   let added = conv.addingBias(bias) {
                    replacement = added
                    absorbed = index
                }
            case "Relu", "Relu6":
                let data = node.dataInputs
                if data.count == 1, let (index, conv) = soleProducer(of: data[0]), conv.activation == nil,
                   conv.hasBiasOrBatchNorm {
                    replacement = conv.withActivation(node.op)
                    absorbed = index
                }
            default:
                break
            }
            if var replacement, let absorbed {
                replacement.sourceNodes += result[absorbed].map(\.sourceNodes) ?? []
                replacement.sourceNodes += node.sourceNodes
                result[absorbed] = nil
                replacement.controlInputs += node.controlInputs
                fused[node.name] = replacement
                position[node.name] = result.count
                result.append(replacement.node(named: node.name))
            } else {
                position[node.name] = result.count
                result.append(node)
            }
        }

        return result.compactMap { $0 }
    }
}

// MARK: - Node helpers

extension GraphNode {
    func redirectingInputs(_ alias: [TensorName: TensorName]) -> GraphNode {
        guard !alias.isEmpty else { return self }
        var changed = false
        let inputs = self.inputs.map { input -> NodeInputReference in
            if case .data(let tensor) = input, let target = alias[tensor] {
                changed = true
                return .data(target)
            }
            return input
        }
        return changed
            ? GraphNode(name: name, op: op, inputs: inputs, attributes: attributes, parameters: parameters, origin: origin)
            : self
    }
}
