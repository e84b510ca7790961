import Foundation
import Tensors
import TensorFlowHubTraining
import TestSupport
import Testing

/// What `ClassifierTrainer` produced exports as it is: two steps on the tiny slim module's `{"train"}`
/// graph (body, moving averages and a Glorot head all move), then `ClassifierModuleWriter` with the
/// trainer's `moduleVariables`, `headWeights` and `headBiases`. With `TFHUB_FULL_TESTS=1` TensorFlow
/// loads the result too.
@Test func trainerResultExports() throws {
    let source = Fixtures.url("training/tiny_slim/module")
    let trainer = try ClassifierTrainer(
        module: try Module(url: source, tags: ["train"]),
        options: FineTuningOptions(classes: 3, batchSize: 2, learningRate: .constant(0.05), headInitialization: .glorotUniform))
    let images = ExportFormulas.images(size: 24)
    for labels in [[0, 2], [1, 0]] { _ = try trainer.step(images: images, labels: labels) }
    let head = ClassifierHead(weights: trainer.headWeights, biases: trainer.headBiases, classNames: ["circle", "square", "triangle"])
    let output = try temporaryFolder().appendingPathComponent("tuned")
    try ClassifierModuleWriter(module: trainer.module).write(to: output, variables: trainer.moduleVariables, head: head)

    let reader = try BundleReader(prefix: output.appendingPathComponent("variables/variables"))
    let original = try BundleReader(prefix: source.appendingPathComponent("variables/variables"))
    var changed = 0
    for (key, tensor) in trainer.variables where tensor.elementType == .float32 {
        let stored = try reader.tensor(forKey: key).floats()
        #expect(stored == tensor.scalars(as: Float.self), "\(key)")
        if original.keys.contains(key), try original.tensor(forKey: key).floats() != stored { changed += 1 }
    }
    #expect(changed >= 6, "trained and moving-average variables differ from the source's")
    for tags in [Set<String>(), ["train"]] {
        let module = try Module(url: output, tags: tags)
        let logits = try module(images, signature: "image_classification")
        let features = try module(images, signature: "image_feature_vector")
        #expect(relativeError(logits, ExportFormulas.logits(features: features, head: head)) <= 1e-5, "\(tags)")
    }
    if tensorflowChecksEnabled {
        try expectTensorFlowComputesOurOutputs(output, imageSize: 24, what: "trained tiny_slim")
    }
}
