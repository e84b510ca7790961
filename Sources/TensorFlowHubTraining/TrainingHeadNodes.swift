import TFProto

/// The nodes a classifier head adds to a module's graph, as a TF1 user writes them:
/// `logits = tf.nn.bias_add(tf.matmul(features, W), b)` with `W = classifier/weights` `[features, classes]`
/// and `b = classifier/biases` `[classes]` (`VariableV2` + `Identity .../read`), optionally a dropout
/// mask multiplied into the features, and for training
/// `loss = mean(softmax_cross_entropy_with_logits(labels, logits)) [+ add_n(regularization losses)]`.
struct TrainingHeadNodes {
    static let weights = "classifier/weights"
    static let biases = "classifier/biases"
    static let logits = "classifier/logits"
    static let dropoutMask = "classifier/dropout/mask"
    static let labels = "classifier_loss/labels"
    static let crossEntropy = "classifier_loss/cross_entropy"
    static let totalLoss = "classifier_loss/total"

    /// The feature tensor the head reads, e.g. `module_apply_default/.../Mean:0`.
    let features: String
    let featureCount: Int
    let classes: Int
    let batch: Int

    /// The head's variables and logits; with `dropout`, the features are multiplied by the fed
    /// `classifier/dropout/mask` `[batch, features]` first (0 or `1 / (1 - rate)` per element).
    func inferenceNodes(dropout: Bool = false) -> [NodeDef] {
        var nodes = variable(Self.weights, [featureCount, classes]) + variable(Self.biases, [classes])
        var input = features
        if dropout {
            nodes.append(placeholder(Self.dropoutMask, .float, [batch, featureCount]))
            nodes.append(NodeDef(name: "classifier/dropout/mul", op: "Mul", input: [features, Self.dropoutMask], attr: float))
            input = "classifier/dropout/mul"
        }
        nodes.append(NodeDef(
            name: "classifier/MatMul", op: "MatMul", input: [input, Self.weights + "/read"],
            attr: float.merging(["transpose_a": .b(false), "transpose_b": .b(false)]) { a, _ in a }))
        nodes.append(NodeDef(
            name: Self.logits, op: "BiasAdd", input: ["classifier/MatMul", Self.biases + "/read"],
            attr: float.merging(["data_format": .s(Array("NHWC".utf8))]) { a, _ in a }))
        return nodes
    }

    /// The loss nodes: fed labels `[batch, classes]` (one-hot, smoothed by the caller), the mean
    /// cross-entropy, and with `regularization` tensors their `AddN` added to it (`classifier_loss/total`).
    func lossNodes(regularization: [String]) -> [NodeDef] {
        var nodes = [
            placeholder(Self.labels, .float, [batch, classes]),
            NodeDef(name: "classifier_loss/xent", op: "SoftmaxCrossEntropyWithLogits",
                    input: [Self.logits, Self.labels], attr: float),
            NodeDef(name: "classifier_loss/axes", op: "Const",
                    attr: ["dtype": .type(.int32),
                           "value": .tensor(TensorProto(dtype: .int32, tensorShape: TensorShapeProto(dims: [1]), intVal: [0]))]),
            NodeDef(name: Self.crossEntropy, op: "Mean", input: ["classifier_loss/xent", "classifier_loss/axes"],
                    attr: float.merging(["Tidx": .type(.int32), "keep_dims": .b(false)]) { a, _ in a }),
        ]
        if !regularization.isEmpty {
            nodes.append(NodeDef(name: "classifier_loss/regularization", op: "AddN", input: regularization,
                                 attr: float.merging(["N": .i(Int64(regularization.count))]) { a, _ in a }))
            nodes.append(NodeDef(name: Self.totalLoss, op: "AddV2",
                                 input: [Self.crossEntropy, "classifier_loss/regularization"], attr: float))
        }
        return nodes
    }

    /// The loss tensor `lossNodes(regularization:)` ends in.
    static func loss(regularization: [String]) -> String { regularization.isEmpty ? crossEntropy : totalLoss }

    private var float: [String: AttrValue] { ["T": .type(.float)] }

    private func variable(_ name: String, _ shape: [Int]) -> [NodeDef] {
        [
            NodeDef(name: name, op: "VariableV2",
                    attr: ["dtype": .type(.float), "shape": .shape(TensorShapeProto(dims: shape.map(Int64.init)))]),
            NodeDef(name: name + "/read", op: "Identity", input: [name], attr: float),
        ]
    }

    private func placeholder(_ name: String, _ type: DataType, _ shape: [Int]) -> NodeDef {
        NodeDef(name: name, op: "Placeholder",
                attr: ["dtype": .type(type), "shape": .shape(TensorShapeProto(dims: shape.map(Int64.init)))])
    }
}
