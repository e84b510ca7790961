import Foundation
import TestSupport

// MARK: - Scratch folders

/// A fresh folder under the system temp folder, removed by `withScratch` whatever happens.
struct Scratch {
    let url: URL
    var path: String { url.path }

    init() throws {
        var template = Array(((NSTemporaryDirectory() as NSString).appendingPathComponent("hardening-test-XXXXXX")).utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        url = URL(fileURLWithPath: String(cString: made), isDirectory: true)
    }

    func sub(_ name: String) -> URL { url.appendingPathComponent(name) }
}

func withScratch<T>(_ body: (Scratch) throws -> T) throws -> T {
    let scratch = try Scratch()
    defer { try? FileManager.default.removeItem(at: scratch.url) }
    return try body(scratch)
}

/// Copies `source` (a folder) to `destination`.
func copyFolder(_ source: URL, to destination: URL) throws {
    try FileManager.default.copyItem(at: source, to: destination)
}

/// Entry names of a folder, sorted (empty if it does not exist).
func listing(_ folder: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
}

// MARK: - Child processes

struct ProcessResult {
    let status: Int32
    let signalled: Bool
    let stdout: String
    let stderr: String
}

enum ChildProcessError: Error, CustomStringConvertible {
    case timedOut([String], Double)
    case notFound(String, [String])
    var description: String {
        switch self {
        case let .timedOut(command, seconds): return "\(command.joined(separator: " ")) still running after \(seconds) s"
        case let .notFound(name, places): return "\(name) not found (build with `swift build --build-tests`); looked in \(places)"
        }
    }
}

/// A started child process with its output in files; `wait` bounds the time it may take.
final class Child {
    let process = Process()
    private let out: URL
    private let err: URL
    private let command: [String]

    init(_ executable: URL, _ arguments: [String], environment: [String: String] = [:], scratch: Scratch) throws {
        let id = UUID().uuidString
        out = scratch.sub("child-\(id).out")
        err = scratch.sub("child-\(id).err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        command = [executable.path] + arguments
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "TFHUB_MODEL_LOAD_FORMAT")
        env.removeValue(forKey: "TFHUB_DOWNLOAD_PROGRESS")
        env["SWIFT_BACKTRACE"] = "enable=no"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
    }

    func wait(timeout: Double = 120) throws -> ProcessResult {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw ChildProcessError.timedOut(command, timeout)
        }
        return ProcessResult(
            status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
            stdout: ((try? String(contentsOf: out, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines),
            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }
}

/// Runs a command to completion (bounded), e.g. `tar` or `mount`.
@discardableResult
func run(_ executable: String, _ arguments: [String], scratch: Scratch, timeout: Double = 60) throws -> ProcessResult {
    try Child(URL(fileURLWithPath: executable), arguments, scratch: scratch).wait(timeout: timeout)
}

/// An executable built with the package (`hub-resolve-probe`, `fuzz-archive`, ...).
func builtExecutable(_ name: String) throws -> URL {
    guard let found = Fixtures.builtExecutable(name) else {
        throw ChildProcessError.notFound(name, Fixtures.builtExecutableFolders.map(\.path))
    }
    return found
}

// MARK: - Mounts (root only)

/// Mounts a tmpfs of `sizeKiB` at `folder` (read-only if asked); nil when this process may not mount
/// (not root, or no CAP_SYS_ADMIN in the container). `unmount` must follow.
func mountTmpfs(at folder: URL, sizeKiB: Int, readOnly: Bool = false, scratch: Scratch) -> Bool {
    guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/bin/mount") else { return false }
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let options = "size=\(sizeKiB)k" + (readOnly ? ",ro" : "")
    guard let result = try? run("/bin/mount", ["-t", "tmpfs", "-o", options, "tmpfs", folder.path], scratch: scratch, timeout: 20)
    else { return false }
    return result.status == 0
}

/// Whether this process may mount a tmpfs (tried once); tests needing one are skipped otherwise.
let canMountTmpfs: Bool = {
    guard let scratch = try? Scratch() else { return false }
    defer { try? FileManager.default.removeItem(at: scratch.url) }
    let folder = scratch.sub("probe-mount")
    guard mountTmpfs(at: folder, sizeKiB: 64, scratch: scratch) else { return false }
    unmount(folder, scratch: scratch)
    return true
}()

func unmount(_ folder: URL, scratch: Scratch) {
    _ = try? run("/bin/umount", [folder.path], scratch: scratch, timeout: 20)
}

// MARK: - Fixtures

enum HardeningFixture {
    /// The tiny module tensorflow_hub exported for the resolver tests.
    static let resolverModule = Fixtures.url("resolver/module")
    static let resolverArchive = Fixtures.url("resolver/archives/module-gnu.tar.gz")
    /// The TFProto fixture module: a signature, a variable, an asset.
    static let protoModule = Fixtures.url("proto/hub_module")
    static let regressions = Fixtures.url("fuzz/regressions")
    /// Minimized corpora of the long fuzz runs (`fuzz-TARGET -merge=1`, less the fixture seeds).
    static let corpus = Fixtures.url("fuzz/seeds")
}
