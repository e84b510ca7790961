import Foundation
import TFProto

/// Why a tuned module could not be exported. Every case names the file, variable or node concerned
/// and what was expected.
public enum ModuleExportError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The output folder exists and overwriting was not requested.
    case outputExists(path: String)
    /// No signature gives the feature vector (`image_feature_vector`, else `default`, output `default`).
    case noFeatureSignature(file: String, tags: [String], available: [String])
    /// The feature output is not float32 `[batch, features]` with a known feature count.
    case badFeatureOutput(file: String, signature: String, detail: String)
    /// The head's weights, biases or class names do not fit together or the body.
    case badHead(detail: String)
    /// A new value was given for a key the source checkpoint does not have.
    case unknownVariable(key: String, checkpoint: String)
    /// A new value's element type or shape differs from the source checkpoint's.
    case variableMismatch(key: String, expected: String, found: String)
    /// The source checkpoint stores this variable partitioned, which the export does not write.
    case partitionedVariable(key: String, checkpoint: String)
    /// The head would reuse a node name, checkpoint key or asset file the source module already has.
    case nameClash(name: String, file: String)
    /// A collection the head extends (`variables`, `trainable_variables`) is not a bytes_list.
    case badCollection(file: String, tags: [String], name: String)
    /// A file or folder could not be written, copied or renamed (`reason` is the system's message).
    case unwritable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .outputExists(path):
            return "\(path) already exists (pass overwrite to replace it)"
        case let .noFeatureSignature(file, tags, available):
            return "\(file) (tags \(tags)): no signature 'image_feature_vector' or 'default' with an output 'default'; "
                + "signatures: \(available)"
        case let .badFeatureOutput(file, signature, detail):
            return "\(file): signature '\(signature)' output 'default': \(detail)"
        case let .badHead(detail):
            return "classifier head: \(detail)"
        case let .unknownVariable(key, checkpoint):
            return "\(checkpoint): no variable '\(key)' in the source checkpoint"
        case let .variableMismatch(key, expected, found):
            return "variable '\(key)': expected \(expected), found \(found)"
        case let .partitionedVariable(key, checkpoint):
            return "\(checkpoint): variable '\(key)' is partitioned, which the export does not support"
        case let .nameClash(name, file):
            return "\(file) already has '\(name)', which the classifier head would add"
        case let .badCollection(file, tags, name):
            return "\(file) (tags \(tags)): collection '\(name)' is not a bytes_list of VariableDefs"
        case let .unwritable(path, reason):
            return "cannot write \(path): \(reason)"
        }
    }
}
