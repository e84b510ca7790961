import Foundation
import TensorBundle
import Testing
import TFProto
import TestSupport

// MARK: - A shard truncated by another process while a reader uses it (issue 18, defect 6)

/// The reader holds the shard's bytes from the moment it first needs them: truncating the file
/// afterwards (as another process rewriting the cache might) changes nothing, where a memory-mapped
/// shard raised SIGBUS on the next access past the new end.
@Test func truncatingAShardAfterItWasOpenedNeitherCrashesNorChangesValues() throws {
    let folder = try TemporaryFolder.make()
    defer { try? FileManager.default.removeItem(at: folder) }
    let source = Fixtures.url("nasnet/slim_v1_small/module/variables")
    for name in ["variables.index", "variables.data-00000-of-00001"] {
        try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: folder.appendingPathComponent(name))
    }
    let prefix = folder.appendingPathComponent("variables")
    let untouched = try BundleReader(prefix: source.appendingPathComponent("variables"))
    let reader = try BundleReader(prefix: prefix)
    let keys = try reader.entries().map(\.key).filter { !$0.isEmpty }
    #expect(keys.count > 100)
    _ = try reader.tensor(forKey: keys[0])  // the shard is now open
    let shard = prefix.path + ".data-00000-of-00001"
    #expect(truncate(shard, 0) == 0)
    for key in keys {
        let tensor = try reader.tensor(forKey: key)
        guard tensor.dtype == .float else { continue }
        #expect(try tensor.floats() == untouched.tensor(forKey: key).floats(), "\(key)")
    }
    // A new reader sees the truncated file and says so with a typed error naming it.
    let fresh = try BundleReader(prefix: prefix)
    #expect(throws: BundleError.self) { try fresh.tensor(forKey: keys[keys.count / 2]) }
}
