#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Logging

// MARK: - Public entry point

/// Turns a module handle into a validated local module folder, with tensorflow_hub 0.15's cache.
///
/// Handles:
/// - a module folder: returned as it is (absolute), after validation; nothing is copied;
/// - a local archive file (`.tar`, `.tar.gz`, `.tgz`, or any file whose bytes are gzip or tar):
///   extracted into the cache under the SHA-1 of its absolute path, and extracted again when the file
///   is newer than the cache entry;
/// - a `file://` URL: stripped and percent-decoded, then treated as a folder or archive path;
/// - an `http://` or `https://` URL: fetched with `?tf-hub-format=compressed`, redirects followed,
///   streamed through gzip and tar into the cache under the SHA-1 of the handle string as given.
///
/// The cache is `TFHUB_CACHE_DIR`, else `<tempdir>/tfhub_modules` (Python's `gettempdir` rules), laid
/// out exactly like tensorflow_hub's, so either side reuses entries the other wrote.
/// A folder counts as a module when it holds `saved_model.pb` (a TF1 hub module also `tfhub_module.pb`, a
/// TF2 SavedModel nothing else) and, if `variables/variables.index` exists, all
/// `variables.data-SSSSS-of-NNNNN` shards.
public struct ModuleResolver: Sendable {
    /// The cache root (created on first download).
    public let cacheDirectory: URL
    /// Caps applied to every archive extracted.
    public var limits: ExtractionLimits
    /// Seconds without progress (lock content and the holder's temp folder size unchanged) after which
    /// another process's lock is taken over. A holder whose process is gone on this host is taken over
    /// at once.
    public var staleLockTimeout: TimeInterval
    /// Seconds a lock naming another host (or unreadable) may stand with no download of its holder in
    /// the cache (no holder temp folder) before it is taken over (see `Docs/handles-and-cache.md`).
    public var idleLockTimeout: TimeInterval
    /// Seconds an HTTP transfer may sit idle before it fails.
    public var networkTimeout: TimeInterval

    let environment: [String: String]
    let logger: Logger

    /// Creates a resolver.
    /// - Parameters:
    ///   - cacheDirectory: the cache root; nil means `TFHUB_CACHE_DIR`, else `<tempdir>/tfhub_modules`.
    ///   - environment: where `TFHUB_CACHE_DIR`, `TFHUB_MODEL_LOAD_FORMAT`, `TFHUB_DOWNLOAD_PROGRESS`
    ///     and `TMPDIR` are read.
    public init(
        cacheDirectory: URL? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        limits: ExtractionLimits = ExtractionLimits(),
        staleLockTimeout: TimeInterval = 120,
        idleLockTimeout: TimeInterval = 10,
        networkTimeout: TimeInterval = 60,
        logger: Logger = Logger(label: "TensorFlowHub.ModuleResolver")
    ) {
        let root = cacheDirectory.map { CacheLayout.absolute($0.path) } ?? CacheLayout.defaultRoot(environment: environment)
        self.cacheDirectory = URL(fileURLWithPath: root, isDirectory: true)
        self.environment = environment
        self.limits = limits
        self.staleLockTimeout = staleLockTimeout
        self.idleLockTimeout = idleLockTimeout
        self.networkTimeout = networkTimeout
        self.logger = logger
    }

