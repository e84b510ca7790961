import Foundation

/// A one-line progress bar on standard error, shown only when standard error is a terminal.
final class ProgressBar {
    private let total: Int
    private var done = 0
    private let enabled = isatty(STDERR_FILENO) == 1
    private let started = Date()

    init(total: Int) { self.total = total }

    func advance(by count: Int) {
        done += count
        draw()
    }

    func clearLine() {
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    private func draw() {
        guard enabled, total > 0 else { return }
        let width = 30
        let filled = width * done / total
        let rate = Double(done) / max(Date().timeIntervalSince(started), 1e-6)
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = String(format: "\r[%@] %d/%d images  %.1f img/s", bar, done, total, rate)
        FileHandle.standardError.write(Data(line.utf8))
    }
}
