import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file written front to back through an 8 MiB buffer (as TF's `FileOutputBuffer`), counting the
/// bytes appended so far. Errors are `BundleWriteError.unwritableFile` naming the path.
final class DataFileOutput {
    static let bufferSize = 8 << 20

    let path: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    /// Bytes appended so far (written or buffered).
    private(set) var offset = 0

    init(path: String) throws {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Self.failure(path, "cannot create") }
        buffer.reserveCapacity(Self.bufferSize)
    }

    deinit { close() }

    func append(_ bytes: UnsafeRawBufferPointer) throws {
        offset += bytes.count
        if buffer.count + bytes.count > Self.bufferSize {
            try flush()
            if bytes.count >= Self.bufferSize {
                try writeAll(bytes)
                return
            }
        }
        buffer += bytes
    }

    func flushAndClose() throws {
        try flush()
        let fd = descriptor
        descriptor = -1
        guard fd < 0 || systemClose(fd) == 0 else { throw Self.failure(path, "cannot close") }
    }

    /// Closes without reporting errors (after a failure).
    func close() {
        if descriptor >= 0 { _ = systemClose(descriptor) }
        descriptor = -1
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        guard descriptor >= 0 else { throw Self.failure(path, "already closed") }
        var done = 0
        while done < bytes.count {
            let written = write(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if written < 0 {
                if errno == EINTR { continue }
                throw Self.failure(path, "cannot write")
            }
            done += written
        }
    }

    private static func failure(_ path: String, _ what: String) -> BundleWriteError {
        .unwritableFile(file: path, reason: what + ": " + String(cString: strerror(errno)))
    }
}

/// `close(2)`, under a name the class's own `close()` does not shadow.
private func systemClose(_ descriptor: Int32) -> Int32 { close(descriptor) }
