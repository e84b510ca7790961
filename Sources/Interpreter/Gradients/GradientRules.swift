import Tensors

// MARK: - One gradient rule per op (TensorFlow's nn_grad.py / math_grad.py / array_grad.py)

/// Emits the gradient of one forward node: given the gradients of its outputs (`nil`: the output does
/// not reach the loss), returns the gradients of its data inputs (`nil`: none flows there).
typealias GradientRule = @Sendable (_ node: GraphNode, _ outputGradients: [TensorName?], _ builder: inout GradientBuilder) throws -> [TensorName?]

enum GradientRules {
    /// Rules by TensorFlow op name. An op missing here has no gradient: differentiating through it is
    /// an error that lists every such node at once.
    static let table: [String: GradientRule] = [
        "Identity": passThrough, "Snapshot": passThrough, "ReadVariableOp": passThrough,
        "StopGradient": { _, _, _ in [nil] },
        "Conv2D": conv2D, "DepthwiseConv2dNative": depthwise,
        "Relu": { node, dy, b in [activation(node, dy, &b, op: "ReluGrad")] },
        "Relu6": { node, dy, b in [activation(node, dy, &b, op: "Relu6Grad")] },
        "BiasAdd": biasAdd, "MatMul": matMul,
        "AvgPool": { node, dy, b in [try pool(node, dy, &b, max: false)] },
        "MaxPool": { node, dy, b in [try pool(node, dy, &b, max: true)] },
        "FusedBatchNorm": batchNorm, "FusedBatchNormV2": batchNorm, "FusedBatchNormV3": batchNorm,
        "Add": { node, dy, b in addition(node, dy, &b, negateSecond: false) },
        "AddV2": { node, dy, b in addition(node, dy, &b, negateSecond: false) },
        "Sub": { node, dy, b in addition(node, dy, &b, negateSecond: true) },
        "Mul": multiplication,
        "AddN": { node, dy, _ in node.dataInputs.map { _ in dy[0] } },
        "Mean": { node, dy, b in try reduction(node, dy, &b, mean: true) },
        "Sum": { node, dy, b in try reduction(node, dy, &b, mean: false) },
        "Reshape": reshapeLike, "Squeeze": reshapeLike, "ExpandDims": reshapeLike,
        "ConcatV2": concat, "Split": split, "Pad": pad, "Slice": slice, "StridedSlice": stridedSlice,
        "SparseSoftmaxCrossEntropyWithLogits": crossEntropy, "SoftmaxCrossEntropyWithLogits": crossEntropy,
        "Cast": cast,
        "L2Loss": { node, dy, b in
            guard let dy = dy[0], let x = node.dataInputs.first, let type = b.type(of: x) else { return [nil] }
            return [b.emit("Mul", [x, dy], ["T": float], for: node.name, types: [type])]
        },
    ]

    static let float: AttributeValue = .type(DataTypeCode(.float32))

    private static let passThrough: GradientRule = { node, dy, _ in
        node.dataInputs.indices.map { $0 == 0 ? dy.first ?? nil : nil }
    }

    private static func window(_ node: GraphNode) -> [String: AttributeValue] {
        node.attributes.filter { ["strides", "padding", "explicit_paddings", "dilations", "data_format", "T", "ksize"].contains($0.key) }
    }

    private static let conv2D: GradientRule = { node, dy, b in
        guard let dy = dy[0] else { return [nil, nil] }
        let (x, w) = (node.dataInputs[0], node.dataInputs[1])
        guard let xt = b.type(of: x), let wt = b.type(of: w) else { return [nil, nil] }
        let attributes = window(node)
        let dx = b.emit("Conv2DBackpropInput", [b.ints(xt.shape.dimensions, for: node.name), w, dy], attributes,
                        for: node.name, types: [xt])
        let dw = b.emit("Conv2DBackpropFilter", [x, b.ints(wt.shape.dimensions, for: node.name), dy], attributes,
                        for: node.name, types: [wt])
        return [dx, dw]
    }

    private static let depthwise: GradientRule = { node, dy, b in
        guard let dy = dy[0] else { return [nil, nil] }
        let (x, w) = (node.dataInputs[0], node.dataInputs[1])
        guard let xt = b.type(of: x), let wt = b.type(of: w) else { return [nil, nil] }
        let attributes = window(node)
        let dx = b.emit("DepthwiseConv2dNativeBackpropInput", [b.ints(xt.shape.dimensions, for: node.name), w, dy],
                        attributes, for: node.name, types: [xt])
        let dw = b.emit("DepthwiseConv2dNativeBackpropFilter", [x, b.ints(wt.shape.dimensions, for: node.name), dy],
                        attributes, for: node.name, types: [wt])
        return [dx, dw]
    }

