/// An image file that could not be turned into a model input.
public struct ImageError: Error, CustomStringConvertible, Sendable {
    /// The file (or `<memory>`) the error is about.
    public let source: String
    /// What was wrong, e.g. "JPEG: Premature end of JPEG file" or "unknown image format".
    public let reason: String

    public init(source: String, reason: String) {
        self.source = source
        self.reason = reason
    }

    public var description: String { "\(source): \(reason)" }
}
