import Foundation
import Interpreter
import Kernels
import Tensors
import TensorFlowHub
import TFProto

/// Fine-tunes a hub image module as a classifier, one batch per `step`, as TensorFlow's TF1 loop does
/// with `hub.Module(handle, trainable=True, tags={"train"})`, a dense head, a softmax cross-entropy loss
/// and a `tf.compat.v1.train` optimizer:
///
/// - the step's forward pass runs the module's `{"train"}` graph (batch norm on batch statistics) and
///   the head, and computes the loss plus the module's `regularization_losses`;
/// - the module's `update_ops` (batch norm's moving averages) are applied with values from that same
///   forward pass, as `tf.control_dependencies(UPDATE_OPS)` orders them;
/// - the optimizer then moves every trainable variable of the module and the head
///   (`classifier/weights` `[features, classes]`, `classifier/biases` `[classes]`) along the gradient.
///
/// With `trainsBody == false` only the head is trained, on the features of the inference graph.
///
/// ```swift
/// let module = try Module(url: url, tags: ["train"])
/// let trainer = try ClassifierTrainer(module: module, options: FineTuningOptions(classes: 5, batchSize: 32))
/// let loss = try trainer.step(images: batch, labels: labels)      // [32, 224, 224, 3] NHWC, 32 labels
/// ```
///
/// A trainer holds mutable state (variables, optimizer slots, the step count): use it from one thread
/// at a time; each step spreads its kernels over the threads of the context it is given.
public final class ClassifierTrainer {
    public let options: FineTuningOptions
    /// The module whose graph the steps run.
    public let module: Module
    /// `[batch, height, width, channels]` of a step's images (NHWC).
    public let imageShape: Shape
    /// The length of the module's feature vector (rows of `classifier/weights`).
    public let featureCount: Int
    /// The variables the optimizer moves, in gradient order: the module's trainable variables (when
    /// training the body), then `classifier/weights` and `classifier/biases`.
    public let trainedVariables: [String]
    /// The module's update ops applied after each forward pass (empty when only the head trains).
    public let updates: [VariableUpdate]
    /// Every variable's current value by checkpoint key: the module's (tuned body, moving averages)
    /// and the head's.
    public private(set) var variables: [String: Tensor]
    public private(set) var optimizerState: OptimizerState
    /// Steps applied so far (TF's `global_step`).
    public private(set) var stepCount = 0

    let plan: ExecutionPlan
    let imagesTensor: String
    let head: TrainingHeadNodes

    /// Plans the training step of `module` (`tags: ["train"]` to train the body).
    ///
    /// - Throws: `TrainingError.noTrainingGraph` when `options.trainsBody` and the module is another
    ///   graph variant; `TrainingError.badOption` for options out of range; `ModuleError` for a signature
    ///   without one image input or without the feature output; `GradientError` listing every op on the
    ///   way to the loss that has no gradient rule; `PlanningError` for update ops that are not
    ///   assignments.
    public init(module: Module, options: FineTuningOptions, threads: Int = PlanOptions.defaultThreadCount) throws {
        try Self.check(options)
        if options.trainsBody && module.tags != ["train"] {
            throw TrainingError.noTrainingGraph(
                module: module.directory.path, available: module.availableTagSets.map { $0.sorted() })
        }
        self.options = options
        self.module = module
        let input = try Self.imageInput(of: module, signature: options.signature)
        let (height, width) = try module.getExpectedImageSize(signature: options.signature)
        let channels = try module.getNumImageChannels(signature: options.signature)
        imageShape = [options.batchSize, height, width, channels]
        imagesTensor = input
        guard let features = module.signatures[options.signature]?.outputs[options.featureOutput] else {
            throw ModuleError.noDefaultOutput(
                signature: options.signature, outputs: module.signatures[options.signature]?.outputs.keys.sorted() ?? [])
        }
        let imageType = ValueType(.float32, imageShape)
        let featurePlan = try module.graph.plan(
            feeds: [input: imageType], fetches: [features.tensorName], options: PlanOptions(threads: 1, optimize: false))
        let featureShape = featurePlan.fetchTypes[0].shape
        guard featureShape.rank == 2, featurePlan.fetchTypes[0].elementType == .float32 else {
            throw ModuleError.badInput(signature: options.signature, input: options.featureOutput,
                                       reason: "a classifier head needs float32 [batch, features], found \(featureShape)")
        }
        featureCount = featureShape[1]
        head = TrainingHeadNodes(features: features.tensorName, featureCount: featureCount, classes: options.classes,
                              batch: options.batchSize)

        let regularization = options.trainsBody ? module.regularizationLosses : []
        let extended = try module.graph.adding(
            GraphDef(node: head.inferenceNodes(dropout: options.dropoutRate > 0) + head.lossNodes(regularization: regularization)))
        trainedVariables = (options.trainsBody ? module.trainableVariables : []) + [TrainingHeadNodes.weights, TrainingHeadNodes.biases]
        updates = options.trainsBody ? try module.graph.variableUpdates(module.updateOps) : []

        var feedTypes = [input: imageType, TrainingHeadNodes.labels: ValueType(.float32, [options.batchSize, options.classes])]
        if options.dropoutRate > 0 {
            feedTypes[TrainingHeadNodes.dropoutMask] = ValueType(.float32, [options.batchSize, featureCount])
        }
        let differentiated = try extended.differentiating(
            TrainingHeadNodes.loss(regularization: regularization), withRespectTo: trainedVariables, feeds: feedTypes)
        plan = try differentiated.graph.plan(
            feeds: feedTypes, fetches: [differentiated.loss] + differentiated.gradients + updates.map(\.value.description),
            options: PlanOptions(threads: threads, optimize: false))

        var variables = module.variableValues
        variables[TrainingHeadNodes.weights] = try Self.initialWeights(options, features: featureCount)
        variables[TrainingHeadNodes.biases] = Tensor.zeros(.float32, shape: [options.classes])
        self.variables = variables
        optimizerState = OptimizerState(
            optimizer: options.optimizer,
            variables: try trainedVariables.map { name in
                guard let value = variables[name], value.elementType == .float32 else {
                    throw TrainingError.badVariable(name: name, reason: "a trained variable needs a float32 value")
                }
                return (name, value.shape)
            })
    }

