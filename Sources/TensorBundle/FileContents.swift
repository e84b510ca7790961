import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file read into memory when opened, freed when the last reference goes away.
///
/// Read, not memory-mapped: a mapped file that another process truncates raises SIGBUS on the next
/// access to a page past the new end, which no Swift code can catch. A file that shrinks while it is
/// being read is reported as a typed error instead. The bytes never change after `init`, so sharing
/// them between threads is safe. Tensors that need no conversion point straight into them and keep
/// them alive.
final class FileContents: @unchecked Sendable {  // the bytes never change after `init`
    /// The path, as used in error messages.
    let path: String
    private let base: UnsafeMutableRawPointer?
    /// The file's length in bytes.
    let count: Int

    /// Reads `url`. Throws `BundleError.unreadableFile` if it cannot be opened, sized or fully read.
    init(url: URL) throws {
        path = url.path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw BundleError.unreadableFile(file: path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw BundleError.unreadableFile(file: path, reason: String(cString: strerror(errno)))
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw BundleError.unreadableFile(file: path, reason: "not a regular file")
        }
        guard let size = Int(exactly: status.st_size), size >= 0 else {
            throw BundleError.unreadableFile(file: path, reason: "file size \(status.st_size) out of range")
        }
        count = size
        if size == 0 {
            base = nil
            return
        }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        var done = 0
        while done < size {
            let got = pread(descriptor, buffer + done, min(size - done, 1 << 30), off_t(done))
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else {
                let reason = got < 0
                    ? String(cString: strerror(errno))
                    : "the file shrank while it was read (\(done) of \(size) bytes; is another process writing it?)"
                buffer.deallocate()
                throw BundleError.unreadableFile(file: path, reason: reason)
            }
            done += got
        }
        base = buffer
    }

    deinit { base?.deallocate() }

    /// The whole file. Valid as long as `self` is alive.
    var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base.map { UnsafeRawPointer($0) }, count: count)
    }

    /// The bytes `[offset, offset + length)`; the caller has checked the range.
    func bytes(offset: Int, length: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[offset ..< offset + length])
    }
}
