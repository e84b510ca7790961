import CZlib

// MARK: - Streaming gzip

/// Inflates a gzip stream chunk by chunk into a ``TarExtractor``. Concatenated gzip members are read
/// one after another. Once the tar stream has ended, further input is ignored without inflating it,
/// so trailing data (or a bomb after the end-of-archive block) costs nothing.
final class GzipInflater {
    private var stream = z_stream()
    private var output = [UInt8](repeating: 0, count: 64 * 1024)
    private let tar: TarExtractor
    private let source: String
    private var memberEnded = false
    private var initialised = false

    init(source: String, into tar: TarExtractor) throws {
        self.source = source
        self.tar = tar
        let status = inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            throw ResolverError.corruptArchive(source: source, offset: 0, problem: "zlib init failed (\(status))")
        }
        initialised = true
    }

    deinit {
        if initialised { inflateEnd(&stream) }
    }

    /// Inflates `chunk` and hands the output to the tar extractor.
    func consume(_ chunk: UnsafeRawBufferPointer) throws {
        guard let base = chunk.baseAddress, chunk.count > 0 else { return }
        var offset = 0
        var afterMember = false
        while !tar.isComplete {
            if memberEnded {
                guard offset < chunk.count else { return }
                // Another gzip member follows; zlib checks its header and reports junk as an error.
                inflateReset(&stream)
                memberEnded = false
                afterMember = true
            }
            let available = chunk.count - offset
            stream.next_in = UnsafeMutablePointer(mutating: (base + offset).assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(available)
            let status: Int32 = output.withUnsafeMutableBufferPointer { out in
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                return inflate(&stream, Z_NO_FLUSH)
            }
            let produced = output.count - Int(stream.avail_out)
            offset += available - Int(stream.avail_in)
            if produced > 0 {
                try output.withUnsafeBytes { try tar.consume(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) }
            }
            switch status {
            case Z_OK, Z_BUF_ERROR:
                // Done with this chunk once zlib has consumed it all and has no output left to give.
                if offset >= chunk.count && produced < output.count { return }
                if produced == 0 && Int(stream.avail_in) == available {
                    throw ResolverError.corruptArchive(source: source, offset: tar.offset, problem: "zlib made no progress")
                }
            case Z_STREAM_END:
                memberEnded = true
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                let what = afterMember ? "data after a gzip member" : "gzip data"
                throw ResolverError.corruptArchive(source: source, offset: tar.offset, problem: "bad \(what): \(message)")
            }
        }
    }

    /// Call at the end of input: a gzip member cut short is an error unless the tar already ended.
    func finish() throws {
        if !memberEnded && !tar.isComplete {
            throw ResolverError.corruptArchive(
                source: source, offset: tar.offset, problem: "the gzip stream ends before its end marker (truncated)")
        }
        try tar.finish()
    }
}
