#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Logging

// MARK: - Atomic installation into the cache

/// tensorflow_hub's `atomic_download`, with three changes: a cached folder must pass
/// ``ModuleFolderValidator`` (a broken one is fetched again), a lock whose holder is gone is taken over,
/// and permission errors fail at once. The rule for locks:
/// - held by a process of this host that no longer exists: taken over at once;
/// - held by another host (or unreadable) with no download visible (no holder temp folder) for
///   `idleLockTimeout` seconds: taken over (that host's process cannot be checked, and a live download
///   writes its temp folder at once);
/// - otherwise: taken over after `staleLockTimeout` seconds without progress (lock content and the
///   holder's temp folder size unchanged), with a warning every `waitReportInterval` seconds that
///   names the holder and the time left.
struct CacheInstaller {
    let layout: CacheLayout
    let handle: String
    let staleLockTimeout: TimeInterval
    let idleLockTimeout: TimeInterval
    let logger: Logger
    /// How often a waiter reports that it is still waiting.
    var waitReportInterval: TimeInterval = 10
    /// How often a waiter looks at the lock.
    var pollInterval: TimeInterval = 0.1

    /// Returns the cached module folder, calling `fetch(temporaryFolder)` under the lock when the cache
    /// has no valid (or only an outdated) entry. `source` names what `fetch` reads, for messages.
    func install(source: String, isOutdated: () -> Bool = { false }, fetch: (String) throws -> Void) throws -> String {
        let module = layout.moduleFolder
        if ModuleFolderValidator.problem(in: module) == nil && !isOutdated() { return module }
        let code = POSIX.makeDirectories(layout.root)
        if code != 0 { throw ResolverError.cacheNotWritable(path: layout.root, reason: POSIX.describe(code)) }
        if access(layout.root, W_OK | X_OK) != 0 {
            throw ResolverError.cacheNotWritable(path: layout.root, reason: POSIX.describe(errno))
        }
        while true {
            let lock = CacheLock(layout: layout)
            switch try lock.tryAcquire() {
            case .acquired:
                defer { lock.release() }
                return try installHoldingLock(lock, source: source, isOutdated: isOutdated, fetch: fetch)
            case let .heldBy(holder):
                waitForLock(firstSeen: holder, isOutdated: isOutdated)
                if ModuleFolderValidator.problem(in: module) == nil && !isOutdated() { return module }
            }
        }
    }

    private func installHoldingLock(
        _ lock: CacheLock, source: String, isOutdated: () -> Bool, fetch: (String) throws -> Void
    ) throws -> String {
        let module = layout.moduleFolder
        if let problem = ModuleFolderValidator.problem(in: module) {
            if POSIX.kind(of: module) != .missing {
                logger.warning("Cache entry \(module) for '\(handle)' is broken (\(problem)); fetching it again.")
                removeAside(module)
            }
        } else if isOutdated() {
            logger.info("Cache entry \(module) is older than \(source); extracting it again.")
            removeAside(module)
        } else {
            return module
        }

        let temporary = layout.temporaryFolder(uid: lock.uid)
        let code = POSIX.makeDirectory(temporary)
        if code != 0 { throw ResolverError.cacheNotWritable(path: layout.root, reason: POSIX.describe(code)) }
        defer { POSIX.removeTree(temporary) }
        try fetch(temporary)
        if let problem = ModuleFolderValidator.problem(in: temporary) {
            throw ResolverError.invalidModule(location: "The content of \(source)", problem: problem + hint(temporary))
        }
        writeDescriptor()
        if rename(temporary, module) != 0 {
            let failure = errno
            guard ModuleFolderValidator.problem(in: module) == nil else {
                throw ResolverError.fileSystem(path: module, operation: "Renaming \(temporary) to", reason: POSIX.describe(failure))
            }
            logger.warning("Cache entry \(module) appeared while this process downloaded it; using the existing one.")
        }
        return module
    }

