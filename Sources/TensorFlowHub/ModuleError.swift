import Interpreter

/// Why a hub module could not be loaded or called. Each case names the file, signature, input or
/// variable concerned and what was expected.
public enum ModuleError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The folder lacks a file every module has (`saved_model.pb`).
    case missingFile(directory: String, file: String)
    /// `tfhub_module.pb` declares a format other than `FORMAT_V3` (3).
    case unsupportedFormat(file: String, format: Int32)
    /// `tfhub_module.pb` lists required features this loader does not implement.
    case unsupportedFeatures(file: String, features: [String])
    /// Two MetaGraphDefs of `saved_model.pb` carry the same tag set.
    case duplicateTagSet(file: String, tags: [String])
    /// No MetaGraphDef has exactly the requested tag set.
    case noSuchGraphVariant(file: String, requested: [String], available: [[String]])
    /// The `hub_module_attachments` collection or one of its entries is malformed.
    case badAttachment(file: String, reason: String)
    /// An asset named by `saved_model_assets` is malformed or escapes `assets/`.
    case badAsset(file: String, reason: String)
    /// The module's graph uses a feature this loader does not handle. Not thrown at present: function
    /// calls the signatures reach are inlined when the module loads, and other functions are ignored.
    case unsupportedGraphFeature(file: String, reason: String)
    /// A variable the graph reads cannot be built from the checkpoint.
    case badVariable(name: String, reason: String)
    /// A variable a signature reads has no value in the module's checkpoint (`detail` says where the
    /// checkpoint is, or that `variables/` is missing).
    case missingVariableValue(name: String, detail: String)
    /// A cached copy of a module failed to read again after it was fetched anew (`reason`: the error).
    case brokenCacheEntry(handle: String, folder: String, reason: String)
    /// No signature of that name.
    case noSuchSignature(name: String, available: [String])
    /// A signature's input or output uses an encoding other than a dense tensor name.
    case unsupportedTensorEncoding(signature: String, key: String, reason: String)
    /// A call's inputs do not match the signature.
    case badInput(signature: String, input: String, reason: String)
    /// `getExpectedImageSize()` / `getNumImageChannels()` found no usable size (hub's rules).
    case imageSizeUnavailable(reason: String)
    /// The signature has no `default` output, which the single-tensor call returns.
    case noDefaultOutput(signature: String, outputs: [String])
    /// TF2: the checkpoint has no tensor under the key the object graph names for a variable (`field`:
    /// where the key came from, e.g. `_CHECKPOINTABLE_OBJECT_GRAPH nodes[170].attributes[0].checkpoint_key`).
    case missingCheckpointKey(file: String, key: String, field: String)
    /// TF2: the object graph (of `saved_model.pb`, or the checkpoint's) does not hold together: a bound
    /// input naming no variable, a call with fewer inputs than captures, a function the library lacks,
    /// a variable whose checkpoint value has another type or shape.
    case badObjectGraph(file: String, field: String, reason: String)
    /// A signature (or a saved function) takes or returns something other than dense tensors, e.g. a
    /// ragged or sparse tensor: `field` names the input or output.
    case unsupportedSignature(file: String, field: String, reason: String)
    /// The ops a signature needs that this interpreter does not implement, all of them, each with its
    /// node and the library function it was inlined from.
    case unsupportedOps(file: String, signature: String, ops: [PlanningError.UnsupportedOp])

    public var description: String {
        switch self {
        case .missingFile(let directory, let file):
            return "\(directory): not a hub module or SavedModel: \(file) is missing"
        case .unsupportedFormat(let file, let format):
            return "\(file): unsupported module def format \(format) (expected FORMAT_V3 = 3)"
        case .unsupportedFeatures(let file, let features):
            return "\(file): unsupported required features \(features) (none are supported)"
        case .duplicateTagSet(let file, let tags):
            return "\(file): tags \(tags) used repeatedly by several MetaGraphDefs"
        case .noSuchGraphVariant(let file, let requested, let available):
            guard !available.isEmpty else {
                return "\(file): no graph variant with tags \(requested); available: none (the file holds no MetaGraphDef)"
            }
            return "\(file): no graph variant with tags \(requested); available: "
                + available.map { "\($0)" }.joined(separator: ", ")
        case .badAttachment(let file, let reason):
            return "\(file): bad hub_module_attachments: \(reason)"
        case .badAsset(let file, let reason):
            return "\(file): bad asset: \(reason)"
        case .unsupportedGraphFeature(let file, let reason):
            return "\(file): \(reason)"
        case .badVariable(let name, let reason):
            return "variable '\(name)': \(reason)"
        case .missingVariableValue(let name, let detail):
            return "variable '\(name)' has no value: \(detail)"
        case .brokenCacheEntry(let handle, let folder, let reason):
            return "the cached copy \(folder) of '\(handle)' is broken even after fetching it again "
                + "(\(reason)); clear it with `tfhub cache clear \(handle)`"
        case .noSuchSignature(let name, let available):
            return "no signature '\(name)'; the module has \(available)"
        case .unsupportedTensorEncoding(let signature, let key, let reason):
            return "signature '\(signature)', tensor '\(key)': \(reason)"
        case .badInput(let signature, let input, let reason):
            return "signature '\(signature)', input '\(input)': \(reason)"
        case .imageSizeUnavailable(let reason):
            return reason
        case .noDefaultOutput(let signature, let outputs):
            return "signature '\(signature)' has no 'default' output (it has \(outputs)); call it with a dictionary"
        case .missingCheckpointKey(let file, let key, let field):
            return "\(file): no tensor '\(key)' in the checkpoint, named by \(field)"
        case .badObjectGraph(let file, let field, let reason):
            return "\(file): \(field): \(reason)"
        case .unsupportedSignature(let file, let field, let reason):
            return "\(file): \(field): \(reason)"
        case .unsupportedOps(let file, let signature, let ops):
            let types = Set(ops.map(\.op)).sorted()
            return "\(file): signature '\(signature)' needs unsupported ops \(types.joined(separator: ", ")): "
                + ops.map(\.description).joined(separator: ", ")
        }
    }
}
