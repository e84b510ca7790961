import Foundation
import HubResolver
import Logging
import Synchronization
import Testing

// MARK: - Cache location, layout, validation and locks

@Suite struct CacheTests {
    /// `TFHUB_CACHE_DIR` wins; otherwise `<gettempdir()>/tfhub_modules`, checked against Python itself.
    @Test func cacheRootFollowsTensorflowHub() throws {
        try withScratch { scratch in
            let configured = scratch.sub("configured").path
            #expect(ModuleResolver(environment: ["TFHUB_CACHE_DIR": configured]).cacheDirectory.path == configured)
            #expect(ModuleResolver(cacheDirectory: scratch.sub("explicit"), environment: ["TFHUB_CACHE_DIR": configured])
                .cacheDirectory.path == scratch.sub("explicit").path)

            let missing = scratch.sub("no-such-tmp").path
            for environment in [["TMPDIR": scratch.path], ["TMPDIR": missing, "TEMP": scratch.path], ["TMPDIR": missing], [:]] {
                var pythonEnvironment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
                for (key, value) in environment { pythonEnvironment[key] = value }
                let python = try runPython("import tempfile; print(tempfile.gettempdir())", environment: pythonEnvironment)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(ModuleResolver(environment: environment).cacheDirectory.path == python + "/tfhub_modules",
                        "\(environment)")
            }
        }
    }

    @Test func descriptorHasTensorflowHubsFormat() throws {
        try withScratch { scratch in
            let archive = ModuleFixture.archive("module-pax.tgz").path
            let folder = try resolver(cache: scratch.sub("cache")).resolve(archive)
            let text = try String(contentsOfFile: folder.path + ".descriptor.txt", encoding: .utf8)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines.count == 3)
            #expect(lines.first == "Module: \(archive)")
            #expect(lines.count > 1 && lines[1].range(
                of: #"^Download Time: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$"#, options: .regularExpression) != nil)
            #expect(lines.count > 2 && lines[2].range(
                of: #"^Downloader Hostname: .+ \(PID:\#(getpid())\)$"#, options: .regularExpression) != nil)
        }
    }

    /// Users hit hub's "exists and non-empty" check with half-deleted entries (hub #575, #896).
    @Test(arguments: ["variables/variables.data-00000-of-00001", "saved_model.pb", "*"])
    func brokenOrEmptyCacheEntryIsFetchedAgain(remove: String) throws {
        try withScratch { scratch in
            let r = resolver(cache: scratch.sub("cache"))
            let archive = ModuleFixture.archive("module-gnu.tar.gz").path
            let folder = try r.resolve(archive)
            if remove == "*" {
                try FileManager.default.removeItem(at: folder)
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
            } else {
                try FileManager.default.removeItem(at: folder.appendingPathComponent(remove))
            }
            #expect(try r.resolve(archive) == folder)
            #expect(try tree(folder) == tree(ModuleFixture.folder))
            #expect(listing(scratch.sub("cache")) == [folder.lastPathComponent, folder.lastPathComponent + ".descriptor.txt"])
        }
    }

    /// A complete entry is used as it is, even for a URL nobody could fetch (offline use, hub #53).
    @Test func preSeededEntryIsUsedWithoutNetwork() throws {
        try withScratch { scratch in
            let handle = "http://127.0.0.1:9/offline/module/1"
            let r = resolver(cache: scratch.sub("cache"))
            let expected = scratch.sub("cache/" + SHA1.hexDigest(of: handle))
            #expect(r.cacheFolder(for: handle)?.path == expected.path)
            try copyModule(to: expected)
            #expect(try r.resolve(handle).path == expected.path)
        }
    }

    /// hub retried PermissionDenied for 24 h (hub #415); here it fails at once.
    @Test func unwritableCacheFailsAtOnce() throws {
        try withScratch { scratch in
            let blocker = scratch.sub("a-file")
            _ = FileManager.default.createFile(atPath: blocker.path, contents: Data("x".utf8))
            var roots = [blocker.appendingPathComponent("cache")]
            if getuid() != 0 {
                let readOnly = scratch.sub("read-only")
                try FileManager.default.createDirectory(at: readOnly, withIntermediateDirectories: false)
                chmod(readOnly.path, 0o555)
                roots.append(readOnly)
            }
            for root in roots {
                let start = Date()
                #expect {
                    try resolver(cache: root).resolve(ModuleFixture.archive("module-gnu.tar.gz").path)
                } throws: { error in
                    guard case let ResolverError.cacheNotWritable(path, _)? = error as? ResolverError else { return false }
                    return path.hasPrefix(root.path) && "\(error)".contains("TFHUB_CACHE_DIR")
                }
                #expect(Date().timeIntervalSince(start) < 10)
            }
        }
    }

    /// A lock left by a process that no longer exists on this host is taken over at once, and its temp
    /// folder is deleted.
    @Test func lockOfAGoneProcessIsTakenOverAtOnce() throws {
        try withScratch { scratch in
            let cache = scratch.sub("cache")
            let archive = ModuleFixture.archive("module-gnu.tar.gz").path
            let r = resolver(cache: cache, staleLockTimeout: 600)
            let module = try #require(r.cacheFolder(for: archive)).path
            let gone = Process()
            gone.executableURL = URL(fileURLWithPath: "/bin/sh")
            gone.arguments = ["-c", "exit 0"]
            try gone.run()
            gone.waitUntilExit()
            let uid = "0123456789abcdef0123456789abcdef"
            try FileManager.default.createDirectory(atPath: module + ".\(uid).tmp/variables", withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: module + ".\(uid).tmp/saved_model.pb", contents: Data("partial".utf8))
            try "\(hostName()).\(gone.processIdentifier).\(uid)".write(toFile: module + ".lock", atomically: false, encoding: .utf8)
            let start = Date()
            let folder = try r.resolve(archive)
            #expect(Date().timeIntervalSince(start) < 60)
            #expect(try tree(folder) == tree(ModuleFixture.folder))
            #expect(listing(cache) == [folder.lastPathComponent, folder.lastPathComponent + ".descriptor.txt"])
        }
    }

    /// A lock from another host cannot be checked by pid: it is taken over after the set time without
    /// progress (here 1 s instead of hub's 20 minutes).
    @Test func lockWithoutProgressIsTakenOverAfterTheTimeout() throws {
        try withScratch { scratch in
            let cache = scratch.sub("cache")
            let archive = ModuleFixture.archive("module-pax.tgz").path
            let r = resolver(cache: cache, staleLockTimeout: 1)
            let module = try #require(r.cacheFolder(for: archive)).path
            try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
            try "other-host.example.4242.ffffffffffffffffffffffffffffffff".write(
                toFile: module + ".lock", atomically: false, encoding: .utf8)
            let start = Date()
            let folder = try r.resolve(archive)
            #expect(Date().timeIntervalSince(start) >= 1)
            #expect(try tree(folder) == tree(ModuleFixture.folder))
            #expect(!FileManager.default.fileExists(atPath: module + ".lock"))
        }
    }

    /// A lock naming another host with no download of it in the cache is taken over after the short
    /// idle timeout (issue 18, defect 4: it used to cost the full stale timeout, 121 s, silently), and
    /// the log names the holder and the rule.
    @Test func foreignLockWithNoDownloadIsTakenOverAfterTheIdleTimeout() throws {
        try withScratch { scratch in
            let cache = scratch.sub("cache")
            let archive = ModuleFixture.archive("module-pax.tgz").path
            let messages = CapturedLog()
            var r = ModuleResolver(
                cacheDirectory: cache, environment: [:], staleLockTimeout: 600, idleLockTimeout: 1,
                logger: Logger(label: "test", factory: { _ in CapturingLogHandler(messages) }))
            r.limits = ExtractionLimits()
            let module = try #require(r.cacheFolder(for: archive)).path
            try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
            let holder = "build-node-7.example.4242.ffffffffffffffffffffffffffffffff"
            try holder.write(toFile: module + ".lock", atomically: false, encoding: .utf8)
            let start = Date()
            let folder = try r.resolve(archive)
            let waited = Date().timeIntervalSince(start)
            #expect(waited >= 1 && waited < 30, "waited \(waited) s")
            #expect(try tree(folder) == tree(ModuleFixture.folder))
            let log = messages.lines.joined(separator: "\n")
            #expect(log.contains("Taking over the lock") && log.contains(holder) && log.contains("another host"), "\(log)")
        }
    }

    /// A live holder (this very process, another download) is waited for, and its result is used.
    @Test func liveHolderIsWaitedFor() throws {
        try withScratch { scratch in
            let cache = scratch.sub("cache")
            let archive = ModuleFixture.archive("module-ustar.tar").path
            let r = resolver(cache: cache, staleLockTimeout: 600)
            let module = try #require(r.cacheFolder(for: archive))
            try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
            let lock = module.path + ".lock"
            try "\(hostName()).\(getpid()).00000000000000000000000000000001".write(toFile: lock, atomically: false, encoding: .utf8)
            let holder = Thread {
                Thread.sleep(forTimeInterval: 1)
                // Staged and renamed into place, as an installer does: the waiter returns as soon as a
                // valid module folder exists, so the marker must be in it from the first moment.
                let staging = URL(fileURLWithPath: module.path + ".holder-staging")
                try? copyModule(to: staging)
                _ = FileManager.default.createFile(atPath: staging.path + "/written-by-holder", contents: nil)
                _ = rename(staging.path, module.path)
                try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: module.path)
                try? FileManager.default.removeItem(atPath: lock)
            }
            holder.start()
            let start = Date()
            let folder = try r.resolve(archive)
            #expect(Date().timeIntervalSince(start) >= 0.9)
            #expect(folder == module)
            // The waiter used the holder's result instead of extracting its own.
            #expect(FileManager.default.fileExists(atPath: module.path + "/written-by-holder"))
            #expect(!FileManager.default.fileExists(atPath: module.path + ".descriptor.txt"))
        }
    }
}

