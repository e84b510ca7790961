#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Streaming tar extraction

/// Reads a tar stream (ustar, GNU long names 'L'/'K', pax 'x'/'g' headers, base-256 numbers) chunk by
/// chunk and writes its files and folders straight under `root`. Only plain files and folders are
/// accepted; links, devices, FIFOs, absolute paths and `..` components are refused, and the
/// ``ExtractionLimits`` are checked from each header before its data is read.
///
/// Global pax headers ('g') are checked for form and otherwise ignored; per-entry pax keys `path`,
/// `linkpath` and `size` are honoured. The stream ends at the first all-zero block (like Python's
/// `tarfile`), or at end of input on a header boundary.
final class TarExtractor {
    private(set) var isComplete = false
    /// Tar bytes consumed so far.
    private(set) var offset: Int64 = 0

    private enum MetadataKind { case pax, globalPax, longName, longLink }
    private enum State {
        case header
        case fileData(fd: Int32, name: String, remaining: Int64, padding: Int64)
        case metadata(kind: MetadataKind, remaining: Int, padding: Int64)
        case skip(remaining: Int64)
    }

    let root: String
    let source: String
    private let limits: ExtractionLimits
    private var state = State.header
    private var headerBlock = [UInt8]()
    private var metadataBytes = [UInt8]()
    private var pendingPath: String?
    private var pendingLinkPath: String?
    private var pendingSize: Int64?
    private var entryCount = 0
    private var totalSize: Int64 = 0
    /// File bytes written so far.
    private var writtenSize: Int64 = 0
    /// The archive's whole size in bytes, when known before extraction (a file, `Content-Length`).
    var archiveSize: Int64?
    /// Archive bytes received so far (set by the caller before each chunk).
    var compressedBytesReceived: Int64 = 0
    private var sawHeader = false
    /// First bytes of the stream, shown when it turns out not to be tar at all.
    private var leadingBytes = [UInt8]()
    /// Describes what wraps the tar stream in error messages ("" or "gzip data whose content is ").
    let wrapping: String

    init(root: String, source: String, limits: ExtractionLimits, wrapping: String = "") {
        self.root = root
        self.source = source
        self.limits = limits
        self.wrapping = wrapping
        headerBlock.reserveCapacity(TarHeader.blockSize)
    }

    deinit {
        if case let .fileData(fd, _, _, _) = state { close(fd) }
    }

    // MARK: - Input

    func consume(_ chunk: UnsafeRawBufferPointer) throws {
        if leadingBytes.count < 32 { leadingBytes += chunk.prefix(32 - leadingBytes.count) }
        var index = 0
        while index < chunk.count, !isComplete {
            let available = chunk.count - index
            switch state {
            case .header:
                let take = min(TarHeader.blockSize - headerBlock.count, available)
                headerBlock += UnsafeRawBufferPointer(rebasing: chunk[index..<(index + take)])
                index += take
                offset += Int64(take)
                if headerBlock.count == TarHeader.blockSize {
                    let block = headerBlock
                    headerBlock.removeAll(keepingCapacity: true)
                    try block.withUnsafeBytes { try startEntry($0) }
                }
            case let .fileData(fd, name, remaining, padding):
                let take = Int(min(remaining, Int64(available)))
                try checkRatio(written: writtenSize + Int64(take), compressed: compressedBytesReceived, declared: false)
                writtenSize += Int64(take)
                let code = POSIX.writeAll(fd, UnsafeRawBufferPointer(rebasing: chunk[index..<(index + take)]))
                if code != 0 {
                    throw ResolverError.fileSystem(path: root + "/" + name, operation: "Writing", reason: POSIX.describe(code))
                }
                index += take
                offset += Int64(take)
                if remaining == Int64(take) {
                    close(fd)
                    state = padding > 0 ? .skip(remaining: padding) : .header
                } else {
                    state = .fileData(fd: fd, name: name, remaining: remaining - Int64(take), padding: padding)
                }
            case let .metadata(kind, remaining, padding):
                let take = min(remaining, available)
                metadataBytes += UnsafeRawBufferPointer(rebasing: chunk[index..<(index + take)])
                index += take
                offset += Int64(take)
                if remaining == take {
                    try finishMetadata(kind)
                    state = padding > 0 ? .skip(remaining: padding) : .header
                } else {
                    state = .metadata(kind: kind, remaining: remaining - take, padding: padding)
                }
            case let .skip(remaining):
                let take = Int(min(remaining, Int64(available)))
                index += take
                offset += Int64(take)
                state = remaining == Int64(take) ? .header : .skip(remaining: remaining - Int64(take))
            }
        }
    }

