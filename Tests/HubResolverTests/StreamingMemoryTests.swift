import Foundation
import HubResolver
import Testing

// MARK: - The archive is streamed, never held whole

@Suite struct StreamingMemoryTests {
    static let bigFileSize = 120 << 20

    /// A 120 MiB incompressible module archive is resolved by a probe process whose peak resident
    /// memory stays far below the archive size, from a local file and over HTTP.
    @Test func peakMemoryStaysBelowTheArchiveSize() throws {
        try withServer { server, scratch in
            let served = scratch.sub("served")
            let archive = served.appendingPathComponent("big-module.tar.gz")
            try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
            let script = """
                import io, os, sys, tarfile
                size = \(Self.bigFileSize)
                chunk = os.urandom(1 << 20)
                class Random(io.RawIOBase):
                    def __init__(self): self.n = 0
                    def readable(self): return True
                    def readinto(self, b):
                        k = min(len(b), size - self.n, len(chunk) - self.n % len(chunk))
                        if k <= 0: return 0
                        b[:k] = chunk[self.n % len(chunk):self.n % len(chunk) + k]
                        self.n += k
                        return k
                with tarfile.open(sys.argv[2], "w:gz", compresslevel=0) as t:
                    t.add(sys.argv[1], arcname=".")
                    info = tarfile.TarInfo("./assets/big.bin")
                    info.size = size
                    t.addfile(info, io.BufferedReader(Random()))
                """
            let scriptFile = scratch.sub("make_big.py")
            try script.write(to: scriptFile, atomically: true, encoding: .utf8)
            #expect(try spawnMeasuringPeakMemory(
                "/usr/bin/env", ["python3", scriptFile.path, ModuleFixture.folder.path, archive.path], environment: [:]).status == 0)
            let archiveSize = try #require(try FileManager.default.attributesOfItem(atPath: archive.path)[.size] as? Int)
            #expect(archiveSize > Self.bigFileSize)

            let probe = try Probe.executable().path
            // The probe's own footprint, resolving a folder (nothing extracted).
            let baseline = try spawnMeasuringPeakMemory(
                probe, [ModuleFixture.folder.path], environment: ["TFHUB_CACHE_DIR": scratch.sub("unused").path])
            #expect(baseline.status == 0)
            let runs = [
                (archive.path, scratch.sub("cache-local"), archiveSize / 4),
                // URLSession hands over body chunks without back-pressure, so allow it some queueing.
                (httpURL(server, archive), scratch.sub("cache-http"), archiveSize / 2),
            ]
            for (handle, cache, allowance) in runs {
                let run = try spawnMeasuringPeakMemory(probe, [handle], environment: ["TFHUB_CACHE_DIR": cache.path])
                #expect(run.status == 0, "\(handle)")
                let big = cache.appendingPathComponent(SHA1.hexDigest(of: handle) + "/assets/big.bin")
                let bigSize = try FileManager.default.attributesOfItem(atPath: big.path)[.size] as? Int
                #expect(bigSize == Self.bigFileSize)
                let growth = run.peakResidentBytes - baseline.peakResidentBytes
                #expect(growth < allowance, "\(handle): peak \(run.peakResidentBytes) B, baseline \(baseline.peakResidentBytes) B")
            }
        }
    }

    /// The archive lives outside the fixture tree, so it is served through the server's /file/ path.
    private func httpURL(_ server: TestHTTPServer, _ archive: URL) -> String {
        server.url("/file" + archive.path)
    }
}

/// Runs a program with `posix_spawn` and reaps it with `wait4`, returning its exit status and its
/// peak resident memory (`ru_maxrss`). Gives up (SIGKILL) after `timeout` seconds.
func spawnMeasuringPeakMemory(_ program: String, _ arguments: [String], environment: [String: String],
                              timeout: Double = 180) throws -> (status: Int32, peakResidentBytes: Int) {
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    let argv = ([program] + arguments).map { strdup($0) } + [nil]
    let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        argv.forEach { free($0) }
        envp.forEach { free($0) }
    }
    var pid: pid_t = 0
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    defer { posix_spawn_file_actions_destroy(&actions) }
    let code = posix_spawn(&pid, program, &actions, nil, argv, envp)
    guard code == 0 else { throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EINVAL) }
    var status: Int32 = 0
    var usage = rusage()
    let deadline = Date().addingTimeInterval(timeout)
    while wait4(pid, &status, WNOHANG, &usage) == 0 {
        if Date() > deadline {
            kill(pid, SIGKILL)
            _ = wait4(pid, &status, 0, &usage)
            throw POSIXError(.ETIMEDOUT)
        }
        usleep(20_000)
    }
    let exitStatus = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    return (exitStatus, usage.ru_maxrss * 1024)
}
