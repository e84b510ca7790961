import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Looking at and clearing the cache

/// One module in the cache: `<cache>/<sha1>` and what its descriptor says.
public struct CacheEntry: Sendable, Equatable {
    /// The SHA-1 folder name.
    public let key: String
    public let folder: URL
    /// The handle the descriptor names (`Module: <handle>`), if the descriptor is there.
    public let handle: String?
    /// Bytes of the entry's files.
    public let byteCount: Int64
    /// What is missing from the folder for it to be a module, or `nil` (structure only: `tfhub cache
    /// verify` also decodes the files and checks the checkpoint's checksums).
    public let problem: String?
    /// Whether a `.lock` stands beside it (a download in progress, or a stale one).
    public let isLocked: Bool
}

extension ModuleResolver {
    /// The modules in the cache (folders named by a 40-digit SHA-1), sorted by key. Temp folders of
    /// downloads in progress are not listed.
    public func cacheEntries() -> [CacheEntry] {
        let root = cacheDirectory.path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.filter(Self.isCacheKey).sorted().compactMap { key in
            let layout = CacheLayout(root: root, key: key)
            guard POSIX.kind(of: layout.moduleFolder) == .directory else { return nil }
            let descriptor = POSIX.readSmallFile(layout.descriptorFile)
            let handle = descriptor?.split(separator: "\n").first { $0.hasPrefix("Module: ") }
                .map { String($0.dropFirst("Module: ".count)) }
            return CacheEntry(
                key: key, folder: URL(fileURLWithPath: layout.moduleFolder, isDirectory: true), handle: handle,
                byteCount: POSIX.treeSize(layout.moduleFolder), problem: ModuleFolderValidator.problem(in: layout.moduleFolder),
                isLocked: POSIX.kind(of: layout.lockFile) != .missing)
        }
    }

    /// Removes the cached copy of `handle` (folder and descriptor): renamed aside in one step first, so
    /// no reader ever sees half of it. Returns whether there was one. A download holding the entry's
    /// lock is not disturbed: the call throws ``ResolverError/cacheEntryBusy(folder:holder:)``.
    @discardableResult
    public func evict(_ handle: String) throws -> Bool {
        guard let folder = cacheFolder(for: handle) else { return false }
        return try evict(key: folder.lastPathComponent)
    }

    /// Removes the cache entry `key` (see `evict(_:)`).
    @discardableResult
    public func evict(key: String) throws -> Bool {
        let layout = CacheLayout(root: cacheDirectory.path, key: key)
        let lock = CacheLock(layout: layout)
        guard POSIX.kind(of: layout.moduleFolder) != .missing else {
            unlink(layout.descriptorFile)
            return false
        }
        switch try lock.tryAcquire() {
        case .heldBy(let holder):
            throw ResolverError.cacheEntryBusy(folder: layout.moduleFolder, holder: holder)
        case .acquired:
            defer { lock.release() }
            let aside = layout.temporaryFolder(uid: CacheLock.newUID())
            if rename(layout.moduleFolder, aside) != 0 {
                throw ResolverError.fileSystem(path: layout.moduleFolder, operation: "Moving aside", reason: POSIX.describe(errno))
            }
            POSIX.removeTree(aside)
            unlink(layout.descriptorFile)
            return true
        }
    }

    static func isCacheKey(_ name: String) -> Bool {
        name.utf8.count == 40 && name.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
