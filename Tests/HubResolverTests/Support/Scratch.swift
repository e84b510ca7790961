import Foundation
import TestSupport

// MARK: - Temporary folders and module comparisons

/// A fresh folder under the system temp folder; `remove()` deletes it.
struct Scratch {
    let url: URL
    var path: String { url.path }

    init() throws {
        var template = Array(((NSTemporaryDirectory() as NSString).appendingPathComponent("hubresolver-test-XXXXXX")).utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        url = URL(fileURLWithPath: String(cString: made), isDirectory: true)
    }

    func remove() {
        // Folders made read-only by a test must become writable again before they can go.
        if let walker = FileManager.default.enumerator(atPath: path) {
            while let name = walker.nextObject() as? String { chmod(path + "/" + name, 0o755) }
        }
        try? FileManager.default.removeItem(at: url)
    }

    func sub(_ name: String) -> URL { url.appendingPathComponent(name) }
}

/// Runs `body` with a scratch folder that is removed afterwards, whatever happens.
func withScratch<T>(_ body: (Scratch) throws -> T) throws -> T {
    let scratch = try Scratch()
    defer { scratch.remove() }
    return try body(scratch)
}

enum ModuleFixture {
    /// The module exactly as tensorflow_hub 0.15 exported it.
    static let folder = Fixtures.url("resolver/module")
    static func archive(_ name: String) -> URL { Fixtures.url("resolver/archives/" + name) }
    static func malicious(_ name: String) -> URL { Fixtures.url("resolver/malicious/" + name) }
}

/// Relative path -> bytes of every entry below `root`; folders map to nil content, and anything that
/// is neither a file nor a folder (link, device) is listed with a marker so comparisons fail.
func tree(_ root: URL) throws -> [String: Data?] {
    var result: [String: Data?] = [:]
    guard let walker = FileManager.default.enumerator(atPath: root.path) else { return result }
    while let name = walker.nextObject() as? String {
        let full = root.path + "/" + name
        var info = stat()
        guard lstat(full, &info) == 0 else { continue }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: result[name] = .some(nil)
        case S_IFREG: result[name] = try Data(contentsOf: URL(fileURLWithPath: full))
        default: result[name] = Data("not a file or folder".utf8)
        }
    }
    return result
}

/// Names directly inside a folder, sorted (empty when it does not exist).
func listing(_ folder: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
}

/// Copies the fixture module to `destination`.
func copyModule(to destination: URL) throws {
    try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: ModuleFixture.folder, to: destination)
}