    /// Resolves a handle (folder path, `.tar`/`.tar.gz`/`.tgz` path, `file://` URL, `http(s)://` URL)
    /// to a validated local module folder. Blocks while downloading or waiting for another process.
    /// - Throws: ``ResolverError``.
    public func resolve(_ handle: String) throws -> URL {
        switch try ModuleHandle.parse(handle) {
        case let .folder(path):
            if let problem = ModuleFolderValidator.problem(in: path) {
                throw ResolverError.invalidModule(location: "The folder \(path) (handle '\(handle)')", problem: problem)
            }
            return URL(fileURLWithPath: path, isDirectory: true)
        case let .archive(path):
            let installer = installer(key: SHA1.hexDigest(of: path), handle: handle)
            let folder = try installer.install(
                source: path, isOutdated: { isArchive(path, newerThan: installer.layout) },
                fetch: { try extractFile(path, into: $0) })
            return URL(fileURLWithPath: folder, isDirectory: true)
        case let .remote(url):
            let format = environment["TFHUB_MODEL_LOAD_FORMAT"] ?? ""
            guard ["", "COMPRESSED", "AUTO"].contains(format) else {
                throw ResolverError.unsupportedLoadFormat(handle: handle, value: format)
            }
            let request = CompressedRequestURL.make(for: handle, url: url)
            let folder = try installer(key: SHA1.hexDigest(of: handle), handle: handle).install(source: handle) {
                try download(request, handle: handle, into: $0)
            }
            return URL(fileURLWithPath: folder, isDirectory: true)
        }
    }

    /// The folder in which `handle` is (or would be) cached: `<cache>/<sha1>`, the SHA-1 taken of the
    /// handle string for URLs and of the absolute path for local archives. Nil for folder handles,
    /// which are never cached, and for handles that cannot be parsed.
    public func cacheFolder(for handle: String) -> URL? {
        let key: String
        switch try? ModuleHandle.parse(handle) {
        case let .archive(path)?: key = SHA1.hexDigest(of: path)
        case .remote?: key = SHA1.hexDigest(of: handle)
        default: return nil
        }
        return cacheDirectory.appendingPathComponent(key, isDirectory: true)
    }

    // MARK: - Pieces

    private func installer(key: String, handle: String) -> CacheInstaller {
        CacheInstaller(
            layout: CacheLayout(root: cacheDirectory.path, key: key), handle: handle,
            staleLockTimeout: staleLockTimeout, idleLockTimeout: idleLockTimeout, logger: logger)
    }

    /// Streams a local archive through the sniffer, gzip and tar into `folder`, 1 MiB at a time (a
    /// smaller archive is read in one piece: zeroing 1 MiB per load dominated small archives).
    private func extractFile(_ path: String, into folder: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ResolverError.fileSystem(path: path, operation: "Opening", reason: POSIX.describe(errno)) }
        defer { close(fd) }
        var status = stat()
        let size: Int64? = fstat(fd, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG ? Int64(status.st_size) : nil
        let stream = ArchiveStream(root: folder, source: path, limits: limits, expectedSize: size)
        let chunk = Int(min(max(size ?? Int64(1 << 20), 4096), Int64(1 << 20)))
        var buffer = [UInt8](repeating: 0, count: chunk)
        while !stream.isComplete {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ResolverError.fileSystem(path: path, operation: "Reading", reason: POSIX.describe(errno))
            }
            if count == 0 { break }
            try buffer.withUnsafeBytes { try stream.consume(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
        try stream.finish()
    }

    /// Whether the archive file changed after its cache entry was written (descriptor, else folder time).
    private func isArchive(_ path: String, newerThan layout: CacheLayout) -> Bool {
        func modified(_ file: String) -> Date? {
            (try? FileManager.default.attributesOfItem(atPath: file))?[.modificationDate] as? Date
        }
        guard let archive = modified(path),
              let entry = modified(layout.descriptorFile) ?? modified(layout.moduleFolder) else { return false }
        return archive > entry
    }
}

// MARK: - HTTP

extension ModuleResolver {
    /// The URL fetched for an http(s) handle: the handle with `tf-hub-format=compressed` added to its
    /// query as tensorflow_hub adds it (`parse_qsl` + `urlencode`). Nil for other handles.
    public static func requestURL(for handle: String) -> String? {
        let lowered = handle.lowercased()
        guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://") else { return nil }
        return CompressedRequestURL.string(for: handle)
    }

    func download(_ request: URL, handle: String, into folder: String) throws {
        let archive = ArchiveStream(root: folder, source: handle, limits: limits)
        let progress = DownloadProgress(handle: handle, environment: environment, logger: logger)
        try HTTPArchiveDownload(handle: handle, request: request, archive: archive, progress: progress)
            .run(idleTimeout: networkTimeout)
    }
}
