import Foundation
import TensorBundle
import TensorFlowHubTraining
import Tensors
import TestSupport

/// One configuration of `Tests/Fixtures/training/make_training.py`: TensorFlow's TF1 fine-tuning loop
/// on a hub module, its per-step losses and a checkpoint of every variable and slot after the steps.
struct TrainingCase: Decodable, CustomStringConvertible, Sendable {
    let name: String
    let style: String?
    let module: String?
    let optimizer: String
    let learningRate: Double
    let momentum: Double?
    let epsilon: Double?
    let batch: Int
    let classes: Int
    let examples: Int
    let imageSize: Int
    let steps: Int
    let decaySteps: Int?
    let decayRate: Double?
    let staircase: Bool?
    let labelSmoothing: Double?
    let dropoutRate: Double?
    let dropoutSeed: Int64?
    let trainBody: Bool?
    let headInit: String?
    let headSeed: Int64?

    var description: String { name }

    enum CodingKeys: String, CodingKey {
        case name, style, module, optimizer, momentum, epsilon, batch, classes, examples, steps, staircase
        case learningRate = "learning_rate", imageSize = "image_size", decaySteps = "decay_steps"
        case decayRate = "decay_rate", labelSmoothing = "label_smoothing", dropoutRate = "dropout_rate"
        case dropoutSeed = "dropout_seed", trainBody = "train_body", headInit = "head_init", headSeed = "head_seed"
    }

    struct Manifest: Decodable { let configurations: [TrainingCase] }

    /// The committed configurations (reduced modules).
    static let committed: [TrainingCase] = (try? load(Fixtures.url("training/manifest.json"))) ?? []

    static func load(_ manifest: URL) throws -> [TrainingCase] {
        try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: manifest)).configurations
    }

    /// Where the configuration's TF results are (`losses.npy`, `final/variables.*`): the committed
    /// fixtures, or for a full-size configuration (`module` set) the folder `scripts/test-full` generated
    /// (`TFHUB_FULL_TRAINING`).
    var folder: URL {
        if module != nil, let generated = ProcessInfo.processInfo.environment["TFHUB_FULL_TRAINING"] {
            return URL(fileURLWithPath: generated).appendingPathComponent(name)
        }
        return Fixtures.url("training/\(name)")
    }

    var moduleURL: URL {
        if let module { return URL(fileURLWithPath: module) }
        return style == "tiny_slim" ? Fixtures.url("training/tiny_slim/module") : Fixtures.url("nasnet/\(style ?? "")/module")
    }

    /// The largest |gradient| TensorFlow applied to each trained variable over the steps (`gradients.json`).
    func gradientSizes() throws -> [String: Float] {
        try JSONDecoder().decode([String: Float].self, from: Data(contentsOf: folder.appendingPathComponent("gradients.json")))
    }

    /// TensorFlow's disagreement with itself per checkpoint key (oneDNN vs Eigen kernels, `spread.json`).
    func spread() throws -> [String: Float] {
        try JSONDecoder().decode([String: Float].self, from: Data(contentsOf: folder.appendingPathComponent("spread.json")))
    }

    var options: FineTuningOptions {
        let optimizer: Optimizer
        switch self.optimizer {
        case "sgd": optimizer = .gradientDescent
        case "adam": optimizer = .adam(epsilon: Float(epsilon ?? 1e-8))
        case "rmsprop": optimizer = .rmsProp(decay: 0.9, momentum: Float(momentum ?? 0.9), epsilon: 1.0)
        default: optimizer = .momentum(Float(momentum ?? 0.9))
        }
        let rate: LearningRateSchedule = decaySteps.map {
            .exponentialDecay(initial: Float(learningRate), decaySteps: $0, rate: Float(decayRate ?? 1),
                              staircase: staircase ?? false)
        } ?? .constant(Float(learningRate))
        return FineTuningOptions(
            classes: classes, batchSize: batch, optimizer: optimizer, learningRate: rate,
            labelSmoothing: labelSmoothing ?? 0, dropoutRate: dropoutRate ?? 0,
            headInitialization: headInit == "glorot" ? .glorotUniform : .zeros, trainsBody: trainBody ?? true,
            seed: 1, headSeed: headSeed ?? 1, dropoutSeed: dropoutSeed ?? 2)
    }

    /// Examples `[step * batch, step * batch + batch)` of the formula images, cyclically, and their
    /// labels (`example % classes`).
    func batch(step: Int, from images: Tensor) -> (images: Tensor, labels: [Int]) {
        let rows = (0..<batch).map { (step * batch + $0) % examples }
        let rowSize = imageSize * imageSize * 3
        let selected = Tensor(shape: [batch, imageSize, imageSize, 3], of: Float.self) { out in
            images.withUnsafeBufferPointer(as: Float.self) { all in
                for (index, row) in rows.enumerated() {
                    for j in 0..<rowSize { out[index * rowSize + j] = all[row * rowSize + j] }
                }
            }
        }
        return (selected, rows.map { $0 % classes })
    }
}
