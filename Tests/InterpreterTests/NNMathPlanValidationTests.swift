import Interpreter
import TFProto
import Tensors
import Testing

// MARK: - Plan-time validation of the nn and math op families

/// A one-op graph with float32 placeholders `x0`, `x1`, ... feeding node `layer/op`.
private struct BadNodeCase: Sendable, CustomTestStringConvertible {
    let label: String
    let op: String
    let feeds: [Shape]
    var feedTypes: [ElementType] = []
    var constants: [TensorProto] = []
    let attributes: [String: AttrValue]
    /// Text the error must contain besides the node and op names.
    let expected: String

    var testDescription: String { label }
}

private func ints(_ values: Int64...) -> AttrValue { .list(AttrValue.ListValue(i: values)) }
private func text(_ value: String) -> AttrValue { .s(Array(value.utf8)) }
private let float32 = AttrValue.type(.float)
private let conv: [String: AttrValue] = ["T": float32, "strides": ints(1, 1, 1, 1), "padding": text("SAME")]
private let pool: [String: AttrValue] = ["T": float32, "ksize": ints(1, 2, 2, 1), "strides": ints(1, 2, 2, 1), "padding": text("VALID")]
private func int32Vector(_ values: [Int32]) -> TensorProto {
    TensorProto(dtype: .int32, tensorShape: TensorShapeProto(dims: [Int64(values.count)]), intVal: values)
}

private let badNodes: [BadNodeCase] = [
    BadNodeCase(label: "conv rank 3 input", op: "Conv2D", feeds: [[5, 5, 3], [3, 3, 3, 4]], attributes: conv, expected: "rank 4"),
    BadNodeCase(label: "conv channel mismatch", op: "Conv2D", feeds: [[1, 5, 5, 3], [3, 3, 2, 4]], attributes: conv,
                expected: "in-channels"),
    BadNodeCase(label: "conv zero stride", op: "Conv2D", feeds: [[1, 5, 5, 3], [3, 3, 3, 4]],
                attributes: conv.merging(["strides": ints(1, 0, 1, 1)]) { $1 }, expected: "strides"),
    BadNodeCase(label: "conv batch stride", op: "Conv2D", feeds: [[1, 5, 5, 3], [3, 3, 3, 4]],
                attributes: conv.merging(["strides": ints(2, 1, 1, 1)]) { $1 }, expected: "strides"),
    BadNodeCase(label: "conv unknown padding", op: "Conv2D", feeds: [[1, 5, 5, 3], [3, 3, 3, 4]],
                attributes: conv.merging(["padding": text("FULL")]) { $1 }, expected: "padding"),
    BadNodeCase(label: "conv explicit pads count", op: "Conv2D", feeds: [[1, 5, 5, 3], [3, 3, 3, 4]],
                attributes: conv.merging(["padding": text("EXPLICIT"), "explicit_paddings": ints(0, 0, 1, 1)]) { $1 },
                expected: "explicit_paddings"),
    BadNodeCase(label: "conv NCHW", op: "Conv2D", feeds: [[1, 3, 5, 5], [3, 3, 5, 4]],
                attributes: conv.merging(["data_format": text("NCHW")]) { $1 }, expected: "data_format"),
    BadNodeCase(label: "conv window larger than VALID input", op: "Conv2D", feeds: [[1, 1, 1, 3], [3, 3, 3, 4]],
                attributes: conv.merging(["padding": text("VALID")]) { $1 }, expected: "negative"),
    BadNodeCase(label: "conv int32 filter", op: "Conv2D", feeds: [[1, 5, 5, 3], [3, 3, 3, 4]], feedTypes: [.float32, .int32],
                attributes: conv, expected: "float32"),
    BadNodeCase(label: "depthwise channel mismatch", op: "DepthwiseConv2dNative", feeds: [[1, 5, 5, 3], [3, 3, 4, 1]],
                attributes: conv, expected: "in-channels"),
    BadNodeCase(label: "avgpool explicit padding", op: "AvgPool", feeds: [[1, 4, 4, 3]],
                attributes: pool.merging(["padding": text("EXPLICIT")]) { $1 }, expected: "padding"),
    BadNodeCase(label: "maxpool over channels", op: "MaxPool", feeds: [[1, 4, 4, 3]],
                attributes: pool.merging(["ksize": ints(1, 2, 2, 3)]) { $1 }, expected: "ksize"),
    BadNodeCase(label: "batch norm inference without statistics", op: "FusedBatchNormV3",
                feeds: [[1, 4, 4, 3], [3], [3], [0], [0]], attributes: ["T": float32, "is_training": .b(false)],
                expected: "[3]"),
    BadNodeCase(label: "batch norm scale size", op: "FusedBatchNorm", feeds: [[1, 4, 4, 3], [2], [3], [3], [3]],
                attributes: ["T": float32], expected: "[3]"),
    BadNodeCase(label: "add not broadcastable", op: "AddV2", feeds: [[2, 3], [4]], attributes: ["T": float32],
                expected: "broadcast"),
    BadNodeCase(label: "sub mixed types", op: "Sub", feeds: [[2], [2]], feedTypes: [.float32, .int32],
                attributes: ["T": float32], expected: "float32"),
    BadNodeCase(label: "addn shape mismatch", op: "AddN", feeds: [[2, 3], [3, 2]], attributes: ["T": float32, "N": .i(2)],
                expected: "[2, 3]"),
    BadNodeCase(label: "mean axis out of range", op: "Mean", feeds: [[2, 3]], constants: [int32Vector([2])],
                attributes: ["T": float32, "Tidx": .type(.int32)], expected: "out of range"),
    BadNodeCase(label: "sum duplicate axes", op: "Sum", feeds: [[2, 3]], constants: [int32Vector([1, -1])],
                attributes: ["T": float32, "Tidx": .type(.int32)], expected: "twice"),
    BadNodeCase(label: "matmul inner mismatch", op: "MatMul", feeds: [[2, 3], [4, 5]], attributes: ["T": float32],
                expected: "inner dimension"),
    BadNodeCase(label: "random uniform fed shape", op: "RandomUniform", feeds: [[2]], feedTypes: [.int32],
                attributes: ["T": .type(.int32), "dtype": float32], expected: "shape"),
    BadNodeCase(label: "softmax of a scalar", op: "Softmax", feeds: [[]], attributes: ["T": float32], expected: "rank"),
]

