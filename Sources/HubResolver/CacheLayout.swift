import Foundation

// MARK: - Where tensorflow_hub 0.15 keeps a cached module

/// Names of the cache entry for one handle, exactly as tensorflow_hub 0.15 forms them:
/// `<root>/<sha1(handle)>` for the module, `.lock`, `.descriptor.txt` and `.<uid>.tmp` beside it.
struct CacheLayout {
    let root: String
    let key: String

    var moduleFolder: String { root + "/" + key }
    var lockFile: String { moduleFolder + ".lock" }
    var descriptorFile: String { moduleFolder + ".descriptor.txt" }
    func temporaryFolder(uid: String) -> String { moduleFolder + "." + uid + ".tmp" }

    /// `TFHUB_CACHE_DIR` when non-empty, else `<gettempdir()>/tfhub_modules`.
    static func defaultRoot(environment: [String: String]) -> String {
        if let configured = environment["TFHUB_CACHE_DIR"], !configured.isEmpty {
            return absolute(configured)
        }
        return temporaryDirectory(environment: environment) + "/tfhub_modules"
    }

    /// Python's `tempfile.gettempdir()`: the first of `$TMPDIR`, `$TEMP`, `$TMP`, `/tmp`, `/var/tmp`,
    /// `/usr/tmp`, then the current folder, that is a writable folder.
    static func temporaryDirectory(environment: [String: String]) -> String {
        let fromEnvironment = ["TMPDIR", "TEMP", "TMP"].compactMap { environment[$0] }.filter { !$0.isEmpty }
        for candidate in fromEnvironment + ["/tmp", "/var/tmp", "/usr/tmp"] {
            let path = absolute(candidate)
            if POSIX.kind(of: path) == .directory, FileManager.default.isWritableFile(atPath: path) {
                return path
            }
        }
        return FileManager.default.currentDirectoryPath
    }

    /// Python's `os.path.abspath`: joined with the current folder and normalised (no symlink resolution).
    static func absolute(_ path: String) -> String {
        let joined = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var parts: [Substring] = []
        for part in joined.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." { _ = parts.popLast(); continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The descriptor text tensorflow_hub writes (informational; nobody reads it back).
    static func descriptor(handle: String, date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSSSSS"
        return "Module: \(handle)\nDownload Time: \(formatter.string(from: date))\n"
            + "Downloader Hostname: \(POSIX.hostName) (PID:\(POSIX.processID))"
    }
}