    /// Call at the end of input. A stream cut inside an entry is an error; one that simply stops on a
    /// header boundary without the end-of-archive blocks is accepted, as Python's tarfile does.
    func finish() throws {
        if isComplete { return }
        guard sawHeader else {
            throw ResolverError.notAnArchive(source: source, found: wrapping + describe(leadingBytes))
        }
        switch state {
        case .header where headerBlock.isEmpty:
            isComplete = true
        case .header:
            throw corrupt("the archive ends inside a header block (truncated)")
        case let .fileData(_, name, remaining, _):
            throw corrupt("the archive ends inside '\(name)' with \(remaining) bytes missing (truncated)")
        case .metadata, .skip:
            throw corrupt("the archive ends inside an entry (truncated)")
        }
    }

    // MARK: - Entries

    private func startEntry(_ block: UnsafeRawBufferPointer) throws {
        let parsed: TarHeader?
        do {
            parsed = try TarHeader.parse(block)
        } catch let problem as TarHeader.Problem {
            guard sawHeader else {
                throw ResolverError.notAnArchive(source: source, found: wrapping + describe(leadingBytes))
            }
            switch problem {
            case let .badChecksum(stored, computed):
                throw corrupt("header checksum \(stored) does not match the computed \(computed)")
            case let .badNumber(field, bytes):
                throw corrupt("header field \(field) is not a number (\(bytes))")
            }
        }
        guard let header = parsed else {
            isComplete = true
            return
        }
        sawHeader = true
        entryCount += 1
        if entryCount > limits.maxEntryCount {
            throw ResolverError.limitExceeded(
                source: source, limit: "the number of entries", maximum: Int64(limits.maxEntryCount),
                found: Int64(entryCount))
        }
        let type = header.typeFlag
        let isMetadata = [UInt8(ascii: "x"), UInt8(ascii: "X"), UInt8(ascii: "g"), UInt8(ascii: "L"), UInt8(ascii: "K")]
            .contains(type)
        let size = isMetadata ? header.size : (pendingSize ?? header.size)
        let name = isMetadata ? header.name : (pendingPath ?? header.name)
        let linkName = pendingLinkPath ?? header.linkName
        guard size >= 0 else { throw corrupt("entry '\(name)' has a negative size \(size)") }
        let padding = (Int64(TarHeader.blockSize) - size % Int64(TarHeader.blockSize)) % Int64(TarHeader.blockSize)
        if !isMetadata {
            pendingPath = nil
            pendingLinkPath = nil
            pendingSize = nil
        }

        switch type {
        case UInt8(ascii: "x"), UInt8(ascii: "X"):
            try startMetadata(.pax, size: size, padding: padding)
        case UInt8(ascii: "g"):
            try startMetadata(.globalPax, size: size, padding: padding)
        case UInt8(ascii: "L"):
            try startMetadata(.longName, size: size, padding: padding)
        case UInt8(ascii: "K"):
            try startMetadata(.longLink, size: size, padding: padding)
        case 0 where name.hasSuffix("/"), UInt8(ascii: "5"):
            try makeFolder(try safeComponents(name), entry: name)
            state = size + padding > 0 ? .skip(remaining: size + padding) : .header
        case 0, UInt8(ascii: "0"), UInt8(ascii: "7"):
            try startFile(name, size: size, padding: padding)
        case UInt8(ascii: "1"):
            throw unsafe(name, "hard links are not accepted (link to '\(linkName)')")
        case UInt8(ascii: "2"):
            throw unsafe(name, "symbolic links are not accepted (link to '\(linkName)')")
        case UInt8(ascii: "3"):
            throw unsafe(name, "character device files are not accepted")
        case UInt8(ascii: "4"):
            throw unsafe(name, "block device files are not accepted")
        case UInt8(ascii: "6"):
            throw unsafe(name, "FIFOs are not accepted")
        default:
            let shown = type >= 0x20 && type < 0x7F ? "'\(Character(Unicode.Scalar(type)))'" : "byte \(type)"
            throw unsafe(name, "entry type \(shown) is not a plain file or folder")
        }
    }

