import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory mapping of a whole file, unmapped when the last reference goes away.
///
/// The mapping is never written and never remapped, so sharing it between threads is safe.
/// Tensors that need no conversion point straight into it and keep it alive.
final class MappedFile: @unchecked Sendable {
    /// The path, as used in error messages.
    let path: String
    private let base: UnsafeMutableRawPointer?
    /// The file's length in bytes when it was mapped.
    let count: Int

    /// Maps `url` read-only. Throws `BundleError.unreadableFile` if it cannot be opened, sized or mapped.
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
        let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0)
        guard let mapped, mapped != MAP_FAILED else {
            throw BundleError.unreadableFile(file: path, reason: "mmap failed: " + String(cString: strerror(errno)))
        }
        base = mapped
    }

    deinit {
        if let base { munmap(base, count) }
    }

    /// The whole file. Valid as long as `self` is alive.
    var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base.map { UnsafeRawPointer($0) }, count: count)
    }

    /// The bytes `[offset, offset + length)`; the caller has checked the range.
    func bytes(offset: Int, length: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[offset ..< offset + length])
    }
}
