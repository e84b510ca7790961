import Foundation
import HubResolver
import TensorFlowHub
import Testing
import TestSupport

// MARK: - Broken cached copies (issue 18, defect 2)

/// A scratch folder holding `module.tar.gz` (the reduced slim module, optionally with one byte of its
/// checkpoint shard flipped) and an empty cache.
private struct CachedArchive {
    let folder: URL
    var archive: String { folder.appendingPathComponent("module.tar.gz").path }
    var cache: URL { folder.appendingPathComponent("cache") }
    var resolver: ModuleResolver { ModuleResolver(cacheDirectory: cache, environment: [:]) }

    init(corruptShardInArchive: Bool = false) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cache-recovery-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let script = """
            import io, os, sys, tarfile
            source, target, corrupt = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
            with tarfile.open(target, "w:gz") as t:
                for root, _, files in os.walk(source):
                    for name in sorted(files):
                        path = os.path.join(root, name)
                        data = open(path, "rb").read()
                        if corrupt and name.startswith("variables.data"):
                            data = data[:100] + bytes([data[100] ^ 0xFF]) + data[101:]
                        info = tarfile.TarInfo(os.path.relpath(path, source)); info.size = len(data)
                        t.addfile(info, io.BytesIO(data))
            """
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", script, NASNetFixture.slimV1.moduleURL.path,
                            folder.appendingPathComponent("module.tar.gz").path, corruptShardInArchive ? "1" : "0"]
        try python.run()
        python.waitUntilExit()
        #expect(python.terminationStatus == 0)
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}

/// The cached copy's shard is overwritten after it was cached: the next load notices the checksum
/// failure, moves the copy out, fetches it again once and gives TF's output; the cache is whole again.
@Test func aCachedCopyWithADamagedShardIsFetchedAgainOnce() throws {
    let setup = try CachedArchive()
    defer { setup.remove() }
    let first = try Module(handle: setup.archive, resolver: setup.resolver)
    let shard = first.directory.appendingPathComponent("variables/variables.data-00000-of-00001")
    var bytes = [UInt8](try Data(contentsOf: shard))
    bytes[100] ^= 0xFF
    try Data(bytes).write(to: shard)
    #expect(throws: (any Error).self) { try Module.verifyFiles(in: first.directory) }

    let again = try Module(handle: setup.archive, resolver: setup.resolver)
    #expect(again.directory == first.directory)
    try Module.verifyFiles(in: again.directory)
    let images = try NASNetFixture.slimV1.inputs(batch: 1)
    let expected = try NASNetFixture.slimV1.reference("default_b1_notags.npy")
    #expect(relativeError(try again(images), expected) <= 1e-4)
    #expect(setup.resolver.cacheEntries().count == 1)
}

/// When the source itself is damaged, the fresh copy fails too: the error names the handle and the
/// cache folder, and says how to clear it.
@Test func aSourceThatStaysBrokenIsReportedWithTheHandleAndTheCacheFolder() throws {
    let setup = try CachedArchive(corruptShardInArchive: true)
    defer { setup.remove() }
    let error = try #require(throws: ModuleError.self) { try Module(handle: setup.archive, resolver: setup.resolver) }
    guard case let .brokenCacheEntry(handle, folder, _) = error else {
        Issue.record("expected brokenCacheEntry, got \(error)")
        return
    }
    #expect(handle == setup.archive)
    #expect(folder == setup.resolver.cacheFolder(for: setup.archive)?.path)
    #expect("\(error)".contains("tfhub cache clear"))
}