    private func startFile(_ name: String, size: Int64, padding: Int64) throws {
        let components = try safeComponents(name)
        guard !components.isEmpty else { throw unsafe(name, "a file entry needs a name") }
        if size > limits.maxEntrySize {
            throw ResolverError.limitExceeded(
                source: source, limit: "the size of entry '\(name)'", maximum: limits.maxEntrySize, found: size)
        }
        try addToTotal(size)
        try makeFolder(Array(components.dropLast()), entry: name)
        let path = root + "/" + components.joined(separator: "/")
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw ResolverError.fileSystem(path: path, operation: "Creating", reason: POSIX.describe(errno))
        }
        if size == 0 {
            close(fd)
            state = .header
        } else {
            state = .fileData(fd: fd, name: name, remaining: size, padding: padding)
        }
    }

    private func startMetadata(_ kind: MetadataKind, size: Int64, padding: Int64) throws {
        if size > Int64(ExtractionLimits.maxMetadataSize) {
            throw ResolverError.limitExceeded(
                source: source, limit: "a pax / GNU long-name header", maximum: Int64(ExtractionLimits.maxMetadataSize),
                found: size)
        }
        try addToTotal(size)
        metadataBytes.removeAll(keepingCapacity: true)
        if size == 0 {
            try finishMetadata(kind)
            state = padding > 0 ? .skip(remaining: padding) : .header
        } else {
            state = .metadata(kind: kind, remaining: Int(size), padding: padding)
        }
    }

    private func finishMetadata(_ kind: MetadataKind) throws {
        switch kind {
        case .longName, .longLink:
            let end = metadataBytes.firstIndex(of: 0) ?? metadataBytes.endIndex
            let text = String(decoding: metadataBytes[..<end], as: UTF8.self)
            if kind == .longName { pendingPath = text } else { pendingLinkPath = text }
        case .pax, .globalPax:
            guard let records = try? PaxRecords.parse(metadataBytes) else {
                throw corrupt("malformed pax extended header before entry \(entryCount)")
            }
            if let key = records.keys.first(where: { $0.hasPrefix("GNU.sparse") }) {
                throw unsafe(pendingPath ?? "(pax header)", "sparse files (pax key \(key)) are not supported")
            }
            guard kind == .pax else { return }
            if let path = records["path"] { pendingPath = path }
            if let link = records["linkpath"] { pendingLinkPath = link }
            if let sizeText = records["size"] {
                guard let size = Int64(sizeText), size >= 0 else {
                    throw corrupt("pax size '\(sizeText)' is not a non-negative decimal number")
                }
                pendingSize = size
            }
        }
    }

    // MARK: - Limits

    private func addToTotal(_ size: Int64) throws {
        let (sum, overflow) = totalSize.addingReportingOverflow(size)
        if overflow || sum > limits.maxTotalSize {
            throw ResolverError.limitExceeded(
                source: source, limit: "the total extracted size", maximum: limits.maxTotalSize,
                found: overflow ? Int64.max : sum)
        }
        totalSize = sum
        if let archiveSize { try checkRatio(written: sum, compressed: archiveSize, declared: true) }
    }

    /// Refuses more than `limits.allowedSize(compressed:)` bytes from `compressed` archive bytes.
    private func checkRatio(written: Int64, compressed: Int64, declared: Bool) throws {
        let allowed = limits.allowedSize(compressed: compressed)
        guard written > allowed else { return }
        throw ResolverError.limitExceeded(
            source: source,
            limit: declared
                ? "the extracted size (\(limits.maxCompressionRatio):1 of the archive's \(compressed) bytes past \(limits.ratioFreeSize) bytes)"
                : "the extracted size (\(limits.maxCompressionRatio):1 of the \(compressed) archive bytes read so far past \(limits.ratioFreeSize) bytes)",
            maximum: allowed, found: written)
    }

    private func corrupt(_ problem: String) -> ResolverError {
        .corruptArchive(source: source, offset: offset, problem: problem)
    }

    func unsafe(_ entry: String, _ problem: String) -> ResolverError {
        .unsafeEntry(source: source, entry: entry, problem: problem)
    }
}
