#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

// MARK: - The lock file

/// tensorflow_hub's lock: `<module>.lock` holding `<hostname>.<pid>.<uid>`, created atomically without
/// overwriting (a complete temp file hard-linked into place), removed only by its owner.
struct CacheLock {
    let layout: CacheLayout
    /// 32 lowercase hex digits, like Python's `uuid4().hex`; also names the download's temp folder.
    let uid = newUID()
    var content: String { "\(POSIX.hostName).\(POSIX.processID).\(uid)" }

    enum Attempt: Equatable {
        case acquired
        case heldBy(String)
    }

    /// Tries once to create the lock. Permission and other permanent errors are thrown at once.
    func tryAcquire() throws -> Attempt {
        let staging = layout.lockFile + ".tmp" + CacheLock.newUID()
        let code = POSIX.writeNewFile(staging, content)
        if code != 0 { throw ResolverError.cacheNotWritable(path: layout.root, reason: POSIX.describe(code)) }
        defer { unlink(staging) }
        if link(staging, layout.lockFile) == 0 { return .acquired }
        switch errno {
        case EEXIST:
            return .heldBy(POSIX.readSmallFile(layout.lockFile) ?? "")
        case EPERM, EXDEV, ENOSYS, EOPNOTSUPP, EMLINK:
            // A file system without hard links: fall back to O_EXCL (the lock is briefly empty).
            let fallback = POSIX.writeNewFile(layout.lockFile, content)
            if fallback == 0 { return .acquired }
            if fallback == EEXIST { return .heldBy(POSIX.readSmallFile(layout.lockFile) ?? "") }
            throw ResolverError.cacheNotWritable(path: layout.root, reason: POSIX.describe(fallback))
        case let other:
            throw ResolverError.cacheNotWritable(path: layout.root, reason: POSIX.describe(other))
        }
    }

    /// Removes the lock if it is still ours.
    func release() {
        if POSIX.readSmallFile(layout.lockFile) == content { unlink(layout.lockFile) }
    }

    static func newUID() -> String {
        UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }
}

/// The parts of a lock's content; the host name may itself contain dots.
struct LockHolder: Equatable {
    let host: String
    let pid: Int32
    let uid: String

    init?(_ content: String) {
        let parts = content.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 3, let pid = Int32(parts[parts.count - 2]) else { return nil }
        host = parts.dropLast(2).joined(separator: ".")
        self.pid = pid
        uid = String(parts[parts.count - 1])
    }
}
