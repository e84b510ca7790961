#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

// MARK: - What a handle names

/// The kinds of handle the resolver reads.
enum ModuleHandle: Equatable {
    /// A module folder on disk (absolute path).
    case folder(String)
    /// A local archive file (absolute path); gzip or plain tar, judged from its bytes.
    case archive(String)
    /// An `http://` or `https://` URL, fetched in the compressed format.
    case remote(URL)

    /// Classifies `handle`: http(s) URLs, `file://` URLs (stripped and percent-decoded), other
    /// `scheme://` forms (refused), and plain paths (relative ones against the current folder).
    static func parse(_ handle: String) throws -> ModuleHandle {
        let lowered = handle.lowercased()
        if lowered.hasPrefix("http://") || lowered.hasPrefix("https://") {
            guard let url = URL(string: handle), url.host != nil else {
                throw ResolverError.unsupportedHandle(handle: handle, reason: "it is not a valid URL")
            }
            return .remote(url)
        }
        var path = handle
        if lowered.hasPrefix("file://") {
            var rest = String(handle.dropFirst("file://".count))
            if rest.lowercased().hasPrefix("localhost/") { rest = String(rest.dropFirst("localhost".count)) }
            guard rest.hasPrefix("/") else {
                throw ResolverError.unsupportedHandle(
                    handle: handle, reason: "a file:// URL needs an absolute path (file:///path/to/module)")
            }
            guard let decoded = rest.removingPercentEncoding else {
                throw ResolverError.unsupportedHandle(handle: handle, reason: "it holds an invalid percent escape")
            }
            path = decoded
        } else if let scheme = handle.range(of: "://") {
            let name = handle[..<scheme.lowerBound]
            let hint = name.lowercased() == "gs"
                ? "gs:// needs Google Cloud Storage, which this package does not read; download the archive and pass its path"
                : "only folders, .tar/.tar.gz/.tgz files, file://, http:// and https:// handles are read"
            throw ResolverError.unsupportedHandle(handle: handle, reason: hint)
        }
        guard !path.isEmpty else { throw ResolverError.unsupportedHandle(handle: handle, reason: "it is empty") }
        let absolute = CacheLayout.absolute(path)
        var info = stat()
        guard stat(absolute, &info) == 0 else {
            throw ResolverError.handleNotFound(handle: handle, path: absolute)
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .folder(absolute)
        case S_IFREG: return .archive(absolute)
        default:
            throw ResolverError.unsupportedHandle(handle: handle, reason: "\(absolute) is neither a folder nor a file")
        }
    }
}