    /// `ReluGrad(dy, y)` / `Relu6Grad(dy, y)`: TF passes the activation's output as the features.
    private static func activation(_ node: GraphNode, _ dy: [TensorName?], _ b: inout GradientBuilder, op: String) -> TensorName? {
        guard let dy = dy[0], let type = b.type(of: TensorName(node: node.name)) else { return nil }
        return b.emit(op, [dy, TensorName(node: node.name)], ["T": float], for: node.name, types: [type])
    }

    private static let biasAdd: GradientRule = { node, dy, b in
        guard let dy = dy[0], let bias = b.type(of: node.dataInputs[1]) else { return [nil, nil] }
        let db = b.emit("BiasAddGrad", [dy], ["T": float, "data_format": node.attributes["data_format"] ?? .string(Array("NHWC".utf8))],
                        for: node.name, types: [bias])
        return [dy, db]
    }

    private static let matMul: GradientRule = { node, dy, b in
        guard let dy = dy[0] else { return [nil, nil] }
        let (a, w) = (node.dataInputs[0], node.dataInputs[1])
        guard let at = b.type(of: a), let wt = b.type(of: w) else { return [nil, nil] }
        let ta = node.attributes["transpose_a"].map { if case .bool(true) = $0 { return true } else { return false } } ?? false
        let tb = node.attributes["transpose_b"].map { if case .bool(true) = $0 { return true } else { return false } } ?? false
        func matmul(_ x: TensorName, _ y: TensorName, _ tx: Bool, _ ty: Bool, _ type: ValueType) -> TensorName {
            b.emit("MatMul", [x, y], ["T": float, "transpose_a": .bool(tx), "transpose_b": .bool(ty)], for: node.name, types: [type])
        }
        // math_grad._MatMulGrad, for the four transpose combinations.
        switch (ta, tb) {
        case (false, false): return [matmul(dy, w, false, true, at), matmul(a, dy, true, false, wt)]
        case (false, true): return [matmul(dy, w, false, false, at), matmul(dy, a, true, false, wt)]
        case (true, false): return [matmul(w, dy, false, true, at), matmul(a, dy, false, false, wt)]
        case (true, true): return [matmul(w, dy, true, true, at), matmul(dy, a, true, true, wt)]
        }
    }

    private static func pool(_ node: GraphNode, _ dy: [TensorName?], _ b: inout GradientBuilder, max: Bool) throws -> TensorName? {
        guard let dy = dy[0], let xt = b.type(of: node.dataInputs[0]) else { return nil }
        let x = node.dataInputs[0]
        if max {
            return b.emit("MaxPoolGrad", [x, TensorName(node: node.name), dy], window(node), for: node.name, types: [xt])
        }
        return b.emit("AvgPoolGrad", [b.ints(xt.shape.dimensions, for: node.name), dy], window(node), for: node.name, types: [xt])
    }

    /// nn_grad._FusedBatchNormGrad: `FusedBatchNormGrad*` from the forward reserve outputs (training:
    /// the batch statistics; inference: the moving mean and variance inputs).
    private static let batchNorm: GradientRule = { node, dy, b in
        guard let dy = dy[0] else { return [nil, nil, nil, nil, nil] }
        let inputs = node.dataInputs
        guard let xt = b.type(of: inputs[0]), let st = b.type(of: inputs[1]) else { return [nil, nil, nil, nil, nil] }
        let training: Bool = { if case .bool(false)? = node.attributes["is_training"] { return false } else { return true } }()
        let v3 = node.op == "FusedBatchNormV3"
        let gradOp = node.op == "FusedBatchNorm" ? "FusedBatchNormGrad" : node.op.replacingOccurrences(of: "FusedBatchNorm", with: "FusedBatchNormGrad")
        var arguments = [dy, inputs[0], inputs[1]]
        if training {
            arguments += [TensorName(node: node.name, output: 3), TensorName(node: node.name, output: 4)]
        } else {
            arguments += [inputs[3], inputs[4]]
        }
        if v3 { arguments.append(TensorName(node: node.name, output: 5)) }
        var attributes = node.attributes.filter { ["T", "U", "epsilon", "data_format"].contains($0.key) }
        attributes["is_training"] = .bool(training)
        let grad = b.emit(gradOp, arguments, attributes, for: node.name,
                          types: [xt, st, st, ValueType(.float32, []), ValueType(.float32, [])])
        return [grad, TensorName(node: grad.node, output: 1), TensorName(node: grad.node, output: 2), nil, nil]
    }