func hostName() -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    gethostname(&buffer, 255)
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Log lines recorded by `CapturingLogHandler`.
final class CapturedLog: Sendable {
    private let recorded = Mutex<[String]>([])
    func append(_ line: String) { recorded.withLock { $0.append(line) } }
    var lines: [String] { recorded.withLock { $0 } }
}

/// A swift-log handler that keeps every message.
struct CapturingLogHandler: LogHandler {
    let log: CapturedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    init(_ log: CapturedLog) { self.log = log }
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        log.append("\(event.level): \(event.message)")
    }
}

// MARK: - Compression-ratio cap (issue 18, defect 3)

/// A 256 MiB entry of zeros in a `.tar.gz` of about 256 KB (1 000:1) is refused from its tar header against
/// the 200:1 cap, before any of it is written: the cache holds nothing afterwards. The same archive
/// passes with the cap raised.
@Test func aGzipBombIsRefusedByTheCompressionRatioCapBeforeWriting() throws {
    try withScratch { scratch in
        let archive = scratch.sub("bomb.tar.gz").path
        let script = """
            import io, sys, tarfile
            class Zeros(io.RawIOBase):
                def __init__(self, n): self.left = n
                def readable(self): return True
                def readinto(self, b):
                    k = min(len(b), self.left); b[:k] = bytes(k); self.left -= k; return k
            n = 256 << 20
            with tarfile.open(sys.argv[1], "w:gz", compresslevel=9) as t:
                info = tarfile.TarInfo("assets/zeros.bin"); info.size = n
                t.addfile(info, io.BufferedReader(Zeros(n)))
            """
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", script, archive]
        try python.run()
        python.waitUntilExit()
        #expect(python.terminationStatus == 0)
        let compressed = try #require(try FileManager.default.attributesOfItem(atPath: archive)[.size] as? Int)
        #expect(compressed < 2 << 20)

        let cache = scratch.sub("cache")
        let error = try #require(throws: ResolverError.self) { try resolver(cache: cache).resolve(archive) }
        guard case let .limitExceeded(_, limit, maximum, found) = error else {
            Issue.record("expected limitExceeded, got \(error)")
            return
        }
        #expect(limit.contains("200:1") && maximum == max(64 << 20, 200 * Int64(compressed)) && found == 256 << 20, "\(error)")
        #expect(POSIX_treeSize(cache) == 0, "nothing may stay in the cache: \(listing(cache))")

        // With the cap raised, extraction goes on (and fails later only because it is no module).
        let lenient = resolver(cache: cache, limits: ExtractionLimits(maxCompressionRatio: 2000))
        #expect(throws: ResolverError.self) { try lenient.resolve(archive) }
        #expect(POSIX_treeSize(cache) == 0)
    }
}

/// Bytes of regular files under `url` (0 when it does not exist).
private func POSIX_treeSize(_ url: URL) -> Int {
    guard let walker = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.fileSizeKey]) else { return 0 }
    var total = 0
    for case let file as URL in walker { total += (try? file.resourceValues(forKeys: [.fileSizeKey]).fileSize ?? 0) ?? 0 }
    return total
}
