import Foundation
import HubResolver
import Synchronization
import TensorFlowHub
import Tensors
import TestSupport
import Testing

// MARK: - Faults of the file system and of processes

/// A module archive too big for a small disk: the resolver fixture module plus 512 KiB of
/// incompressible bytes in `assets/`.
private func bigArchive(in scratch: Scratch) throws -> URL {
    let module = scratch.sub("big-module")
    try copyFolder(HardeningFixture.resolverModule, to: module)
    var generator = SystemRandomNumberGenerator()
    let noise = (0..<(512 << 10)).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
    _ = FileManager.default.createFile(atPath: module.appendingPathComponent("assets/noise.bin").path, contents: Data(noise))
    let archive = scratch.sub("big-module.tar.gz")
    let result = try run("/usr/bin/tar", ["-czf", archive.path, "-C", module.path, "."], scratch: scratch)
    try #require(result.status == 0, "tar failed: \(result.stderr)")
    return archive
}

/// Nothing of a failed install may look like a module: no `<sha1>` folder and no temp folder left.
private func expectNothingTrusted(in cache: URL, handle: String) throws {
    let key = try #require(ModuleResolver(cacheDirectory: cache, environment: [:]).cacheFolder(for: handle)).lastPathComponent
    #expect(!listing(cache).contains(key), "cache holds \(listing(cache))")
    #expect(!listing(cache).contains { $0.hasSuffix(".tmp") }, "cache holds \(listing(cache))")
}

