import Kernels
import Tensors

/// Ops that only plan-time rewrites create. Their names contain a `.`, which TensorFlow op names never
/// do, so a graph cannot carry them itself (the planner reports such nodes as unsupported).
enum FusedOps {
    static let definitions: [String: OpDefinition] = [
        FusedConvolution.op: OpDefinition(FusedConvolution.op) { try fusedConv2DOp($0) },
    ]
}

/// `tfhub.FusedConv2D`: input NHWC float32; `Conv2D`'s attributes plus `filter` (HWIO float32),
/// `bias` (float32 `[out]`) and `activation` (`""`, `"Relu"` or `"Relu6"`).
private func fusedConv2DOp(_ node: PlanNode) throws -> PlannedOp {
    try node.requireInputCount(1)
    try requireNHWC(node)
    let input = try node.input(0, rank: 4, ofTypes: [.float32])
    let filter = try node.attributes.tensor("filter")
    let bias = try node.attributes.tensor("bias")
    guard filter.elementType == .float32, filter.shape.rank == 4, filter.shape[2] == input.shape[3] else {
        throw node.invalidAttribute("filter", expected: "float32 HWIO with \(input.shape[3]) input channels",
                                    found: "\(filter.elementType) \(filter.shape)")
    }
    guard bias.elementType == .float32, bias.shape == [filter.shape[3]] else {
        throw node.invalidAttribute("bias", expected: "float32 [\(filter.shape[3])]", found: "\(bias.elementType) \(bias.shape)")
    }
    let window = try windowAttributes(node, sizes: nil, explicitAllowed: true)
    let geometry = try kernelCall(node) {
        try Conv2DGeometry(inputShape: input.shape, filterShape: filter.shape, strides: window.strides,
                           dilations: window.dilations, padding: window.padding)
    }
    let activation: FusedActivation
    switch try node.attributes.string("activation", oneOf: ["", "Relu", "Relu6"]) {
    case "Relu": activation = .relu
    case "Relu6": activation = .relu6
    default: activation = .none
    }
    let packed = try kernelCall(node) { try PackedMatrix(convolutionFilter: filter) }
    return PlannedOp(outputs: [ValueType(.float32, geometry.outputShape)]) { inputs in
        [try conv2D(inputs[0], filter: packed, geometry: geometry, bias: bias, activation: activation,
                    options: interpreterKernelOptions)]
    }
}
