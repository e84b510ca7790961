import Foundation
import Logging

// MARK: - Download progress

/// Shows download progress: with `TFHUB_DOWNLOAD_PROGRESS` set (non-empty), a line on standard error
/// rewritten in place at most 10 times a second; otherwise a log line every 15 s, like tensorflow_hub.
final class DownloadProgress: @unchecked Sendable {  // used on one download's event loop, then by its caller after the request completed
    private let handle: String
    private let interactive: Bool
    private let logger: Logger
    private var expected: Int64 = -1
    private var received: Int64 = 0
    private var lastShown = Date.distantPast
    private var shownAny = false

    init(handle: String, environment: [String: String], logger: Logger) {
        self.handle = handle
        self.interactive = !(environment["TFHUB_DOWNLOAD_PROGRESS"] ?? "").isEmpty
        self.logger = logger
    }

    func start(expected: Int64) {
        self.expected = expected
        if !interactive { logger.info("Downloading module '\(handle)'.") }
    }

    func update(received: Int64) {
        self.received = received
        let now = Date()
        if interactive, now.timeIntervalSince(lastShown) >= 0.1 {
            write("\r" + line())
            lastShown = now
            shownAny = true
        } else if !interactive, now.timeIntervalSince(lastShown) >= 15 {
            if lastShown != .distantPast { logger.info("\(line())") }
            lastShown = now
        }
    }

    func finish() {
        if interactive && received > 0 { write("\r" + line() + "\n") }
    }

    private func line() -> String {
        let megabytes = received < 1 << 20
            ? String(format: "%.1f kB", Double(received) / 1024) : String(format: "%.1f MB", Double(received) / 1_048_576)
        if expected > 0 {
            let percent = min(100, Int(Double(received) * 100 / Double(expected)))
            return "Downloaded \(megabytes) of '\(handle)' (\(percent)%)"
        }
        return "Downloaded \(megabytes) of '\(handle)'"
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
