import Interpreter
import Tensors
import TFProto

/// One forward+backward step of a softmax classifier on a module's feature output, as fine-tuning
/// runs it: `loss = mean(sparse_softmax_cross_entropy(labels, features @ weights + bias))`, and the
/// gradient of `loss` with respect to every trainable variable of the module and to the head's
/// `weights` and `bias`.
///
/// The head's weights, bias and labels are fed (placeholders `classifier_head/weights`
/// `[features, classes]`, `classifier_head/bias` `[classes]`, `classifier_head/labels` int64
/// `[batch]`), so one plan serves any values. The graph is planned as written (batch norm in the mode
/// of the loaded graph variant: `["train"]` uses batch statistics) and reads the module's variables at
/// run time.
///
/// ```swift
/// let module = try Module(url: url, tags: ["train"])
/// let step = try module.classifierGradientStep(classes: 10, batch: 32)
/// let (loss, gradients) = try step(images: images, weights: w, bias: b, labels: labels)
/// ```
public struct ClassifierGradientStep: Sendable {
    /// The plan computing `[loss] + gradients`.
    public let plan: ExecutionPlan
    /// What each gradient is taken with respect to, in order: the module's trainable variables
    /// (`Module.trainableVariables`), then `classifier_head/weights` and `classifier_head/bias`.
    public let targets: [String]
    /// `[batch, height, width, channels]` of the images, `[features, classes]` of the weights.
    public let imageShape: Shape
    public let weightShape: Shape
    let imagesTensor: String
    let variables: [String: Tensor]

    static let weights = "classifier_head/weights"
    static let bias = "classifier_head/bias"
    static let labels = "classifier_head/labels"
    static let loss = "classifier_head/loss"

    /// Runs the step.
    ///
    /// - Parameters:
    ///   - images: float32 `imageShape` (NHWC).
    ///   - weights: float32 `weightShape` (`[features, classes]`).
    ///   - bias: float32 `[classes]`.
    ///   - labels: int64 `[batch]`, each in `0..<classes` (others give a NaN loss row, as TensorFlow's CPU
    ///     kernel).
    ///   - context: the threads of this run.
    ///   - profile: when given, receives the wall time of every kernel step, by op type.
    /// - Returns: the loss and one gradient per entry of `targets`, each of its target's shape.
    public func callAsFunction(
        images: Tensor, weights: Tensor, bias: Tensor, labels: Tensor, context: ExecutionContext = .singleThreaded,
        profile: PlanProfile? = nil
    ) throws -> (loss: Float, gradients: [Tensor]) {
        let feeds = [imagesTensor: images, Self.weights: weights, Self.bias: bias, Self.labels: labels]
        let outputs = try plan.run(feeds: feeds, variables: variables, context: context, profile: profile)
        return (outputs[0].scalars(as: Float.self)[0], Array(outputs.dropFirst()))
    }
}