    /// Suggests the fix when an archive holds its module one folder down.
    private func hint(_ extracted: String) -> String {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: extracted)) ?? []
        if names.count == 1, ModuleFolderValidator.problem(in: extracted + "/" + names[0]) == nil {
            return "; the module is inside '\(names[0])/', but module archives hold the module files at their root"
        }
        return ""
    }

    /// Renames a folder out of the way in one step, then deletes it, so readers never see half of it.
    private func removeAside(_ path: String) {
        let aside = layout.temporaryFolder(uid: CacheLock.newUID())
        if rename(path, aside) == 0 { POSIX.removeTree(aside) } else { POSIX.removeTree(path) }
    }

    private func writeDescriptor() {
        let staging = layout.descriptorFile + ".tmp" + CacheLock.newUID()
        if POSIX.writeNewFile(staging, CacheLayout.descriptor(handle: handle)) == 0 {
            if rename(staging, layout.descriptorFile) != 0 { unlink(staging) }
        }
    }

    // MARK: - Waiting for another downloader

    /// Returns when the lock is gone, the module is in place, or the lock was taken over.
    private func waitForLock(firstSeen: String, isOutdated: () -> Bool) {
        logger.info("Module '\(handle)' is being downloaded by '\(firstSeen)'; waiting.")
        var lastSeen = (content: firstSeen, size: Int64(-1))
        var lastProgress = Date()
        var lastReport = Date()
        let ownHost = POSIX.hostName
        while true {
            if ModuleFolderValidator.problem(in: layout.moduleFolder) == nil && !isOutdated() { return }
            // An unreadable lock still counts as held; only a missing one ends the wait.
            guard POSIX.kind(of: layout.lockFile) != .missing else { return }
            let content = POSIX.readSmallFile(layout.lockFile) ?? ""
            let holder = LockHolder(content)
            if let holder, holder.host == ownHost, holder.pid != POSIX.processID, !POSIX.processExists(holder.pid) {
                takeOver(content, holder: holder, reason: "its process \(holder.pid) no longer exists on this host")
                return
            }
            let temporary = holder.map { layout.temporaryFolder(uid: $0.uid) }
            let downloading = temporary.map { POSIX.kind(of: $0) != .missing } ?? false
            let size = temporary.map { POSIX.treeSize($0) } ?? 0
            let idle = Date().timeIntervalSince(lastProgress)
            if content != lastSeen.content || size != lastSeen.size {
                lastSeen = (content, size)
                lastProgress = Date()
            } else if holder?.host != ownHost, !downloading, idle >= idleLockTimeout {
                takeOver(content, holder: holder, reason: holder == nil
                    ? "its content is not host.pid.uid and no download appeared for \(Int(idleLockTimeout)) s"
                    : "it names another host and no download of it appeared for \(Int(idleLockTimeout)) s")
                return
            } else if idle >= staleLockTimeout {
                takeOver(content, holder: holder, reason: "no progress for \(Int(staleLockTimeout)) s")
                return
            }
            if Date().timeIntervalSince(lastReport) >= waitReportInterval {
                lastReport = Date()
                let left = holder?.host != ownHost && !downloading
                    ? idleLockTimeout - idle : staleLockTimeout - idle
                logger.warning("Still waiting for the lock \(layout.lockFile) held by '\(content)': no progress for \(Int(idle)) s; taking it over in \(max(0, Int(left.rounded(.up)))) s unless it moves.")
            }
            Thread.sleep(forTimeInterval: pollInterval)
        }
    }

    /// Removes a stale lock: moves it aside first and deletes it only if it still holds what was judged
    /// stale (otherwise a fresh lock was caught and is put back). Also deletes the holder's temp folder.
    private func takeOver(_ content: String, holder: LockHolder?, reason: String) {
        let aside = layout.lockFile + ".stale" + CacheLock.newUID()
        guard rename(layout.lockFile, aside) == 0 else { return }
        if POSIX.readSmallFile(aside) == content {
            unlink(aside)
            logger.warning("Taking over the lock \(layout.lockFile) held by '\(content)': \(reason).")
            if let holder { POSIX.removeTree(layout.temporaryFolder(uid: holder.uid)) }
        } else {
            _ = link(aside, layout.lockFile)
            unlink(aside)
        }
    }
}
