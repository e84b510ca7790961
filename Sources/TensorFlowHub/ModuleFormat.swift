/// What kind of module a folder holds, and so how it was read.
public enum ModuleFormat: String, Sendable, Equatable, CustomStringConvertible {
    /// A TF1 hub module (`hub.Module`): `tfhub_module.pb` (FORMAT_V3) beside `saved_model.pb`, one graph
    /// variant per tag set, variables named by their graph nodes.
    case hubModule
    /// A TF1 SavedModel without `tfhub_module.pb` and without an object graph: its signatures run on
    /// its graph as for a hub module (what `hub.load` does through `load_v1_in_v2`).
    case savedModelV1
    /// A TF2 SavedModel (`tf.saved_model.save`, what `hub.load` and `hub.KerasLayer` load):
    /// `saved_model.pb` with an object graph, signatures calling the function library, and a checkpoint
    /// keyed by object paths.
    case savedModelV2

    public var description: String {
        switch self {
        case .hubModule: return "TF1 hub format (tfhub_module.pb FORMAT_V3)"
        case .savedModelV1: return "TF1 SavedModel (no tfhub_module.pb, no object graph)"
        case .savedModelV2: return "TF2 SavedModel (object graph, function library, object-based checkpoint)"
        }
    }
}