    private static func addition(_ node: GraphNode, _ dy: [TensorName?], _ b: inout GradientBuilder, negateSecond: Bool) -> [TensorName?] {
        guard let dy = dy[0], let xt = b.type(of: node.dataInputs[0]), let yt = b.type(of: node.dataInputs[1]) else { return [nil, nil] }
        let dx = b.unbroadcast(dy, to: xt.shape, for: node.name)
        var dyy = b.unbroadcast(dy, to: yt.shape, for: node.name)
        if negateSecond {
            let minusOne = b.constant(Tensor(shape: [], scalars: [Float(-1)]), for: node.name)
            dyy = b.emit("Mul", [dyy, minusOne], ["T": float], for: node.name, types: [yt])
        }
        return [dx, dyy]
    }

    private static let multiplication: GradientRule = { node, dy, b in
        guard let dy = dy[0], let xt = b.type(of: node.dataInputs[0]), let yt = b.type(of: node.dataInputs[1]),
              let full = b.type(of: dy) else { return [nil, nil] }
        let (x, y) = (node.dataInputs[0], node.dataInputs[1])
        let dxFull = b.emit("Mul", [dy, y], ["T": float], for: node.name, types: [full])
        let dyFull = b.emit("Mul", [x, dy], ["T": float], for: node.name, types: [full])
        return [b.unbroadcast(dxFull, to: xt.shape, for: node.name), b.unbroadcast(dyFull, to: yt.shape, for: node.name)]
    }

    /// math_grad._MeanGrad / _SumGrad over constant axes: `dy` reshaped to keep the reduced axes, times
    /// ones (Sum) or `1 / count` (Mean) of the input's shape.
    private static func reduction(_ node: GraphNode, _ dy: [TensorName?], _ b: inout GradientBuilder, mean: Bool) throws -> [TensorName?] {
        guard let dy = dy[0], let xt = b.type(of: node.dataInputs[0]), let axes = b.constantInts(node.dataInputs[1]) else {
            return [nil, nil]
        }
        let rank = xt.shape.rank
        var keepDims = xt.shape.dimensions
        var count = 1
        for axis in Set(axes.map { rank == 0 ? 0 : ($0 % rank + rank) % rank }) where axis < rank {
            count *= keepDims[axis]
            keepDims[axis] = 1
        }
        let reshaped = b.reshape(dy, to: Shape(keepDims), for: node.name)
        let factor = b.filled(mean ? 1 / Float(max(count, 1)) : 1, shape: xt.shape, for: node.name)
        return [b.emit("Mul", [reshaped, factor], ["T": float], for: node.name, types: [xt]), nil]
    }

    private static let reshapeLike: GradientRule = { node, dy, b in
        guard let dy = dy[0], let xt = b.type(of: node.dataInputs[0]) else { return node.dataInputs.map { _ in nil } }
        return [b.reshape(dy, to: xt.shape, for: node.name)] + node.dataInputs.dropFirst().map { _ in nil }
    }

    /// array_grad._ConcatGradHelper: a `Slice` of `dy` per part.
    private static let concat: GradientRule = { node, dy, b in
        let parts = Array(node.dataInputs.dropLast())
        guard let dy = dy[0], let out = b.type(of: TensorName(node: node.name)) else { return node.dataInputs.map { _ in nil } }
        let rank = out.shape.rank
        let shapes = parts.compactMap { b.type(of: $0)?.shape }
        guard let axisValue = node.dataInputs.last.flatMap({ b.constantInts($0) })?.first, rank > 0, shapes.count == parts.count
        else { return node.dataInputs.map { _ in nil } }
        let axis = (axisValue % rank + rank) % rank
        var offset = 0
        var grads: [TensorName?] = []
        for shape in shapes {
            var begin = [Int](repeating: 0, count: rank)
            begin[axis] = offset
            offset += shape[axis]
            grads.append(b.emit("Slice", [dy, b.ints(begin, for: node.name), b.ints(shape.dimensions, for: node.name)],
                                ["T": float, "Index": .type(DataTypeCode(.int32))], for: node.name, types: [ValueType(.float32, shape)]))
        }
        return grads + [nil]
    }

    /// array_grad._SplitGrad: the output gradients concatenated (zeros for outputs that do not reach
    /// the loss).
    private static let split: GradientRule = { node, dy, b in
        guard let axisValue = b.constantInts(node.dataInputs[0])?.first, let value = b.type(of: node.dataInputs[1]) else {
            return [nil, nil]
        }
        var parts: [TensorName] = []
        for (index, gradient) in dy.enumerated() {
            if let gradient { parts.append(gradient); continue }
            guard let type = b.type(of: TensorName(node: node.name, output: index)) else { return [nil, nil] }
            parts.append(b.filled(0, shape: type.shape, for: node.name))
        }
        let axis = b.constant(Tensor(shape: [], scalars: [Int32(axisValue)]), for: node.name)
        let joined = b.emit("ConcatV2", parts + [axis], [
            "T": float, "N": .int(Int64(parts.count)), "Tidx": .type(DataTypeCode(.int32)),
        ], for: node.name, types: [value])
        return [nil, b.reshape(joined, to: value.shape, for: node.name)]
    }

