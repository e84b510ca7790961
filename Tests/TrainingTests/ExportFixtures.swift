import Foundation
import Tensors
import TensorFlowHubTraining
import TestSupport

/// The deterministic values the export tests and `Tests/Fixtures/export/make_export_references.py` both
/// build, so TensorFlow's numbers can be committed without the tensors themselves (see its README).
enum ExportFormulas {
    static let classCount = 5
    static let imageSize = 40
    static let batch = 2

    /// `((i * 2654435761 + seed * 40503 + 12345) mod 2^32 >> 8) / 2^24 * 2 - 1`: exact in float32, in [-1, 1).
    static func unit(_ index: Int, seed: UInt32) -> Float {
        let hash = UInt32(truncatingIfNeeded: index) &* 2_654_435_761 &+ seed &* 40503 &+ 12345
        return Float(hash >> 8) / 16_777_216 * 2 - 1
    }

    /// Every float32 variable scaled element-wise by `1 + 0.1 * unit(i, j)`, `j` the key's index among
    /// all checkpoint keys in sorted order.
    static func perturbed(_ variables: [String: Tensor]) -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (j, key) in variables.keys.sorted().enumerated() {
            let tensor = variables[key]!
            guard tensor.elementType == .float32 else { continue }
            let values = tensor.scalars(as: Float.self)
            result[key] = Tensor(shape: tensor.shape, scalars: values.indices.map { i in
                values[i] * (1 + 0.1 * unit(i, seed: UInt32(j)))
            })
        }
        return result
    }

    static func head(features: Int) -> ClassifierHead {
        ClassifierHead(
            weights: Tensor(shape: [features, classCount], scalars: (0 ..< features * classCount).map { 0.1 * unit($0, seed: 100_001) }),
            biases: Tensor(shape: [classCount], scalars: (0 ..< classCount).map { 0.5 * unit($0, seed: 100_002) }),
            classNames: (0 ..< classCount).map { "class \($0) é" })
    }

    /// The nasnet fixtures' input formula: `[batch, size, size, 3]` in [0, 1).
    static func images(size: Int = imageSize) -> Tensor {
        Tensor(shape: [batch, size, size, 3], of: Float.self) { out in
            for i in 0 ..< out.count { out[i] = Float((UInt32(truncatingIfNeeded: i) &* 2_654_435_761 &+ 12345) >> 8) / 16_777_216 }
        }
    }

    /// features `[batch, F]` @ weights `[F, C]` + biases `[C]`, accumulated in Double.
    static func logits(features: Tensor, head: ClassifierHead) -> Tensor {
        let f = features.scalars(as: Float.self), w = head.weights.scalars(as: Float.self), b = head.biases.scalars(as: Float.self)
        let rows = features.shape[0], inner = features.shape[1], columns = head.classCount
        return Tensor(shape: [rows, columns], scalars: (0 ..< rows * columns).map { index in
            let (row, column) = index.quotientAndRemainder(dividingBy: columns)
            var sum = Double(b[column])
            for k in 0 ..< inner { sum += Double(f[row * inner + k]) * Double(w[k * columns + column]) }
            return Float(sum)
        })
    }
}

/// A fresh folder under the system temporary directory.
func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("TrainingTests-" + UUID().uuidString)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
