import Foundation
import TestSupport

// MARK: - hub-resolve-probe, one resolver per process

/// A running `hub-resolve-probe` (built with the package) resolving one handle in its own process.
final class Probe {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    enum ProbeError: Error, CustomStringConvertible {
        case executableNotFound([String])
        case timedOut(handle: String, seconds: Double)
        var description: String {
            switch self {
            case let .executableNotFound(places):
                return "hub-resolve-probe not found (build it with `swift build --build-tests`); looked in \(places)"
            case let .timedOut(handle, seconds):
                return "hub-resolve-probe \(handle) still running after \(seconds) s"
            }
        }
    }

    let process = Process()
    private let handle: String
    private let out: URL
    private let err: URL

    /// Starts resolving `handle` with `TFHUB_CACHE_DIR=cache` plus `environment`.
    init(handle: String, cache: String, scratch: Scratch, arguments: [String] = [], environment: [String: String] = [:]) throws {
        self.handle = handle
        let id = UUID().uuidString
        out = scratch.sub("probe-\(id).out")
        err = scratch.sub("probe-\(id).err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.executableURL = try Probe.executable()
        process.arguments = [handle] + arguments
        var env = ProcessInfo.processInfo.environment
        env["TFHUB_CACHE_DIR"] = cache
        env.removeValue(forKey: "TFHUB_MODEL_LOAD_FORMAT")
        env.removeValue(forKey: "TFHUB_DOWNLOAD_PROGRESS")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// Waits for the exit (at most `timeout` seconds; then the probe is killed and this throws).
    func wait(timeout: Double = 120) throws -> Result {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill()
            throw ProbeError.timedOut(handle: handle, seconds: timeout)
        }
        return Result(
            status: process.terminationStatus,
            stdout: ((try? String(contentsOf: out, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines),
            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    /// SIGKILL, then waits until the process is reaped.
    func kill() {
        if process.isRunning { sendSIGKILL(process.processIdentifier) }
        process.waitUntilExit()
    }

    static func executable() throws -> URL {
        guard let found = Fixtures.builtExecutable("hub-resolve-probe") else {
            throw ProbeError.executableNotFound(Fixtures.builtExecutableFolders.map(\.path))
        }
        return found
    }
}

private func sendSIGKILL(_ pid: Int32) {
    _ = kill(pid, SIGKILL)
}
