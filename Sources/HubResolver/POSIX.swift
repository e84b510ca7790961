#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

// MARK: - Thin POSIX helpers

enum POSIX {
    /// `strerror(errno)` text for an error number.
    static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    /// The host name as Python's `socket.gethostname()` returns it.
    static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static var processID: Int32 { getpid() }

    /// Whether a process with this id exists on this host (EPERM still means it exists).
    static func processExists(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno != ESRCH
    }

    enum EntryKind { case missing, directory, regularFile, other }

    /// What is at `path`, without following a final symlink.
    static func kind(of path: String) -> EntryKind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return .regularFile
        default: return .other
        }
    }

    /// Creates one folder; an existing folder is fine. Returns errno on failure, 0 on success.
    static func makeDirectory(_ path: String) -> Int32 {
        if mkdir(path, 0o755) == 0 { return 0 }
        let code = errno
        return code == EEXIST && kind(of: path) == .directory ? 0 : code
    }

    /// Creates a folder and its missing parents, like `mkdir -p`. Returns errno on failure, 0 on success.
    static func makeDirectories(_ path: String) -> Int32 {
        if kind(of: path) == .directory { return 0 }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path {
            let code = makeDirectories(parent)
            if code != 0 { return code }
        }
        return makeDirectory(path)
    }

    /// Removes a file or a folder tree; missing is fine.
    static func removeTree(_ path: String) {
        if kind(of: path) == .missing { return }
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Sum of the sizes of all regular files below `path` (0 when missing).
    static func treeSize(_ path: String) -> Int64 {
        guard let walker = FileManager.default.enumerator(atPath: path) else { return 0 }
        var total: Int64 = 0
        while let name = walker.nextObject() as? String {
            var info = stat()
            if lstat(path + "/" + name, &info) == 0, info.st_mode & S_IFMT == S_IFREG {
                total += Int64(info.st_size)
            }
        }
        return total
    }

    /// The whole content of a small text file, or nil when it cannot be read.
    static func readSmallFile(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path), data.count < 64 * 1024 else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Writes `text` into a new file at `path` (which must not exist). Returns errno, 0 on success.
    static func writeNewFile(_ path: String, _ text: String) -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd < 0 { return errno }
        defer { close(fd) }
        // The buffer is only valid inside the closure (found by fuzz-archive under ASan: use after free).
        let code = Array(text.utf8).withUnsafeBytes { writeAll(fd, $0) }
        if code != 0 { unlink(path) }
        return code
    }

    /// Writes every byte of `buffer` to `fd`. Returns errno, 0 on success.
    static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) -> Int32 {
        guard var pointer = buffer.baseAddress else { return 0 }
        var remaining = buffer.count
        while remaining > 0 {
            let written = write(fd, pointer, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            remaining -= written
            pointer += written
        }
        return 0
    }
}
