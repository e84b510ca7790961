import TFProto

/// Everything that can go wrong while writing a tensor bundle (TF checkpoint V2).
///
/// Every case names the file it concerns (the `.index` path for problems with a tensor, otherwise the
/// file that could not be written) and, where one is involved, the tensor key.
public enum BundleWriteError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A file or folder could not be created, written, closed or renamed (`reason` is the system's message).
    case unwritableFile(file: String, reason: String)
    /// The key is empty (reserved for the header) or was already added.
    case invalidKey(file: String, key: String, reason: String)
    /// The shape is invalid, or the bytes or strings do not match it.
    case invalidTensor(file: String, key: String, detail: String)
    /// The dtype has no fixed element size a bundle can store (resource, variant, `_REF`, invalid).
    case unsupportedDType(file: String, key: String, dtype: DataType)
    /// `finish()` was already called (or failed).
    case alreadyFinished(file: String)

    public var description: String {
        switch self {
        case let .unwritableFile(file, reason):
            return "\(file): cannot write: \(reason)"
        case let .invalidKey(file, key, reason):
            return "\(file): key '\(key)': \(reason)"
        case let .invalidTensor(file, key, detail):
            return "\(file): tensor '\(key)': \(detail)"
        case let .unsupportedDType(file, key, dtype):
            return "\(file): tensor '\(key)' has dtype \(dtype), which a bundle cannot store as fixed-size elements"
        case let .alreadyFinished(file):
            return "\(file): the bundle writer is finished and takes no more tensors"
        }
    }
}
