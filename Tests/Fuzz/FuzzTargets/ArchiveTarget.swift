import Foundation
import HubResolver
import Logging

// MARK: - gzip + tar extraction

enum ArchiveTarget {
    static let archive = Scratch.root.appendingPathComponent("module.tar.gz")
    static let cache = Scratch.root.appendingPathComponent("cache", isDirectory: true)

    /// Small caps so a fuzzed size field cannot fill the disk; the defaults are tested elsewhere.
    static let resolver = ModuleResolver(
        cacheDirectory: cache, environment: [:],
        limits: ExtractionLimits(maxEntrySize: 4 << 20, maxTotalSize: 16 << 20, maxEntryCount: 2_000),
        staleLockTimeout: 1, networkTimeout: 1,
        logger: Logger(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() }))

    static func run(_ bytes: UnsafeRawBufferPointer) {
        Scratch.write(bytes, to: archive)
        _ = try? resolver.resolve(archive.path)
        try? FileManager.default.removeItem(at: cache)
    }
}
