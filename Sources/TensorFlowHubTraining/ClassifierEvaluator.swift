import Interpreter
import Tensors
import TensorFlowHub
import TFProto

/// The logits of a trainer's classifier on the module's inference graph (batch norm with the moving
/// averages), reading the variables it is given at each call, e.g. a trainer's current ones for
/// validation accuracy between epochs.
public struct ClassifierEvaluator: Sendable {
    public let batchSize: Int
    let plan: ExecutionPlan
    let imagesTensor: String

    /// Plans `logits = features @ classifier/weights + classifier/biases` on `module`'s graph for batches
    /// of `batchSize`; `module` is the inference variant (`tags: []`) of the trainer's module.
    public init(module: Module, trainer: ClassifierTrainer, batchSize: Int, threads: Int = PlanOptions.defaultThreadCount) throws {
        let options = trainer.options
        guard let signature = module.signatures[options.signature], signature.inputs.count == 1,
              let input = signature.inputs.values.first, let features = signature.outputs[options.featureOutput]
        else { throw ModuleError.noSuchSignature(name: options.signature, available: module.signatureNames) }
        let head = TrainingHeadNodes(features: features.tensorName, featureCount: trainer.featureCount,
                                  classes: options.classes, batch: batchSize)
        let graph = try module.graph.adding(GraphDef(node: head.inferenceNodes()))
        let imageShape = Shape([batchSize] + trainer.imageShape.dimensions.dropFirst())
        plan = try graph.plan(feeds: [input.tensorName: ValueType(.float32, imageShape)], fetches: [TrainingHeadNodes.logits],
                              options: PlanOptions(threads: threads, optimize: false))
        imagesTensor = input.tensorName
        self.batchSize = batchSize
    }

    /// `[batchSize, classes]` logits of `images` (`[batchSize, height, width, channels]`, NHWC).
    public func logits(images: Tensor, variables: [String: Tensor], context: ExecutionContext = .singleThreaded) throws -> Tensor {
        try plan.run(feeds: [imagesTensor: images], variables: variables, context: context)[0]
    }
}