@Suite(.serialized) struct FaultTests {
    /// Disk full (a 256 KiB tmpfs; root only): a typed file-system error naming the file, the partial
    /// extraction removed, and the space free again for the next module.
    @Test(.enabled(if: canMountTmpfs, "needs root with CAP_SYS_ADMIN to mount a tmpfs"))
    func diskFullDuringExtractionOnASmallTmpfs() throws {
        try withScratch { scratch in
            let cache = scratch.sub("small-disk")
            try #require(mountTmpfs(at: cache, sizeKiB: 256, scratch: scratch))
            defer { unmount(cache, scratch: scratch) }
            let archive = try bigArchive(in: scratch)
            let resolver = ModuleResolver(cacheDirectory: cache, environment: [:])
            #expect {
                try resolver.resolve(archive.path)
            } throws: { error in
                guard case let ResolverError.fileSystem(path, _, reason)? = error as? ResolverError else { return false }
                return reason.contains("No space left on device") && path.hasPrefix(cache.path)
            }
            try expectNothingTrusted(in: cache, handle: archive.path)
            // The partial files are gone, so a small module fits.
            let folder = try resolver.resolve(HardeningFixture.resolverArchive.path)
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("saved_model.pb").path))
        }
    }

    /// Disk full without root: the probe runs under `ulimit -f` (RLIMIT_FSIZE, SIGXFSZ ignored), so a
    /// write past 128 KiB fails with EFBIG as a full disk fails with ENOSPC.
    @Test func fileSizeLimitDuringExtractionInAChildProcess() throws {
        try withScratch { scratch in
            let cache = scratch.sub("cache")
            let archive = try bigArchive(in: scratch)
            let probe = try builtExecutable("hub-resolve-probe")
            let child = try Child(
                URL(fileURLWithPath: "/usr/bin/bash"),
                ["-c", "trap '' XFSZ; ulimit -f 128; exec \"$0\" \"$1\"", probe.path, archive.path],
                environment: ["TFHUB_CACHE_DIR": cache.path], scratch: scratch)
            let result = try child.wait(timeout: 120)
            #expect(!result.signalled)
            #expect(result.status == 1)
            #expect(result.stderr.contains("File too large"), "stderr: \(result.stderr)")
            try expectNothingTrusted(in: cache, handle: archive.path)
            // Without the limit the same cache takes the module.
            let folder = try ModuleResolver(cacheDirectory: cache, environment: [:]).resolve(archive.path)
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("assets/noise.bin").path))
        }
    }

    /// A read-only file system as the cache (root ignores permission bits, so a read-only tmpfs mount):
    /// `cacheNotWritable` at once, through `Module` too. HubResolverTests.CacheTests covers a cache path
    /// below a regular file and, for other users, a 0555 folder.
    @Test(.enabled(if: canMountTmpfs, "needs root with CAP_SYS_ADMIN to mount a tmpfs"))
    func readOnlyCacheFailsAtOnce() throws {
        try withScratch { scratch in
            let cache = scratch.sub("read-only")
            try #require(mountTmpfs(at: cache, sizeKiB: 64, readOnly: true, scratch: scratch))
            defer { unmount(cache, scratch: scratch) }
            let start = Date()
            #expect {
                try Module(handle: HardeningFixture.resolverArchive.path,
                           resolver: ModuleResolver(cacheDirectory: cache.appendingPathComponent("tfhub"), environment: [:]))
            } throws: { error in
                guard case let ResolverError.cacheNotWritable(path, reason)? = error as? ResolverError else { return false }
                return path.hasPrefix(cache.path) && reason.contains("Read-only file system")
                    && "\(error)".contains("TFHUB_CACHE_DIR")
            }
            #expect(Date().timeIntervalSince(start) < 10)
        }
    }

    /// A loaded module holds its graph and variables in memory: deleting its folder changes nothing.
    @Test func moduleKeepsWorkingAfterItsFolderIsDeleted() throws {
        try withScratch { scratch in
            let folder = scratch.sub("module")
            try copyFolder(HardeningFixture.protoModule, to: folder)
            let module = try Module(handle: folder.path)
            let images = Tensor(shape: [2, 8, 8, 3], of: Float.self) { out in
                for i in out.indices { out[i] = Float(i % 17) / 16 }
            }
            let before = try module(images).scalars(as: Float.self)
            try FileManager.default.removeItem(at: folder)
            let after = try module(images).scalars(as: Float.self)
            #expect(before == after)
            #expect(before.count == 2 * 6)
            // Loading the deleted folder again is a typed error naming it.
            #expect(throws: ResolverError.self) { try Module(handle: folder.path) }
        }
    }

    /// Loads racing with a thread that deletes and re-creates the module folder: every load either
    /// succeeds or throws a typed error; none crashes or hangs.
    @Test func loadsRacingWithDeletionGiveTypedErrors() throws {
        try withScratch { scratch in
            let folder = scratch.sub("module")
            try copyFolder(HardeningFixture.protoModule, to: folder)
            let stop = LockedFlag()
            let churn = Thread {
                while !stop.isSet {
                    try? FileManager.default.removeItem(at: folder)
                    usleep(1_000)
                    try? copyFolder(HardeningFixture.protoModule, to: folder)
                    usleep(3_000)
                }
            }
            churn.start()
            var loaded = 0
            var failures: [String: Int] = [:]
            let deadline = Date().addingTimeInterval(20)
            for _ in 0..<60 where Date() < deadline {
                do {
                    _ = try Module(handle: folder.path)
                    loaded += 1
                } catch let error as CustomStringConvertible & Error {
                    failures[String(describing: type(of: error)), default: 0] += 1
                }
            }
            stop.set()
            while !churn.isFinished { usleep(1_000) }
            let typed: Set<String> = ["ResolverError", "ModuleError", "ProtoDecodingError", "BundleError", "PlanningError"]
            #expect(Set(failures.keys).isSubset(of: typed), "errors: \(failures)")
            #expect(loaded + failures.values.reduce(0, +) > 0)
            print("FaultTests: racing loads: \(loaded) loaded, failures \(failures)")
        }
    }

    /// Several processes extract different modules into one cache at the same moment: each gets a
    /// complete module, and the cache holds exactly those modules and their descriptors.
    @Test func concurrentLoadsOfDifferentModulesIntoOneCache() throws {
        try withScratch { scratch in
            let cache = scratch.sub("cache")
            let names = ["module-gnu.tar.gz", "module-pax.tgz", "module-ustar.tar", "module-base256.tar.gz"]
            var archives: [URL] = []
            for (index, name) in names.enumerated() {
                // Two copies of each under different paths: eight different cache keys.
                for copy in 0..<2 {
                    let target = scratch.sub("archive-\(index)-\(copy)-\(name)")
                    try FileManager.default.copyItem(at: Fixtures.url("resolver/archives/" + name), to: target)
                    archives.append(target)
                }
            }
            let probe = try builtExecutable("hub-resolve-probe")
            let children = try archives.map {
                try Child(probe, [$0.path], environment: ["TFHUB_CACHE_DIR": cache.path], scratch: scratch)
            }
            let results = try children.map { try $0.wait(timeout: 180) }
            for (archive, result) in zip(archives, results) {
                #expect(result.status == 0, "\(archive.lastPathComponent): \(result.stderr)")
                let folder = URL(fileURLWithPath: result.stdout)
                let key = try #require(ModuleResolver(cacheDirectory: cache, environment: [:]).cacheFolder(for: archive.path))
                #expect(folder.lastPathComponent == key.lastPathComponent)
                let module = try Module(handle: folder.path)
                #expect(module.directory.path == folder.path)
            }
            let entries = listing(cache).filter { !$0.hasSuffix(".descriptor.txt") }
            #expect(entries.count == archives.count, "cache holds \(listing(cache))")
        }
    }
}

/// A flag set once from one thread and read from another.
final class LockedFlag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}
