import Foundation
import HubResolver
import Logging

// MARK: - gzip + tar extraction

enum ArchiveTarget {
    static let archive = Scratch.root.appendingPathComponent("module.tar.gz")
    static let cache = Scratch.root.appendingPathComponent("cache", isDirectory: true)
    static let extracted = Scratch.root.appendingPathComponent("extracted", isDirectory: true)

    /// Small caps so a fuzzed size field cannot fill the disk and a mutated bomb inflates at most 1 MiB
    /// per input (at 16 MiB, inflating dominated the run); the defaults are tested elsewhere.
    static let limits = ExtractionLimits(maxEntrySize: 256 << 10, maxTotalSize: 1 << 20, maxEntryCount: 2_000)

    static let resolver = ModuleResolver(
        cacheDirectory: cache, environment: [:], limits: limits,
        staleLockTimeout: 1, networkTimeout: 1,
        logger: Logger(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() }))

    /// Extracts the bytes (sniffing, gzip, tar, entry checks, caps) into a scratch folder; only an
    /// archive that extracts cleanly goes on through `ModuleResolver.resolve` (file, lock, cache
    /// install, validation, rename). Most mutations fail while extracting, and the cache path's file
    /// operations would otherwise cost two thirds of every input.
    static func run(_ bytes: UnsafeRawBufferPointer) {
        defer { try? FileManager.default.removeItem(at: extracted) }
        guard (try? extract(bytes)) != nil else { return }
        _ = ModuleFolderValidator.problem(in: extracted.path)
        Scratch.write(bytes, to: archive)
        _ = try? resolver.resolve(archive.path)
        try? FileManager.default.removeItem(at: cache)
    }

    private static func extract(_ bytes: UnsafeRawBufferPointer) throws {
        try FileManager.default.createDirectory(at: extracted, withIntermediateDirectories: true)
        let stream = ArchiveStream(root: extracted.path, source: "fuzz input", limits: limits,
                                   expectedSize: Int64(bytes.count))
        // In 64 KiB chunks, as a file or an HTTP body arrives.
        var offset = 0
        while offset < bytes.count, !stream.isComplete {
            let end = min(offset + (64 << 10), bytes.count)
            try stream.consume(UnsafeRawBufferPointer(rebasing: bytes[offset ..< end]))
            offset = end
        }
        try stream.finish()
    }
}
