import Foundation
import TensorFlowHub

/// The export's checkpoint: every tensor of the source checkpoint (a new value where one is given,
/// checked against the source's element type and shape), plus the head's two variables, written in
/// key order with `BundleWriter` (as TF1's `Saver`, which hub export runs, adds them sorted by name).
struct CheckpointPlan {
    let reader: BundleReader?
    let replacements: [String: Tensor]
    let indexPath: String

    init(source prefix: URL, replacements: [String: Tensor]) throws {
        indexPath = prefix.path + ".index"
        reader = FileManager.default.fileExists(atPath: indexPath) ? try BundleReader(prefix: prefix) : nil
        self.replacements = replacements
        let keys = Set(reader?.keys ?? [])
        for (key, tensor) in replacements.sorted(by: { $0.key < $1.key }) {
            guard let reader, keys.contains(key) else {
                throw ModuleExportError.unknownVariable(key: key, checkpoint: indexPath)
            }
            let entry = try reader.entry(forKey: key)
            let dtype = DataType(exporting: tensor.elementType)
            guard dtype == entry.dtype, tensor.shape.dimensions == entry.shape else {
                throw ModuleExportError.variableMismatch(
                    key: key, expected: "\(entry.dtype) \(entry.shape)", found: "\(dtype) \(tensor.shape.dimensions)")
            }
        }
        for key in keys.sorted() where try !(reader?.entry(forKey: key).slices.isEmpty ?? true) {
            throw ModuleExportError.partitionedVariable(key: key, checkpoint: indexPath)
        }
        for key in [ClassifierHeadGraph.weightsName, ClassifierHeadGraph.biasesName] where keys.contains(key) {
            throw ModuleExportError.nameClash(name: key, file: indexPath)
        }
    }

    /// Writes the bundle at `prefix` (`<module>/variables/variables`).
    func write(to prefix: URL, head: ClassifierHead) throws {
        var values = replacements
        values[ClassifierHeadGraph.weightsName] = head.weights
        values[ClassifierHeadGraph.biasesName] = head.biases
        let keys = Set(reader?.keys ?? []).union(values.keys)
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let writer = try BundleWriter(prefix: prefix)
        for key in keys {
            if let tensor = values[key] {
                try writer.add(key: key, tensor: tensor)
            } else if let reader {
                try writer.add(try reader.tensor(forKey: key))
            }
        }
        try writer.finish()
    }
}
