import Tensors

/// How `ClassifierTrainer` fine-tunes a module: the head, the loss, the optimizer and what it trains.
///
/// The defaults follow tensorflow_hub's `make_image_classifier` where TF1 has an equivalent:
/// momentum SGD (0.9) at learning rate 0.005, batch 32, a zero-initialised head.
public struct FineTuningOptions: Sendable {
    /// Classes of the new head (`classifier/weights` is `[features, classes]`).
    public var classes: Int
    /// Examples per step.
    public var batchSize: Int
    public var optimizer: Optimizer
    public var learningRate: LearningRateSchedule
    /// Label smoothing `s` of `tf.compat.v1.losses.softmax_cross_entropy`: targets
    /// `one_hot * (1 - s) + s / classes`.
    public var labelSmoothing: Double
    /// Dropout rate on the features before the head (`tf.nn.dropout`), 0 for none.
    public var dropoutRate: Double
    public var headInitialization: HeadInitialization
    /// Whether the module's trainable variables are trained too (its `{"train"}` graph: batch norm on
    /// batch statistics, moving averages updated, regularization losses added), or only the head on
    /// the inference graph's features (`hub.Module(..., trainable=False)`).
    public var trainsBody: Bool
    /// The graph-level seed (`tf.compat.v1.set_random_seed`) from which the head's initializer and the
    /// dropout masks draw, with op seeds `headSeed` and `dropoutSeed`, exactly as TensorFlow draws them.
    public var seed: Int64
    public var headSeed: Int64
    public var dropoutSeed: Int64
    /// The signature whose image input is fed and whose `featureOutput` the head reads.
    public var signature: String
    public var featureOutput: String

    public init(
        classes: Int, batchSize: Int = 32, optimizer: Optimizer = .momentum(0.9),
        learningRate: LearningRateSchedule = .constant(0.005), labelSmoothing: Double = 0, dropoutRate: Double = 0,
        headInitialization: HeadInitialization = .zeros, trainsBody: Bool = true, seed: Int64 = 1, headSeed: Int64 = 1,
        dropoutSeed: Int64 = 2, signature: String = "default", featureOutput: String = "default"
    ) {
        self.classes = classes
        self.batchSize = batchSize
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.labelSmoothing = labelSmoothing
        self.dropoutRate = dropoutRate
        self.headInitialization = headInitialization
        self.trainsBody = trainsBody
        self.seed = seed
        self.headSeed = headSeed
        self.dropoutSeed = dropoutSeed
        self.signature = signature
        self.featureOutput = featureOutput
    }
}

/// How the head's weights start (its biases start at zero).
public enum HeadInitialization: Sendable {
    case zeros
    /// `tf.compat.v1.glorot_uniform_initializer`: uniform in `[-l, l]`, `l = sqrt(6 / (features + classes))`,
    /// drawn as TensorFlow's `RandomUniform` with the options' seed and head seed.
    case glorotUniform
    /// Given weights, `[features, classes]` float32.
    case values(Tensor)
}
