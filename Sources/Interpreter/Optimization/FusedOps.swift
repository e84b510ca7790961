import Kernels
import Tensors

/// Ops that only plan-time rewrites create. Their names contain a `.`, which TensorFlow op names never
/// do, so a graph cannot carry them itself (the planner reports such nodes as unsupported).
enum FusedOps {
    static let definitions: [String: OpDefinition] = [
        FusedConvolution.op: OpDefinition(FusedConvolution.op, traits: .perExample) { try fusedConv2DOp($0) },
        GraphRewriter.subsampleOp: OpDefinition(GraphRewriter.subsampleOp, traits: OpTraits(examples: .subsample)) {
            try padSliceSubsampleOp($0)
        },
        GraphRewriter.concatSumsOp: OpDefinition(GraphRewriter.concatSumsOp, traits: OpTraits(examples: .concatenatedSums)) {
            try concatSumsOp($0)
        },
        GraphRewriter.contractionActivationOp: OpDefinition(GraphRewriter.contractionActivationOp, traits: .perExample) {
            try contractionActivationOp($0)
        },
        GraphRewriter.reluDepthwiseOp: OpDefinition(GraphRewriter.reluDepthwiseOp, traits: .perExample) {
            try depthwiseOp($0, inputActivation: .relu)
        },
    ]
}

/// `tfhub.FusedConv2D`: input NHWC float32; `Conv2D`'s attributes plus `activation` (`""`, `"Relu"` or
/// `"Relu6"`); parameters `filter` (HWIO float32) and `bias` (float32 `[out]`).
private func fusedConv2DOp(_ node: PlanNode) throws -> PlannedOp {
    try node.requireInputCount(1)
    try requireNHWC(node)
    let input = try node.input(0, rank: 4, ofTypes: [.float32])
    guard let filter = node.parameters["filter"], let bias = node.parameters["bias"] else {
        throw node.invalid("a fused convolution needs its filter and bias parameters")
    }
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
    let output = ValueType(.float32, geometry.outputShape)
    return PlannedOp(outputs: [output], estimatedCost: convolutionCost(output, filter: filter.shape)) { io, options in
        try conv2D(io.input(0), filter: packed, geometry: geometry, bias: bias, activation: activation,
                   into: io.floats(0), options: options)
    }
}

/// `tfhub.ContractionActivation`: float32 features of any shape; attribute `activation` (`"Relu"` or
/// `"Relu6"`), applied as TF's fused contraction kernels do (NaN becomes 0).
private func contractionActivationOp(_ node: PlanNode) throws -> PlannedOp {
    try node.requireInputCount(1)
    let input = try node.input(0, ofTypes: [.float32])
    let activation: FusedActivation = try node.attributes.string("activation", oneOf: ["Relu", "Relu6"]) == "Relu" ? .relu : .relu6
    return PlannedOp(outputs: [ValueType(.float32, input.shape)], estimatedCost: input.shape.elementCount) { io, _ in
        try fusedActivation(io.input(0), activation, into: io.floats(0))
    }
}

/// `tfhub.PadSliceSubsample`: NHWC float32 input; attributes `paddings` (8), `begin`, `end`,
/// `slice_strides`, `pool_strides` (4 each), `begin_mask`, `end_mask` of the `Pad`, `StridedSlice` and
/// 1x1 pool it replaces. Output `[b, h, w, c]` gathers one input element (or a padding zero) each.
private func padSliceSubsampleOp(_ node: PlanNode) throws -> PlannedOp {
    try node.requireInputCount(1)
    let input = try node.input(0, rank: 4, ofTypes: [.float32])
    let paddings = try node.attributes.ints("paddings"), begin = try node.attributes.ints("begin")
    let end = try node.attributes.ints("end"), strides = try node.attributes.ints("slice_strides")
    let poolStrides = try node.attributes.ints("pool_strides")
    let beginMask = try node.attributes.int("begin_mask"), endMask = try node.attributes.int("end_mask")
    guard paddings.count == 8, begin.count == 4, end.count == 4, strides.count == 4, poolStrides.count == 4 else {
        throw node.invalid("expected 8 paddings and 4 begin/end/strides/pool strides")
    }
    var axes: [[Int]] = []
    for axis in 0..<4 {
        guard let indices = subsampleIndices(
            size: input.shape[axis], before: paddings[2 * axis], after: paddings[2 * axis + 1],
            begin: begin[axis], end: end[axis], beginMasked: beginMask & (1 << axis) != 0,
            endMasked: endMask & (1 << axis) != 0, stride: strides[axis], poolStride: poolStrides[axis],
            limit: 1 << 32)
        else { throw node.invalid("padding, slice or pool parameters out of range on axis \(axis)") }
        axes.append(indices)
    }
    let outputShape = Shape(axes.map(\.count))
    guard outputShape.checkedElementCount != nil else { throw node.invalid("output \(outputShape) is too large") }
    let (batches, rows, columns, channels) = (axes[0], axes[1], axes[2], axes[3])
    let inputShape = input.shape
    // Channels are almost always taken whole: then each output pixel is one contiguous copy.
    let wholeChannels = channels == Array(0..<inputShape[3])
    let count = outputShape.elementCount
    return PlannedOp(outputs: [ValueType(.float32, outputShape)]) { io, _ in
        let out = UnsafeMutableBufferPointer(start: io.floats(0), count: count)
        io.input(0).withUnsafeBufferPointer(as: Float.self) { x in
                let c = channels.count
                var o = 0
                for b in batches {
                    for y in rows {
                        for xIndex in columns {
                            guard b >= 0, y >= 0, xIndex >= 0 else {
                                for k in 0..<c { out[o + k] = 0 }
                                o += c
                                continue
                            }
                            let base = ((b * inputShape[1] + y) * inputShape[2] + xIndex) * inputShape[3]
                            if wholeChannels, let src = x.baseAddress, let dst = out.baseAddress {
                                (dst + o).update(from: src + base, count: c)
                            } else {
                                for (k, channel) in channels.enumerated() {
                                    out[o + k] = channel >= 0 ? x[base + channel] : 0
                                }
                            }
                            o += c
                        }
                    }
                }
        }
    }
}
