// MARK: - Errors

/// Why a handle could not be resolved to a module folder. Every case names the handle, URL, archive or
/// path involved and says what was expected and what was found.
public enum ResolverError: Error, CustomStringConvertible, Sendable {
    /// A local handle (path or `file://` URL) names nothing on disk.
    case handleNotFound(handle: String, path: String)
    /// The handle's form is not one the resolver reads (e.g. `gs://`, an unknown scheme).
    case unsupportedHandle(handle: String, reason: String)
    /// `TFHUB_MODEL_LOAD_FORMAT` holds a value the resolver cannot honour for this handle.
    case unsupportedLoadFormat(handle: String, value: String)
    /// A folder (given, cached or just extracted) is not a complete module (no `saved_model.pb`, missing shards).
    case invalidModule(location: String, problem: String)
    /// The cache folder cannot be created or written; reported at once, never retried.
    case cacheNotWritable(path: String, reason: String)
    /// The server's final answer was not 2xx.
    case httpStatus(url: String, status: Int, finalURL: String, body: String)
    /// The server sent a web page where a module archive was expected.
    case htmlPage(source: String)
    /// The bytes are neither gzip nor tar.
    case notAnArchive(source: String, found: String)
    /// The archive uses a compression the resolver does not read (bzip2, xz).
    case unsupportedCompression(source: String, format: String)
    /// More than 10 redirects (urllib's limit), or a redirect loop.
    case tooManyRedirects(url: String, chain: [String])
    /// A redirect to a scheme other than http or https.
    case unsupportedRedirect(url: String, target: String)
    /// The transfer failed (connection, timeout, TLS).
    case network(url: String, reason: String)
    /// The gzip or tar stream is damaged or cut short; `offset` counts uncompressed tar bytes.
    case corruptArchive(source: String, offset: Int64, problem: String)
    /// An archive entry would escape the module folder or is not a plain file or folder.
    case unsafeEntry(source: String, entry: String, problem: String)
    /// An archive crosses one of the ``ExtractionLimits``.
    case limitExceeded(source: String, limit: String, maximum: Int64, found: Int64)
    /// A file-system call failed.
    case fileSystem(path: String, operation: String, reason: String)
    /// A cache entry cannot be removed while a download holds its lock.
    case cacheEntryBusy(folder: String, holder: String)

    public var description: String {
        switch self {
        case let .handleNotFound(handle, path):
            return "Module handle '\(handle)': \(path) does not exist."
        case let .unsupportedHandle(handle, reason):
            return "Module handle '\(handle)' is not supported: \(reason)."
        case let .unsupportedLoadFormat(handle, value):
            return "Module handle '\(handle)': TFHUB_MODEL_LOAD_FORMAT=\(value) is not supported; "
                + "expected COMPRESSED or AUTO (or unset)."
        case let .invalidModule(location, problem):
            return "\(location) is not a valid module (TF1 hub module or SavedModel): \(problem)."
        case let .cacheNotWritable(path, reason):
            return "The module cache \(path) is not writable: \(reason). "
                + "Set TFHUB_CACHE_DIR to a writable folder."
        case let .httpStatus(url, status, finalURL, body):
            let via = finalURL == url ? "" : " (final URL \(finalURL))"
            let snippet = body.isEmpty ? "" : "; body starts: \(body)"
            return "Downloading \(url) failed: HTTP \(status)\(via)\(snippet)."
        case let .htmlPage(source):
            return "\(source) returned an HTML page, not a module archive (.tar.gz). "
                + "The model may have moved (tfhub.dev models now live on Kaggle)."
        case let .notAnArchive(source, found):
            return "\(source) is not a module archive: expected gzip (1f 8b) or tar data, found \(found)."
        case let .unsupportedCompression(source, format):
            return "\(source) is \(format)-compressed; only gzip (.tar.gz, .tgz) and plain .tar are supported."
        case let .tooManyRedirects(url, chain):
            return "Downloading \(url) followed too many redirects (\(chain.count)): "
                + chain.joined(separator: " -> ")
        case let .unsupportedRedirect(url, target):
            return "Downloading \(url): redirect to \(target) refused; only http and https are followed."
        case let .network(url, reason):
            return "Downloading \(url) failed: \(reason)."
        case let .corruptArchive(source, offset, problem):
            return "\(source) is a damaged archive at tar byte \(offset): \(problem)."
        case let .unsafeEntry(source, entry, problem):
            return "\(source): archive entry '\(entry)' refused: \(problem)."
        case let .limitExceeded(source, limit, maximum, found):
            return "\(source): \(limit) is limited to \(maximum), archive needs at least \(found)."
        case let .fileSystem(path, operation, reason):
            return "\(operation) \(path) failed: \(reason)."
        case let .cacheEntryBusy(folder, holder):
            return "\(folder) is locked by '\(holder)' (a download in progress); try again when it is done."
        }
    }
}