@Test(arguments: badNodes)
private func invalidNodeIsRefusedAtPlanTime(_ c: BadNodeCase) throws {
    var nodes: [NodeDef] = []
    var feeds: [String: ValueType] = [:]
    var inputs: [String] = []
    for (k, shape) in c.feeds.enumerated() {
        let type = k < c.feedTypes.count ? c.feedTypes[k] : .float32
        let dtype: DataType = type == .int32 ? .int32 : .float
        nodes.append(NodeDef(name: "x\(k)", op: "Placeholder", attr: ["dtype": .type(dtype)]))
        feeds["x\(k)"] = ValueType(type, shape)
        inputs.append("x\(k)")
    }
    for (k, value) in c.constants.enumerated() {
        nodes.append(NodeDef(name: "c\(k)", op: "Const", attr: ["dtype": .type(value.dtype), "value": .tensor(value)]))
        inputs.append("c\(k)")
    }
    nodes.append(NodeDef(name: "layer/op", op: c.op, input: inputs, attr: c.attributes))
    let graph = try Graph(graphDef: GraphDef(node: nodes))
    do {
        _ = try graph.plan(feeds: feeds, fetches: ["layer/op"])
        Issue.record("\(c.label): planned without error")
    } catch let error as PlanningError {
        let message = error.description
        #expect(message.contains("layer/op") && message.contains(c.op), "\(message)")
        #expect(message.contains(c.expected), "\(message)")
    }
}

// MARK: - Weights that change between runs

/// Conv2D and MatMul keep the packed form of the last weights they saw; new weight values must be used.
@Test func changedWeightsAreRepacked() throws {
    let nodes = [
        NodeDef(name: "x", op: "Placeholder", attr: ["dtype": float32]),
        NodeDef(name: "w", op: "Placeholder", attr: ["dtype": float32]),
        NodeDef(name: "conv", op: "Conv2D", input: ["x", "w"], attr: conv),
        NodeDef(name: "m", op: "Placeholder", attr: ["dtype": float32]),
        NodeDef(name: "b", op: "Placeholder", attr: ["dtype": float32]),
        NodeDef(name: "mm", op: "MatMul", input: ["m", "b"], attr: ["T": float32, "transpose_b": .b(true)]),
    ]
    let graph = try Graph(graphDef: GraphDef(node: nodes))
    let x = Tensor(shape: [1, 1, 1, 2], scalars: [Float(1), 2])
    let m = Tensor(shape: [1, 2], scalars: [Float(1), 2])
    func run(_ scale: Float) throws -> [[Float]] {
        let w = Tensor(shape: [1, 1, 2, 1], scalars: [scale, 10 * scale])
        let b = Tensor(shape: [1, 2], scalars: [scale, 10 * scale])
        let out = try graph.run(feeds: ["x": x, "w": w, "m": m, "b": b], fetches: ["conv", "mm"])
        return out.map { $0.scalars(as: Float.self) }
    }
    #expect(try run(1) == [[21], [21]])
    #expect(try run(2) == [[42], [42]])
    #expect(try run(1) == [[21], [21]])
}
