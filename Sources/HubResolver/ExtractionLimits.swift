// MARK: - Extraction limits

/// Caps applied while an archive is extracted into the cache. An archive that crosses one is refused
/// with ``ResolverError/limitExceeded(source:limit:maximum:found:)`` and nothing of it is kept.
///
/// The caps are checked against tar headers before any data is inflated, so a gzip bomb stops at the
/// cap (it never inflates further than one entry header past it).
public struct ExtractionLimits: Sendable, Equatable {
    /// Largest single file, in bytes. Default 8 GiB.
    public var maxEntrySize: Int64
    /// Largest sum of all file sizes plus pax / GNU long-name metadata, in bytes. Default 32 GiB.
    public var maxTotalSize: Int64
    /// Most archive entries (files, folders and metadata headers). Default 100 000.
    public var maxEntryCount: Int

    /// Creates limits; the defaults fit the largest modules ever published on tfhub.dev with room to spare.
    public init(maxEntrySize: Int64 = 8 << 30, maxTotalSize: Int64 = 32 << 30, maxEntryCount: Int = 100_000) {
        self.maxEntrySize = maxEntrySize
        self.maxTotalSize = maxTotalSize
        self.maxEntryCount = maxEntryCount
    }

    /// Longest pax extended header or GNU long-name payload accepted (metadata, not file data).
    static let maxMetadataSize = 1 << 20
}