    /// array_grad._PadGrad: the slice of `dy` the input fills.
    private static let pad: GradientRule = { node, dy, b in
        guard let dy = dy[0], let xt = b.type(of: node.dataInputs[0]), let paddings = b.constantInts(node.dataInputs[1]),
              paddings.count == 2 * xt.shape.rank else { return [nil, nil] }
        let begin = (0..<xt.shape.rank).map { paddings[2 * $0] }
        let grad = b.emit("Slice", [dy, b.ints(begin, for: node.name), b.ints(xt.shape.dimensions, for: node.name)],
                          ["T": float, "Index": .type(DataTypeCode(.int32))], for: node.name, types: [xt])
        return [grad, nil]
    }

    /// array_grad._SliceGrad: `dy` padded back to the input's shape.
    private static let slice: GradientRule = { node, dy, b in
        guard let dy = dy[0], let xt = b.type(of: node.dataInputs[0]), let out = b.type(of: TensorName(node: node.name)),
              let begin = b.constantInts(node.dataInputs[1]) else { return [nil, nil, nil] }
        var paddings: [Int] = []
        for axis in 0..<xt.shape.rank { paddings += [begin[axis], xt.shape[axis] - begin[axis] - out.shape[axis]] }
        let amounts = b.constant(Tensor(shape: [xt.shape.rank, 2], scalars: paddings.map { Int32($0) }), for: node.name)
        let grad = b.emit("Pad", [dy, amounts], ["T": float, "Tpaddings": .type(DataTypeCode(.int32))], for: node.name, types: [xt])
        return [grad, nil, nil]
    }

    /// array_grad._StridedSliceGrad: `StridedSliceGrad` with the forward op's arguments and masks.
    private static let stridedSlice: GradientRule = { node, dy, b in
        guard let dy = dy[0], let xt = b.type(of: node.dataInputs[0]) else { return [nil, nil, nil, nil] }
        let inputs = node.dataInputs
        var attributes = node.attributes.filter { $0.key.hasSuffix("_mask") || $0.key == "Index" }
        attributes["T"] = float
        let grad = b.emit("StridedSliceGrad", [b.ints(xt.shape.dimensions, for: node.name), inputs[1], inputs[2], inputs[3], dy],
                          attributes, for: node.name, types: [xt])
        return [grad, nil, nil, nil]
    }

    /// nn_grad._SoftmaxCrossEntropyWithLogitsGrad / _SparseSoftmaxCrossEntropyWithLogitsGrad: the op's
    /// own backprop output times the loss gradient per row; for dense labels also
    /// `dy * -log_softmax(logits)` with respect to the labels (sparse labels are indices: none).
    private static let crossEntropy: GradientRule = { node, dy, b in
        guard let dy = dy[0], let logits = b.type(of: node.dataInputs[0]) else { return [nil, nil] }
        let batch = logits.shape[0]
        let column = b.reshape(dy, to: [batch, 1], for: node.name)
        let grad = b.emit("Mul", [column, TensorName(node: node.name, output: 1)], ["T": float], for: node.name, types: [logits])
        guard node.op == "SoftmaxCrossEntropyWithLogits", b.type(of: node.dataInputs[1])?.elementType == .float32 else {
            return [grad, nil]
        }
        let logSoftmax = b.emit("LogSoftmax", [node.dataInputs[0]], ["T": float], for: node.name, types: [logits])
        let minusColumn = b.emit("Mul", [column, b.constant(Tensor(shape: [], scalars: [Float(-1)]), for: node.name)],
                                 ["T": float], for: node.name, types: [ValueType(.float32, [batch, 1])])
        let labels = b.emit("Mul", [minusColumn, logSoftmax], ["T": float], for: node.name, types: [logits])
        return [grad, labels]
    }

    /// math_grad._CastGrad: between float types the gradient cast back to the source type; through
    /// any other type (an integer, a bool) no gradient flows.
    private static let cast: GradientRule = { node, dy, b in
        guard let dy = dy[0], case .type(let sourceCode)? = node.attributes["SrcT"],
              case .type(let destinationCode)? = node.attributes["DstT"],
              let source = sourceCode.elementType, let destination = destinationCode.elementType,
              source.isFloatingPoint, destination.isFloatingPoint, let xt = b.type(of: node.dataInputs[0])
        else { return [nil] }
        if source == destination { return [dy] }
        return [b.emit("Cast", [dy], ["SrcT": .type(DataTypeCode(destination)), "DstT": .type(DataTypeCode(source)),
                                     "Truncate": .bool(false)], for: node.name, types: [xt])]
    }
}
