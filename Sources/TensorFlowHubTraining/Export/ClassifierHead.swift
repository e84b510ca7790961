import Tensors

/// The dense layer an exported classifier module adds on top of its body's feature vector:
/// `logits = features @ weights + biases`, one class per column.
public struct ClassifierHead: Sendable {
    /// float32 `[features, classes]`; stored as the variable `classifier/weights`.
    public var weights: Tensor
    /// float32 `[classes]`; stored as the variable `classifier/biases`.
    public var biases: Tensor
    /// One name per class, in logit order; written to `assets/labels.txt`, one per line.
    public var classNames: [String]

    public init(weights: Tensor, biases: Tensor, classNames: [String]) {
        self.weights = weights
        self.biases = biases
        self.classNames = classNames
    }

    /// The number of input features (rows of `weights`).
    public var featureCount: Int { weights.shape.rank == 2 ? weights.shape[0] : 0 }
    /// The number of classes (columns of `weights`).
    public var classCount: Int { weights.shape.rank == 2 ? weights.shape[1] : 0 }

    /// Throws unless the shapes, types and names fit together and `features` is the body's width.
    func validate(features: Int) throws {
        func bad(_ detail: String) -> ModuleExportError { .badHead(detail: detail) }
        guard weights.elementType == .float32, weights.shape.rank == 2 else {
            throw bad("weights must be float32 [features, classes], found \(weights.elementType) \(weights.shape)")
        }
        guard weights.shape[0] == features else {
            throw bad("weights \(weights.shape) take \(weights.shape[0]) features, but the module's feature vector has \(features)")
        }
        guard classCount >= 1 else { throw bad("weights \(weights.shape) have no class column") }
        guard biases.elementType == .float32, biases.shape == [classCount] else {
            throw bad("biases must be float32 [\(classCount)], found \(biases.elementType) \(biases.shape)")
        }
        guard classNames.count == classCount else {
            throw bad("\(classNames.count) class names for \(classCount) classes")
        }
        if let name = classNames.first(where: { $0.contains(where: \.isNewline) }) {
            throw bad("class name \(String(reflecting: name)) holds a line break (labels.txt has one name per line)")
        }
    }
}
