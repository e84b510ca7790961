import Foundation
import Synchronization
import TestSupport

// MARK: - The loopback HTTP server (Tests/Fixtures/resolver/http_server.py)

/// Starts `http_server.py` on 127.0.0.1 (ephemeral port), serving `Tests/Fixtures/resolver/`.
/// It logs every request path; `stop()` ends it, and it also exits on its own when this process ends.
final class TestHTTPServer {
    let port: Int
    private let process = Process()
    private let stdinPipe = Pipe()
    private let log: URL

    init(scratch: Scratch) throws {
        log = scratch.sub("server-requests.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let stdoutPipe = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", Fixtures.url("resolver/http_server.py").path, Fixtures.url("resolver").path, log.path,
        ]
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = FileHandle.nullDevice
        try process.run()

        // Read the "PORT <n>" line, waiting at most 60 s (a loaded CI machine can be slow to start Python).
        let reader = stdoutPipe.fileHandleForReading
        let box = LineBox()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            var bytes = Data()
            while !bytes.contains(0x0A) {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                bytes += chunk
            }
            box.set(String(decoding: bytes, as: UTF8.self))
            done.signal()
        }
        let line = done.wait(timeout: .now() + 60) == .success ? box.get() : ""
        guard line.hasPrefix("PORT "), let port = Int(line.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            process.waitUntilExit()
            throw ServerError.didNotStart(output: line)
        }
        self.port = port
    }

    enum ServerError: Error { case didNotStart(output: String) }

    /// `http://127.0.0.1:<port><path>`.
    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Every request path (with query) received so far, in order.
    var requests: [String] {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    /// Requests whose path starts with `prefix`.
    func requests(startingWith prefix: String) -> [String] { requests.filter { $0.hasPrefix(prefix) } }

    func stop() {
        try? stdinPipe.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}

/// Runs `body` with a scratch folder and a running server; both are gone afterwards.
func withServer<T>(_ body: (TestHTTPServer, Scratch) throws -> T) throws -> T {
    try withScratch { scratch in
        let server = try TestHTTPServer(scratch: scratch)
        defer { server.stop() }
        return try body(server, scratch)
    }
}

private final class LineBox: Sendable {
    private let value = Mutex("")
    func set(_ text: String) { value.withLock { $0 = text } }
    func get() -> String { value.withLock { $0 } }
}
