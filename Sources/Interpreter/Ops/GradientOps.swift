import Kernels
import Tensors

// MARK: - TensorFlow's gradient ops (what tf.gradients writes into a graph)

/// `Conv2DBackpropInput`, `Conv2DBackpropFilter`, `DepthwiseConv2dNativeBackpropInput`/`Filter`,
/// `ReluGrad`, `Relu6Grad`, `BiasAddGrad` and `L2Loss` over NHWC float32 tensors, so graphs that already
/// hold TF-built gradients (a TF1 training graph) run. The `*_sizes` inputs must be known at plan time.
func gradientOps() -> [OpDefinition] {
    let nhwc: [String: AttributeValue] = ["data_format": .string(Array("NHWC".utf8))]
    let convDefaults = nhwc.merging([
        "explicit_paddings": .list(AttributeList()),
        "dilations": .list(AttributeList(ints: [1, 1, 1, 1])),
    ]) { a, _ in a }
    let conv2DDefaults = convDefaults.merging(["use_cudnn_on_gpu": .bool(true)]) { a, _ in a }
    return [
        OpDefinition("Conv2DBackpropInput", defaults: conv2DDefaults) { try convolutionBackpropOp($0, depthwise: false, ofInput: true) },
        OpDefinition("Conv2DBackpropFilter", defaults: conv2DDefaults) { try convolutionBackpropOp($0, depthwise: false, ofInput: false) },
        OpDefinition("DepthwiseConv2dNativeBackpropInput", defaults: convDefaults) {
            try convolutionBackpropOp($0, depthwise: true, ofInput: true)
        },
        OpDefinition("DepthwiseConv2dNativeBackpropFilter", defaults: convDefaults) {
            try convolutionBackpropOp($0, depthwise: true, ofInput: false)
        },
        OpDefinition("ReluGrad", traits: .elementwise) { try activationGradientOp($0, upperBound: nil) },
        OpDefinition("Relu6Grad", traits: .elementwise) { try activationGradientOp($0, upperBound: 6) },
        OpDefinition("BiasAddGrad", defaults: nhwc) { node in
            try node.requireInputCount(1)
            try requireNHWC(node)
            let gradient = try node.input(0, ofTypes: [.float32])
            guard gradient.shape.rank >= 2 else { throw node.badShape(input: 0, expected: "rank >= 2") }
            let channels = gradient.shape[gradient.shape.rank - 1]
            return PlannedOp(outputs: [ValueType(.float32, [channels])]) { inputs in [try biasAddGradient(inputs[0])] }
        },
        OpDefinition("L2Loss") { node in
            try node.requireInputCount(1)
            _ = try node.input(0, ofTypes: [.float32])
            return PlannedOp(outputs: [ValueType(.float32, [])]) { inputs in [try l2Loss(inputs[0])] }
        },
    ]
}

/// Inputs `(input_sizes, filter, out_backprop)` for the input gradient, `(input, filter_sizes,
/// out_backprop)` for the filter gradient; the sizes are the shape of the tensor being differentiated.
private func convolutionBackpropOp(_ node: PlanNode, depthwise: Bool, ofInput: Bool) throws -> PlannedOp {
    try node.requireInputCount(3)
    try requireNHWC(node)
    _ = try node.typeAttribute("T", matchesInput: ofInput ? 1 : 0)
    let sizes = try node.constantInts(ofInput ? 0 : 1, role: ofInput ? "input_sizes" : "filter_sizes")
    guard sizes.count == 4, sizes.allSatisfy({ $0 >= 0 }) else {
        throw node.badShape(input: ofInput ? 0 : 1, expected: "4 non-negative sizes")
    }
    let given = try node.input(ofInput ? 1 : 0, rank: 4, ofTypes: [.float32])
    let gradient = try node.input(2, rank: 4, ofTypes: [.float32])
    let inputShape = ofInput ? Shape(sizes) : given.shape
    let filterShape = ofInput ? given.shape : Shape(sizes)
    let window = try windowAttributes(node, sizes: nil, explicitAllowed: true)
    let resultShape = ofInput ? inputShape : filterShape
    if depthwise {
        let declared = try kernelCall(node) {
            try DepthwiseGeometry(inputShape: inputShape, filterShape: filterShape, strides: window.strides,
                                  dilations: window.dilations, padding: window.padding)
        }
        guard gradient.shape == declared.outputShape else {
            throw node.badShape(input: 2, expected: "\(declared.outputShape) (the convolution's output)")
        }
        // TF 2.21's CPU kernels for both depthwise gradients ignore `dilations` (their result equals the
        // undilated one, and so does tf.gradients of a dilated depthwise convolution); the interpreter
        // computes the same numbers. Where the undilated output shape differs, TF's result is not defined.
        let geometry = try kernelCall(node) {
            try DepthwiseGeometry(inputShape: inputShape, filterShape: filterShape, strides: window.strides,
                                  dilations: (1, 1), padding: window.padding)
        }
        guard geometry.outputShape == declared.outputShape else {
            throw node.invalid("dilations \(window.dilations) change the output shape; TensorFlow's CPU depthwise "
                + "gradient kernels ignore dilations, so this gradient is not defined")
        }
        let cost = 1 + saturatingProduct(geometry.outputShape.elementCount, filterShape[0], filterShape[1])
        return PlannedOp(outputs: [ValueType(.float32, resultShape)], estimatedCost: cost) { inputs in
            ofInput
                ? [try depthwiseBackpropInput(filter: inputs[1], outputGradient: inputs[2], geometry: geometry)]
                : [try depthwiseBackpropFilter(input: inputs[0], outputGradient: inputs[2], geometry: geometry)]
        }
    }
    let geometry = try kernelCall(node) {
        try Conv2DGeometry(inputShape: inputShape, filterShape: filterShape, strides: window.strides,
                           dilations: window.dilations, padding: window.padding)
    }
    guard gradient.shape == geometry.outputShape else {
        throw node.badShape(input: 2, expected: "\(geometry.outputShape) (the convolution's output)")
    }
    let cost = 1 + saturatingProduct(geometry.outputShape.elementCount, filterShape[0], filterShape[1], filterShape[2])
    return PlannedOp(outputs: [ValueType(.float32, resultShape)], estimatedCost: cost) { inputs in
        ofInput
            ? [try conv2DBackpropInput(filter: inputs[1], outputGradient: inputs[2], geometry: geometry)]
            : [try conv2DBackpropFilter(input: inputs[0], outputGradient: inputs[2], geometry: geometry)]
    }
}

private func activationGradientOp(_ node: PlanNode, upperBound: Float?) throws -> PlannedOp {
    try node.requireInputCount(2)
    let gradients = try node.input(0, ofTypes: [.float32])
    let features = try node.input(1, ofTypes: [.float32])
    guard gradients.shape == features.shape else { throw node.badShape(input: 1, expected: "\(gradients.shape) (shape of gradients)") }
    return PlannedOp(outputs: [gradients]) { inputs in
        [try activationGradient(inputs[0], features: inputs[1], upperBound: upperBound)]
    }
}