    /// Loads the graph variant `options` needs (`{"train"}` to train the body, else the inference
    /// graph) and plans the step.
    public convenience init(
        url: URL, options: FineTuningOptions, resolver: ModuleResolver = ModuleResolver(),
        planOptions: PlanOptions = PlanOptions()
    ) throws {
        let tags: Set<String> = options.trainsBody ? ["train"] : []
        let module: Module
        do {
            module = try Module(url: url, tags: tags, resolver: resolver, planOptions: planOptions)
        } catch ModuleError.noSuchGraphVariant(let file, _, let available) where options.trainsBody {
            throw TrainingError.noTrainingGraph(module: URL(fileURLWithPath: file).deletingLastPathComponent().path,
                                                available: available)
        }
        try self.init(module: module, options: options, threads: planOptions.threads)
    }

    /// The module's variables (without the head's) by checkpoint key: what an export writes into the
    /// module's own checkpoint entries.
    public var moduleVariables: [String: Tensor] {
        variables.filter { $0.key != TrainingHeadNodes.weights && $0.key != TrainingHeadNodes.biases }
    }

    /// The head's current weights, `[features, classes]`.
    public var headWeights: Tensor { variables[TrainingHeadNodes.weights]! }
    /// The head's current biases, `[classes]`.
    public var headBiases: Tensor { variables[TrainingHeadNodes.biases]! }

    // MARK: - Stepping

    /// Runs one training step on a batch and returns the loss its forward pass computed (before the
    /// step's update): mean cross-entropy plus the module's regularization losses.
    ///
    /// - Parameters:
    ///   - images: float32 `imageShape` (NHWC, values in [0, 1]).
    ///   - labels: `batchSize` class indices in `0..<classes`.
    ///   - context: the threads of this step.
    public func step(images: Tensor, labels: [Int], context: ExecutionContext = .singleThreaded) throws -> Float {
        guard images.elementType == .float32, images.shape == imageShape else {
            throw TrainingError.badBatch(reason: "images must be float32 \(imageShape), found \(images.elementType) \(images.shape)")
        }
        var feeds = [imagesTensor: images, TrainingHeadNodes.labels: try labelTargets(labels)]
        if options.dropoutRate > 0 { feeds[TrainingHeadNodes.dropoutMask] = try dropoutMask(run: stepCount) }
        let outputs = try plan.run(feeds: feeds, variables: variables, context: context, runIndex: UInt64(stepCount))
        let gradients = outputs[1...trainedVariables.count]
        let updateValues = outputs[(1 + trainedVariables.count)...]

        var next = variables
        for (update, value) in zip(updates, updateValues) {
            guard let current = variables[update.variable] else {
                throw TrainingError.badVariable(name: update.variable, reason: "updated by \(update.node) but has no value")
            }
            switch update.kind {
            case .assign: next[update.variable] = value
            case .add: next[update.variable] = try binary(.add, current, value)
            case .subtract: next[update.variable] = try binary(.subtract, current, value)
            }
        }
        let rate = options.learningRate.rate(atStep: stepCount)
        for (name, gradient) in zip(trainedVariables, gradients) {
            next[name] = try optimizerState.apply(to: variables[name]!, named: name, gradient: gradient, learningRate: rate)
        }
        optimizerState.finishStep()
        variables = next
        stepCount += 1
        return outputs[0].scalars(as: Float.self)[0]
    }

