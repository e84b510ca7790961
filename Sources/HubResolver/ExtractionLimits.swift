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
    /// Largest ratio of extracted bytes to archive bytes once more than `ratioFreeSize` bytes are
    /// extracted. Default 200 (model weights compress little: a real module is below 2:1; deflate
    /// reaches about 1 000:1 on zeros). Checked against the archive's size when it is known (a file, an
    /// HTTP `Content-Length`) from the tar headers, before data is written; always against the bytes
    /// received so far as data is written.
    public var maxCompressionRatio: Int64
    /// Bytes that may be extracted whatever the ratio. Default 64 MiB.
    public var ratioFreeSize: Int64

    /// Creates limits; the defaults fit the largest modules ever published on tfhub.dev with room to spare.
    public init(
        maxEntrySize: Int64 = 8 << 30, maxTotalSize: Int64 = 32 << 30, maxEntryCount: Int = 100_000,
        maxCompressionRatio: Int64 = 200, ratioFreeSize: Int64 = 64 << 20
    ) {
        self.maxEntrySize = maxEntrySize
        self.maxTotalSize = maxTotalSize
        self.maxEntryCount = maxEntryCount
        self.maxCompressionRatio = max(1, maxCompressionRatio)
        self.ratioFreeSize = max(0, ratioFreeSize)
    }

    /// Bytes that may be extracted from `compressed` archive bytes.
    func allowedSize(compressed: Int64) -> Int64 {
        let (product, overflow) = compressed.multipliedReportingOverflow(by: maxCompressionRatio)
        return max(ratioFreeSize, overflow ? .max : product)
    }

    /// Longest pax extended header or GNU long-name payload accepted (metadata, not file data).
    static let maxMetadataSize = 1 << 20
}
