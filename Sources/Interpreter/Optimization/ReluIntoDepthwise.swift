import Kernels
import Tensors

// MARK: - ReLU read by depthwise convolutions only

/// TF-Slim's and Keras's separable convolutions start with `relu(x)`; after duplicate ReLUs are merged,
/// one `Relu` of a cell input feeds several `DepthwiseConv2dNative`s and nothing else. Those
/// convolutions then read `x` and clamp each element as they load it (`tfhub.ReluDepthwiseConv2D`,
/// which keeps the convolution's name and attributes), and the ReLU step with its buffer disappears.
extension GraphRewriter {
    static let reluDepthwiseOp = "tfhub.ReluDepthwiseConv2D"

    func fuseReluIntoDepthwise(_ nodes: [GraphNode]) -> [GraphNode] {
        let protected = Set(fetches).union(feeds)
        var readers: [TensorName: [(node: String, input: Int)]] = [:]
        var controlled: Set<String> = []
        for node in nodes {
            for (index, input) in node.dataInputs.enumerated() { readers[input, default: []].append((node.name, index)) }
            controlled.formUnion(node.controlInputs)
        }
        let byName = Dictionary(nodes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

        var removed: Set<String> = []
        var replaced: [String: GraphNode] = [:]
        for relu in nodes where relu.op == "Relu" && relu.isFloat32("T") && relu.dataInputs.count == 1 {
            let output = TensorName(node: relu.name)
            guard !protected.contains(output), !controlled.contains(relu.name),
                  let uses = readers[output], !uses.isEmpty,
                  uses.allSatisfy({ use in
                      use.input == 0 && replaced[use.node] == nil
                          && byName[use.node].map { $0.op == "DepthwiseConv2dNative" && $0.isNHWC && $0.isFloat32("T") } == true
                  }),
                  readers[TensorName(node: relu.name, output: 1)] == nil
            else { continue }
            for use in uses {
                guard let conv = byName[use.node] else { continue }
                var inputs = conv.inputs
                if let first = inputs.firstIndex(where: { if case .data = $0 { return true } else { return false } }) {
                    inputs[first] = .data(relu.dataInputs[0])
                }
                inputs += relu.controlInputs.map { .control($0) }
                replaced[conv.name] = GraphNode(
                    name: conv.name, op: Self.reluDepthwiseOp, inputs: inputs, attributes: conv.attributes,
                    origin: relu.sourceNodes + conv.sourceNodes)
            }
            removed.insert(relu.name)
        }
        return nodes.compactMap { removed.contains($0.name) ? nil : (replaced[$0.name] ?? $0) }
    }
}