    /// The targets of the loss: `one_hot(labels) * (1 - s) + s / classes` in float32, as
    /// `tf.compat.v1.losses.softmax_cross_entropy` smooths them.
    func labelTargets(_ labels: [Int]) throws -> Tensor {
        let classes = options.classes
        guard labels.count == options.batchSize else {
            throw TrainingError.badBatch(reason: "expected \(options.batchSize) labels, found \(labels.count)")
        }
        if let bad = labels.first(where: { !(0..<classes).contains($0) }) {
            throw TrainingError.badBatch(reason: "label \(bad) is not a class index in 0..<\(classes)")
        }
        let smoothing = options.labelSmoothing
        let positive = smoothing > 0 ? Float(1 - smoothing) : 1
        let negative = smoothing > 0 ? Float(smoothing) / Float(classes) : 0
        return Tensor(shape: [labels.count, classes], of: Float.self) { out in
            for (row, label) in labels.enumerated() {
                for column in 0..<classes {
                    out[row * classes + column] = column == label ? 1 * positive + negative : 0 * positive + negative
                }
            }
        }
    }

    /// The dropout mask of run `run` (0-based): `1 / (1 - rate)` where TensorFlow's `RandomUniform`
    /// (graph seed, dropout seed) draws at least `rate`, else 0. TF's stateful op advances its counter by
    /// `256 * count` per run, so the mask of every step matches `tf.nn.dropout(..., seed=)`'s.
    func dropoutMask(run: Int) throws -> Tensor {
        let count = options.batchSize * featureCount
        let (seed, seed2) = Self.seedPair(options.seed, options.dropoutSeed)
        let uniform = try randomUniform(
            shape: [options.batchSize, featureCount], seed: seed, seed2: seed2,
            counterOffset: UInt64(run) * 256 * UInt64(count))
        let rate = Float(options.dropoutRate)
        let scale = Float(1 / (1 - options.dropoutRate))
        return Tensor(shape: uniform.shape, of: Float.self) { out in
            uniform.withUnsafeBufferPointer(as: Float.self) { u in
                for i in 0..<count { out[i] = u[i] >= rate ? scale : 0 }
            }
        }
    }

    // MARK: - Setup

    private static func check(_ options: FineTuningOptions) throws {
        if options.classes < 2 { throw TrainingError.badOption(name: "classes", expected: "at least 2", found: "\(options.classes)") }
        if options.batchSize < 1 { throw TrainingError.badOption(name: "batchSize", expected: "at least 1", found: "\(options.batchSize)") }
        if !(0..<1).contains(options.dropoutRate) {
            throw TrainingError.badOption(name: "dropoutRate", expected: "in [0, 1)", found: "\(options.dropoutRate)")
        }
        if !(0...1).contains(options.labelSmoothing) {
            throw TrainingError.badOption(name: "labelSmoothing", expected: "in [0, 1]", found: "\(options.labelSmoothing)")
        }
        if case .exponentialDecay(_, let steps, _, _) = options.learningRate, steps < 1 {
            throw TrainingError.badOption(name: "decaySteps", expected: "at least 1", found: "\(steps)")
        }
    }

    private static func imageInput(of module: Module, signature name: String) throws -> String {
        guard let signature = module.signatures[name] else {
            throw ModuleError.noSuchSignature(name: name, available: module.signatureNames)
        }
        guard signature.inputs.count == 1, let input = signature.inputs.values.first else {
            throw ModuleError.badInput(signature: name, input: "*", reason: "a classifier needs one image input")
        }
        return input.tensorName
    }

    /// `tf.compat.v1` `get_seed`: the graph seed and op seed, `(0, 2^31 - 1)` for two zeros.
    static func seedPair(_ graphSeed: Int64, _ opSeed: Int64) -> (Int64, Int64) {
        let pair = (graphSeed % (1 << 31), opSeed % (1 << 31))
        return pair == (0, 0) ? (0, Int64(Int32.max)) : pair
    }

    private static func initialWeights(_ options: FineTuningOptions, features: Int) throws -> Tensor {
        let shape: Shape = [features, options.classes]
        switch options.headInitialization {
        case .zeros:
            return Tensor.zeros(.float32, shape: shape)
        case .values(let weights):
            guard weights.elementType == .float32, weights.shape == shape else {
                throw TrainingError.badOption(name: "headInitialization", expected: "float32 \(shape)",
                                              found: "\(weights.elementType) \(weights.shape)")
            }
            return weights
        case .glorotUniform:
            // VarianceScaling(1, "fan_avg", "uniform"): limit in double, then RandomUniform * (max - min) + min in float32.
            let limit = (3.0 * (1.0 / max(1.0, Double(features + options.classes) / 2.0))).squareRoot()
            let low = Float(-limit), high = Float(limit)
            let (seed, seed2) = seedPair(options.seed, options.headSeed)
            let uniform = try randomUniform(shape: shape, seed: seed, seed2: seed2)
            return Tensor(shape: shape, of: Float.self) { out in
                uniform.withUnsafeBufferPointer(as: Float.self) { u in
                    for i in 0..<out.count { out[i] = u[i] * (high - low) + low }
                }
            }
        }
    }
}