extension Module {
    /// Plans a classifier's forward+backward step on the output `output` of signature `signature` (a
    /// `[batch, features]` float32 tensor, e.g. a feature-vector module's `default`).
    ///
    /// - Parameters:
    ///   - name: the signature's name (argument label `signature`).
    ///   - output: the signature's output the classifier reads.
    ///   - classes: the classifier's classes.
    ///   - batch: the batch size the plan is made for.
    ///   - threads: planned kernel threads (runs take theirs from the context).
    /// - Throws: `ModuleError` for a signature without one image input or that output;
    ///   `GradientError` when an op between the variables and the loss has no gradient rule.
    public func classifierGradientStep(
        signature name: String = "default", output: String = "default", classes: Int, batch: Int,
        threads: Int = PlanOptions.defaultThreadCount
    ) throws -> ClassifierGradientStep {
        guard let signature = signatures[name] else {
            throw ModuleError.noSuchSignature(name: name, available: signatureNames)
        }
        guard signature.inputs.count == 1, let input = signature.inputs.values.first else {
            throw ModuleError.badInput(signature: name, input: "*", reason: "a classifier step needs one image input")
        }
        guard let features = signature.outputs[output] else {
            throw ModuleError.noDefaultOutput(signature: name, outputs: signature.outputs.keys.sorted())
        }
        let (height, width) = try getExpectedImageSize(signature: name)
        let channels = try getNumImageChannels(signature: name)
        let imageType = ValueType(.float32, [batch, height, width, channels])
        let featurePlan = try graph.plan(feeds: [input.tensorName: imageType], fetches: [features.tensorName],
                                         options: PlanOptions(threads: 1, optimize: false))
        let featureShape = featurePlan.fetchTypes[0].shape
        guard featureShape.rank == 2 else {
            throw ModuleError.badInput(signature: name, input: output,
                                       reason: "a classifier head needs [batch, features] outputs, found \(featureShape)")
        }
        let weightShape: Shape = [featureShape[1], classes]
        let head = classifierHead(features: features.tensorName, featureCount: featureShape[1], classes: classes, batch: batch)
        let targets = trainableVariables + [ClassifierGradientStep.weights, ClassifierGradientStep.bias]
        let feeds = [
            input.tensorName: imageType, ClassifierGradientStep.weights: ValueType(.float32, weightShape),
            ClassifierGradientStep.bias: ValueType(.float32, [classes]),
            ClassifierGradientStep.labels: ValueType(.int64, [batch]),
        ]
        let differentiated = try graph.adding(head).differentiating(
            ClassifierGradientStep.loss, withRespectTo: targets, feeds: feeds)
        let plan = try differentiated.graph.plan(
            feeds: feeds, fetches: [differentiated.loss] + differentiated.gradients,
            options: PlanOptions(threads: threads, optimize: false))
        return ClassifierGradientStep(
            plan: plan, targets: targets, imageShape: imageType.shape, weightShape: weightShape,
            imagesTensor: input.tensorName, variables: variables)
    }
}

/// The head's nodes: the fed weights, bias and labels, `MatMul`, `AddV2`,
/// `SparseSoftmaxCrossEntropyWithLogits` and the `Mean` over the batch, as `tf.matmul(f, W) + b` and
/// `tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(...))` write them.
private func classifierHead(features: String, featureCount: Int, classes: Int, batch: Int) -> GraphDef {
    func placeholder(_ name: String, _ type: DataType, _ shape: [Int]) -> NodeDef {
        NodeDef(name: name, op: "Placeholder",
                attr: ["dtype": .type(type), "shape": .shape(TensorShapeProto(dims: shape.map(Int64.init)))])
    }
    let float: [String: AttrValue] = ["T": .type(.float)]
    return GraphDef(node: [
        placeholder(ClassifierGradientStep.weights, .float, [featureCount, classes]),
        placeholder(ClassifierGradientStep.bias, .float, [classes]),
        placeholder(ClassifierGradientStep.labels, .int64, [batch]),
        NodeDef(name: "classifier_head/MatMul", op: "MatMul", input: [features, ClassifierGradientStep.weights],
                attr: float.merging(["transpose_a": .b(false), "transpose_b": .b(false)]) { a, _ in a }),
        NodeDef(name: "classifier_head/logits", op: "AddV2", input: ["classifier_head/MatMul", ClassifierGradientStep.bias],
                attr: float),
        NodeDef(name: "classifier_head/xent", op: "SparseSoftmaxCrossEntropyWithLogits",
                input: ["classifier_head/logits", ClassifierGradientStep.labels],
                attr: float.merging(["Tlabels": .type(.int64)]) { a, _ in a }),
        NodeDef(name: "classifier_head/axes", op: "Const",
                attr: ["dtype": .type(.int32),
                       "value": .tensor(TensorProto(dtype: .int32, tensorShape: TensorShapeProto(dims: [1]), intVal: [0]))]),
        NodeDef(name: ClassifierGradientStep.loss, op: "Mean", input: ["classifier_head/xent", "classifier_head/axes"],
                attr: float.merging(["Tidx": .type(.int32), "keep_dims": .b(false)]) { a, _ in a }),
    ])
}
