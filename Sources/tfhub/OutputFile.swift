import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An output file named on the command line: checked before any work is done (so a typo in the folder
/// does not cost the whole computation), written with errors that name the path.
struct OutputFile {
    let path: String
    var url: URL { URL(fileURLWithPath: path) }

    /// Why an output file cannot be written.
    struct Problem: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "cannot write \(path): \(reason)" }
    }

    /// Checks that `path` can be created: its folder exists, is a folder and is writable, and `path`
    /// itself is not a folder.
    init(checking path: String) throws {
        self.path = path
        let folder = (URL(fileURLWithPath: path).deletingLastPathComponent().path as NSString).standardizingPath
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) else {
            throw Problem(path: path, reason: "the folder \(folder) does not exist")
        }
        guard isDirectory.boolValue else { throw Problem(path: path, reason: "\(folder) is not a folder") }
        guard access(folder, W_OK) == 0 else { throw Problem(path: path, reason: "the folder \(folder) is not writable") }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw Problem(path: path, reason: "it is a folder")
        }
    }

    /// Writes `data` to `url` (this file or a companion beside it), naming the path on failure.
    static func write(_ data: Data, to url: URL) throws {
        do { try data.write(to: url, options: .atomic) } catch {
            let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
            let reason = underlying.map { String(cString: strerror(Int32($0.code))) } ?? error.localizedDescription
            throw Problem(path: url.path, reason: reason)
        }
    }

    /// One CSV field as RFC 4180 has it: quoted (inner quotes doubled) when it holds a comma, a quote,
    /// a carriage return or a line feed.
    static func csvField(_ text: String) -> String {
        let needsQuotes = text.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
        return needsQuotes ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
