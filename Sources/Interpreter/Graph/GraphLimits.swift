// MARK: - Graph limits

/// Caps applied when a `GraphDef` becomes a `Graph` and when it is planned. A graph crossing one is
/// refused with a `PlanningError` (`.tooManyNodes`, `.invalidNode`, `.constantFolding`) naming the
/// limit, instead of allocating without bound.
///
/// ```swift
/// let graph = try Graph(graphDef: graphDef, limits: GraphLimits(maximumNodeCount: 5_000_000))
/// ```
public struct GraphLimits: Sendable, Hashable {
    /// Most nodes a graph may hold. Default 1 000 000 (NASNet-A large has about 9 000).
    public var maximumNodeCount: Int
    /// Largest tensor, in bytes, that a `Const` value or a planned output may have. Default 4 GiB.
    /// String tensors count 8 bytes per element plus their bytes.
    public var maximumTensorByteCount: Int

    public init(maximumNodeCount: Int = 1_000_000, maximumTensorByteCount: Int = 1 << 32) {
        self.maximumNodeCount = maximumNodeCount
        self.maximumTensorByteCount = maximumTensorByteCount
    }

    public static let `default` = GraphLimits()
}
