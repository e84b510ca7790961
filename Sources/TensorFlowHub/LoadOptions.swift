import Interpreter
import TFProto

// MARK: - Load options

extension Module {
    /// Resource caps applied while a module loads. The defaults accept every module published on
    /// tfhub.dev; raise a cap when a larger module is refused, lower them to load untrusted modules
    /// under a tighter memory budget. Archive caps (size, entry count) live on the resolver:
    /// `ModuleResolver(limits: ExtractionLimits(...))`.
    ///
    /// ```swift
    /// var options = Module.LoadOptions()
    /// options.graphLimits.maximumNodeCount = 5_000_000
    /// options.protoLimits.maxDepth = 200
    /// let module = try Module(url: url, options: options)
    /// ```
    public struct LoadOptions: Sendable, Hashable {
        /// Caps on decoding `tfhub_module.pb` and `saved_model.pb`: input size (2 GiB - 1), nesting
        /// depth (100) and decoder memory (1 GiB). Crossing one throws `ProtoDecodingError`.
        public var protoLimits: ProtoDecodingLimits
        /// Caps on the graph: node count (1 000 000) and bytes per tensor (4 GiB), for `Const` values
        /// and planned outputs. Crossing one throws `PlanningError`.
        public var graphLimits: GraphLimits

        public init(protoLimits: ProtoDecodingLimits = .default, graphLimits: GraphLimits = .default) {
            self.protoLimits = protoLimits
            self.graphLimits = graphLimits
        }

        public static let `default` = LoadOptions()
    }
}
