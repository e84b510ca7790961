// MARK: - Archive sniffing and dispatch

/// Takes the raw bytes of a module archive (from a file or an HTTP body) in chunks, recognises gzip,
/// plain tar, HTML and other compressions from the first bytes (like `tarfile.open(mode="r|*")`), and
/// extracts into `root`. Nothing is buffered beyond the first 512 bytes. (`package`: the archive fuzz
/// target drives it directly.)
package final class ArchiveStream {
    /// Names the archive in error messages (a path or a URL with its HTTP context).
    var source: String
    private let root: String
    private let limits: ExtractionLimits
    private var head = [UInt8]()
    private var gzip: GzipInflater?
    private var tar: TarExtractor?
    /// Compressed bytes received so far.
    private(set) var bytesReceived: Int64 = 0
    /// The archive's size when known in advance (file size, `Content-Length`), for the ratio cap.
    var expectedSize: Int64? {
        didSet { tar?.archiveSize = expectedSize }
    }

    package init(root: String, source: String, limits: ExtractionLimits, expectedSize: Int64? = nil) {
        self.root = root
        self.source = source
        self.limits = limits
        self.expectedSize = expectedSize
    }

    /// True once the tar stream has reached its end-of-archive block; later input is ignored.
    package var isComplete: Bool { tar?.isComplete ?? false }

    package func consume(_ chunk: UnsafeRawBufferPointer) throws {
        bytesReceived += Int64(chunk.count)
        if tar == nil {
            head += chunk
            if head.count < TarHeader.blockSize { return }
            try start()
            let buffered = head
            head = []
            try buffered.withUnsafeBytes { try forward($0) }
        } else {
            try forward(chunk)
        }
    }

    package func finish() throws {
        if tar == nil {
            try start()
            let buffered = head
            head = []
            try buffered.withUnsafeBytes { try forward($0) }
        }
        if let gzip { try gzip.finish() } else { try tar?.finish() }
    }

    private func forward(_ chunk: UnsafeRawBufferPointer) throws {
        tar?.compressedBytesReceived = bytesReceived
        if let gzip { try gzip.consume(chunk) } else { try tar?.consume(chunk) }
    }

    /// Decides the format from the buffered first bytes.
    private func start() throws {
        if head.starts(with: [0x1F, 0x8B]) {
            let extractor = TarExtractor(
                root: root, source: source, limits: limits, wrapping: "gzip data whose content is ")
            extractor.archiveSize = expectedSize
            tar = extractor
            gzip = try GzipInflater(source: source, into: extractor)
            return
        }
        if head.starts(with: Array("BZh".utf8)) { throw ResolverError.unsupportedCompression(source: source, format: "bzip2") }
        if head.starts(with: [0xFD, 0x37, 0x7A, 0x58, 0x5A]) || head.starts(with: [0x5D, 0x00, 0x00, 0x80]) {
            throw ResolverError.unsupportedCompression(source: source, format: "xz/lzma")
        }
        if looksLikeMarkup(head) { throw ResolverError.htmlPage(source: source) }
        let extractor = TarExtractor(root: root, source: source, limits: limits)
        extractor.archiveSize = expectedSize
        tar = extractor
    }

    /// An HTML or XML page: optional BOM and white space, then `<` and a letter, `!` or `?`.
    private func looksLikeMarkup(_ bytes: [UInt8]) -> Bool {
        var rest = bytes[...]
        if rest.starts(with: [0xEF, 0xBB, 0xBF]) { rest = rest.dropFirst(3) }
        rest = rest.drop(while: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D })
        guard rest.first == UInt8(ascii: "<"), let next = rest.dropFirst().first else { return false }
        return next == UInt8(ascii: "!") || next == UInt8(ascii: "?")
            || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(next | 0x20)
    }
}

/// Shows leading bytes as text when printable, otherwise as hex.
func describe(_ bytes: [UInt8]) -> String {
    if bytes.isEmpty { return "no data at all" }
    let printable = bytes.allSatisfy { (0x20..<0x7F).contains($0) || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
    if printable {
        let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\n", with: "\\n")
        return "text \"\(text)\""
    }
    return "bytes " + bytes.prefix(16).map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
        .joined(separator: " ")
}
