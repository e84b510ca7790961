import Kernels
import Tensors

/// Ops that only plan-time rewrites create. Their names contain a `.`, which TensorFlow op names never
/// do, so a graph cannot carry them itself (the planner reports such nodes as unsupported).
enum FusedOps {
    static let definitions: [String: OpDefinition] = [
        FusedConvolution.op: OpDefinition(FusedConvolution.op) { try fusedConv2DOp($0) },
    ]
}

/// `tfhub.FusedConv2D`: inputs `(input NHWC, filter HWIO, bias [out])`, filter and bias constant;
/// `Conv2D`'s attributes plus `activation` (`""`, `"Relu"` or `"Relu6"`).
private func fusedConv2DOp(_ node: PlanNode) throws -> PlannedOp {
    try node.requireInputCount(3)
    let (input, filter) = try convolutionInputs(PlanNode(
        name: node.name, op: node.op, attributes: node.attributes, inputs: Array(node.inputs.prefix(2)),
        constants: Array(node.constants.prefix(2))))
    let window = try windowAttributes(node, sizes: nil, explicitAllowed: true)
    let geometry = try kernelCall(node) {
        try Conv2DGeometry(inputShape: input.shape, filterShape: filter.shape, strides: window.strides,
                           dilations: window.dilations, padding: window.padding)
    }
    guard let filterValue = node.constants[1] else { throw PlanningError.nonConstantInput(node: node.name, op: node.op, input: 1, role: "filter") }
    guard let bias = node.constants[2] else { throw PlanningError.nonConstantInput(node: node.name, op: node.op, input: 2, role: "bias") }
    guard bias.elementType == .float32, bias.shape == [filter.shape[3]] else {
        throw node.badShape(input: 2, expected: "float32 [\(filter.shape[3])]")
    }
    let activation: FusedActivation
    switch try node.attributes.string("activation", oneOf: ["", "Relu", "Relu6"]) {
    case "Relu": activation = .relu
    case "Relu6": activation = .relu6
    default: activation = .none
    }
    let packed = try kernelCall(node) { try PackedMatrix(convolutionFilter: filterValue) }
    return PlannedOp(outputs: [ValueType(.float32, geometry.outputShape)]) { inputs in
        [try conv2D(inputs[0], filter: packed, geometry: geometry, bias: bias, activation: activation,
                    options: interpreterKernelOptions)]
    }
}
