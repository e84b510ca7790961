import Kernels
import Tensors

// MARK: - TensorFlow's gradient ops (what tf.gradients writes into a graph)

/// `Conv2DBackpropInput`, `Conv2DBackpropFilter`, `DepthwiseConv2dNativeBackpropInput`/`Filter`,
/// `AvgPoolGrad`, `MaxPoolGrad`, `FusedBatchNormGrad`/`V2`/`V3`, `ReluGrad`, `Relu6Grad`, `BiasAddGrad`,
/// and the losses `L2Loss`, `SoftmaxCrossEntropyWithLogits` and `SparseSoftmaxCrossEntropyWithLogits`
/// over NHWC float32 tensors, so graphs that already hold TF-built gradients (a TF1 training graph)
/// run. The `*_sizes` and `orig_input_shape` inputs must be known at plan time.
func gradientOps() -> [OpDefinition] {
    let nhwc: [String: AttributeValue] = ["data_format": .string(Array("NHWC".utf8))]
    let convDefaults = nhwc.merging([
        "explicit_paddings": .list(AttributeList()),
        "dilations": .list(AttributeList(ints: [1, 1, 1, 1])),
    ]) { a, _ in a }
    let conv2DDefaults = convDefaults.merging(["use_cudnn_on_gpu": .bool(true)]) { a, _ in a }
    let batchNormDefaults = nhwc.merging(["epsilon": .float(0.0001), "is_training": .bool(true)]) { a, _ in a }
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
        OpDefinition("AvgPoolGrad", defaults: nhwc) { try poolGradientOp($0, max: false) },
        OpDefinition("MaxPoolGrad", defaults: nhwc.merging([
            "explicit_paddings": .list(AttributeList()), "T": .type(DataTypeCode(rawValue: 1)),
        ]) { a, _ in a }) {
            try poolGradientOp($0, max: true)
        },
        OpDefinition("FusedBatchNormGrad", defaults: batchNormDefaults) { try batchNormGradientOp($0, inputCount: 5) },
        OpDefinition("FusedBatchNormGradV2", defaults: batchNormDefaults) { try batchNormGradientOp($0, inputCount: 5) },
        OpDefinition("FusedBatchNormGradV3", defaults: batchNormDefaults) { try batchNormGradientOp($0, inputCount: 6) },
        OpDefinition("SoftmaxCrossEntropyWithLogits") { try crossEntropyOp($0, sparse: false) },
        OpDefinition("SparseSoftmaxCrossEntropyWithLogits", defaults: ["Tlabels": .type(DataTypeCode(.int64))]) {
            try crossEntropyOp($0, sparse: true)
        },
        OpDefinition(
            "StridedSliceGrad",
            defaults: ["begin_mask": .int(0), "end_mask": .int(0), "ellipsis_mask": .int(0),
                       "new_axis_mask": .int(0), "shrink_axis_mask": .int(0)]
        ) { try stridedSliceGradientOp($0) },
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
        return PlannedOp(outputs: [ValueType(.float32, resultShape)], estimatedCost: cost) { inputs, options in
            ofInput
                ? [try depthwiseBackpropInput(filter: inputs[1], outputGradient: inputs[2], geometry: geometry, options: options)]
                : [try depthwiseBackpropFilter(input: inputs[0], outputGradient: inputs[2], geometry: geometry, options: options)]
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
    return PlannedOp(outputs: [ValueType(.float32, resultShape)], estimatedCost: cost) { inputs, options in
        ofInput
            ? [try conv2DBackpropInput(filter: inputs[1], outputGradient: inputs[2], geometry: geometry, options: options)]
            : [try conv2DBackpropFilter(input: inputs[0], outputGradient: inputs[2], geometry: geometry, options: options)]
    }
}

private func activationGradientOp(_ node: PlanNode, upperBound: Float?) throws -> PlannedOp {
    try node.requireInputCount(2)
    let gradients = try node.input(0, ofTypes: [.float32])
    let features = try node.input(1, ofTypes: [.float32])
    guard gradients.shape == features.shape else { throw node.badShape(input: 1, expected: "\(gradients.shape) (shape of gradients)") }
    return PlannedOp(outputs: [gradients]) { inputs, options in
        [try activationGradient(inputs[0], features: inputs[1], upperBound: upperBound, options: options)]
    }
}

/// `AvgPoolGrad(orig_input_shape, grad)` and `MaxPoolGrad(orig_input, orig_output, grad)`.
private func poolGradientOp(_ node: PlanNode, max: Bool) throws -> PlannedOp {
    try node.requireInputCount(max ? 3 : 2)
    try requireNHWC(node)
    let inputShape: Shape
    if max {
        inputShape = try node.input(0, rank: 4, ofTypes: [.float32]).shape
    } else {
        let sizes = try node.constantInts(0, role: "orig_input_shape")
        guard sizes.count == 4, sizes.allSatisfy({ $0 >= 0 }) else { throw node.badShape(input: 0, expected: "4 non-negative sizes") }
        inputShape = Shape(sizes)
    }
    let gradient = try node.input(max ? 2 : 1, rank: 4, ofTypes: [.float32])
    let window = try windowAttributes(node, sizes: "ksize", explicitAllowed: max)
    let geometry = try kernelCall(node) {
        try PoolGeometry(inputShape: inputShape, window: window.sizes, strides: window.strides, padding: window.padding)
    }
    guard gradient.shape == geometry.outputShape else {
        throw node.badShape(input: max ? 2 : 1, expected: "\(geometry.outputShape) (the pool's output)")
    }
    if max {
        guard try node.input(1, ofTypes: [.float32]).shape == geometry.outputShape else {
            throw node.badShape(input: 1, expected: "\(geometry.outputShape) (the pool's output)")
        }
    }
    let cost = 1 + saturatingProduct(gradient.shape.elementCount, window.sizes.0, window.sizes.1)
    return PlannedOp(outputs: [ValueType(.float32, inputShape)], estimatedCost: cost) { inputs, options in
        max
            ? [try maxPoolGradient(input: inputs[0], outputGradient: inputs[2], geometry: geometry, options: options)]
            : [try averagePoolGradient(inputs[1], geometry: geometry, options: options)]
    }
}

/// `FusedBatchNormGrad*(y_backprop, x, scale, reserve_space_1, reserve_space_2[, reserve_space_3])`:
/// outputs `x_backprop`, `scale_backprop`, `offset_backprop` and two placeholder reserve outputs,
/// which TF 2.21's CPU kernel returns as float32 scalars holding 0.
private func batchNormGradientOp(_ node: PlanNode, inputCount: Int) throws -> PlannedOp {
    try node.requireInputCount(inputCount)
    try requireNHWC(node)
    let dy = try node.input(0, rank: 4, ofTypes: [.float32])
    let x = try node.input(1, rank: 4, ofTypes: [.float32])
    guard x.shape == dy.shape else { throw node.badShape(input: 1, expected: "\(dy.shape) (shape of y_backprop)") }
    let channels = x.shape[3]
    for index in 2...4 {
        guard try node.input(index, ofTypes: [.float32]).shape == [channels] else {
            throw node.badShape(input: index, expected: "[\(channels)]")
        }
    }
    let epsilon = try node.attributes.float("epsilon")
    let training = try node.attributes.bool("is_training")
    let vector = ValueType(.float32, [channels]), empty = ValueType(.float32, [])
    let nothing = Tensor.zeros(.float32, shape: [])
    return PlannedOp(outputs: [x, vector, vector, empty, empty]) { inputs, options in
        let g = try batchNormGradient(
            inputs[0], x: inputs[1], scale: inputs[2], mean: inputs[3], variance: inputs[4], epsilon: epsilon,
            isTraining: training, options: options)
        return [g.x, g.scale, g.offset, nothing, nothing]
    }
}

/// `SoftmaxCrossEntropyWithLogits(features, labels)` and the sparse form with class indices:
/// outputs `loss [batch]` and `backprop [batch, classes]`.
private func crossEntropyOp(_ node: PlanNode, sparse: Bool) throws -> PlannedOp {
    try node.requireInputCount(2)
    let logits = try node.input(0, rank: 2, ofTypes: [.float32])
    let (batch, classes) = (logits.shape[0], logits.shape[1])
    if sparse {
        let labels = try node.input(1, rank: 1, ofTypes: [.int32, .int64])
        guard labels.shape == [batch] else { throw node.badShape(input: 1, expected: "[\(batch)]") }
    } else {
        let labels = try node.input(1, rank: 2, ofTypes: [.float32])
        guard labels.shape == logits.shape else { throw node.badShape(input: 1, expected: "\(logits.shape)") }
    }
    return PlannedOp(outputs: [ValueType(.float32, [batch]), ValueType(.float32, [batch, classes])]) { inputs in
        let result: (loss: Tensor, backprop: Tensor)
        if sparse {
            let indices = inputs[1].elementType == .int32
                ? inputs[1].scalars(as: Int32.self).map(Int.init)
                : inputs[1].scalars(as: Int64.self).map { Int(clamping: $0) }
            result = try softmaxCrossEntropy(logits: inputs[0], labels: nil, classIndices: indices)
        } else {
            result = try softmaxCrossEntropy(logits: inputs[0], labels: inputs[1])
        }
        return [result.loss, result.backprop]
    }
}

/// `StridedSliceGrad(shape, begin, end, strides, dy)`: zeros of `shape` with `dy` written where
/// `StridedSlice` with the same arguments and masks reads.
private func stridedSliceGradientOp(_ node: PlanNode) throws -> PlannedOp {
    try node.requireInputCount(5)
    let shape = try node.constantIntVector(0, role: "shape")
    let begin = try node.constantIntVector(1, role: "begin")
    let end = try node.constantIntVector(2, role: "end")
    let strides = try node.constantIntVector(3, role: "strides")
    let dy = try node.input(4, ofTypes: [.float32])
    guard shape.allSatisfy({ $0 >= 0 }), Shape(shape).checkedElementCount != nil else {
        throw node.badShape(input: 0, expected: "non-negative sizes")
    }
    let masks = StridedSliceSpec.Masks(
        begin: try node.attributes.int("begin_mask"), end: try node.attributes.int("end_mask"),
        ellipsis: try node.attributes.int("ellipsis_mask"), newAxis: try node.attributes.int("new_axis_mask"),
        shrinkAxis: try node.attributes.int("shrink_axis_mask"))
    let spec: StridedSliceSpec
    do { spec = try StridedSliceSpec(shape: shape, begin: begin, end: end, strides: strides, masks: masks) } catch {
        throw node.invalid("\(error)")
    }
    guard dy.shape == Shape(spec.finalShape) else { throw node.badShape(input: 4, expected: "\(spec.finalShape) (the slice's shape)") }
    let full = Shape(shape)
    let elementStrides = full.strides
    let isEmpty = spec.sizes.contains(0)
    let offset = isEmpty ? 0 : zip(spec.begins, elementStrides).reduce(0) { $0 + $1.0 * $1.1 }
    let steps = spec.sizes.indices.map { spec.strides[$0] * elementStrides[$0] }
    let block = Shape(spec.sizes)
    return PlannedOp(outputs: [ValueType(.float32, full)]) { inputs, options in
        [try stridedScatter(inputs[4], into: full, offset: offset, strides: steps, blockShape: block, recycler: options.recycler)]
    }
}
