// MARK: - Graph limits

/// Caps applied when a `GraphDef` becomes a `Graph` and when it is planned. A graph crossing one is
/// refused with a `PlanningError` (`.tooManyNodes`, `.invalidNode`, `.invalidAttribute`) naming the
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
    /// Largest sum, in bytes, of the constants one plan holds: `Const` values, results folded at plan
    /// time and frozen variables. Default 8 GiB (NASNet-A large needs about 360 MB).
    public var maximumConstantByteCount: Int

    public init(
        maximumNodeCount: Int = 1_000_000, maximumTensorByteCount: Int = 1 << 32,
        maximumConstantByteCount: Int = 1 << 33
    ) {
        self.maximumNodeCount = maximumNodeCount
        self.maximumTensorByteCount = maximumTensorByteCount
        self.maximumConstantByteCount = maximumConstantByteCount
    }

    public static let `default` = GraphLimits()
}
