import Foundation
import TensorBundle
import Testing

// MARK: - Hand-built bad bundles (Tests/Fixtures/bundle/corrupt/, see cases.json for TF's own reaction)

private func corrupt(_ name: String) -> (prefix: URL, index: String, shard0: String) {
    let prefix = BundleFixture.folder("corrupt").appendingPathComponent(name).appendingPathComponent("ckpt")
    return (prefix, prefix.path + ".index", prefix.path + ".data-00000-of-00001")
}

/// The error `body` throws, which must be a `BundleError`.
private func bundleError(_ body: () throws -> Void) -> BundleError? {
    #expect(throws: BundleError.self) { try body() }
}

@Test func validHandBuiltBundleReads() throws {
    let reader = try BundleReader(prefix: corrupt("valid").prefix)
    #expect(try reader.tensor(forKey: "w").floats() == [0, 0.25, 0.5, 0.75, 1, 1.25])
    let tiled = try BundleReader(prefix: corrupt("slices_valid").prefix).tensor(forKey: "p")
    #expect(tiled.shape == [4, 3])
    #expect(try tiled.floats() == [0, 0.25, 0.5, 0.75, 1, 1.25, 10, 10.25, 10.5, 10.75, 11, 11.25])
}

@Test func offsetPastEndOfShardIsRefused() throws {
    let bundle = corrupt("offset_past_end")
    let reader = try BundleReader(prefix: bundle.prefix)
    #expect(throws: BundleError.outOfBounds(file: bundle.shard0, key: "w", offset: 8, size: 24, fileSize: 24)) {
        try reader.tensor(forKey: "w")
    }
}

@Test(arguments: [("size_mismatch", Int64(20)), ("huge_size", Int64(1) << 62)])
func sizeNotMatchingDTypeAndShapeIsRefused(name: String, size: Int64) throws {
    let bundle = corrupt(name)
    let reader = try BundleReader(prefix: bundle.prefix)
    let error = bundleError { _ = try reader.tensor(forKey: "w") }
    guard case let .sizeMismatch(file, key, expected, found) = error else {
        Issue.record("expected sizeMismatch, got \(String(describing: error))")
        return
    }
    #expect(file == bundle.shard0)
    #expect(key == "w")
    #expect(expected.contains("6 elements x 4 bytes"))
    #expect(found == size)
}

@Test func missingShardIsNamed() throws {
    let bundle = corrupt("missing_shard")
    let reader = try BundleReader(prefix: bundle.prefix)
    #expect(reader.shardCount == 2)
    #expect(throws: BundleError.missingShard(
        file: bundle.prefix.path + ".data-00001-of-00002", key: "w", shardID: 1, numShards: 2
    )) { try reader.tensor(forKey: "w") }
}

@Test(arguments: ["shard_id_out_of_range", "negative_dimension"])
func impossibleEntryFieldsAreRefused(name: String) throws {
    let bundle = corrupt(name)
    let reader = try BundleReader(prefix: bundle.prefix)
    let error = bundleError { _ = try reader.entry(forKey: "w") }
    guard case let .badEntry(file, key, _) = error else {
        Issue.record("expected badEntry, got \(String(describing: error))")
        return
    }
    #expect(file == bundle.index)
    #expect(key == "w")
}

@Test func resourceDTypeIsRefused() throws {
    let bundle = corrupt("resource_dtype")
    let reader = try BundleReader(prefix: bundle.prefix)
    #expect(throws: BundleError.unsupportedDType(file: bundle.index, key: "w", dtype: 20)) {
        try reader.tensor(forKey: "w")
    }
}

@Test func storedChecksumMismatchIsRefused() throws {
    let bundle = corrupt("crc_mismatch")
    let reader = try BundleReader(prefix: bundle.prefix)
    let error = bundleError { _ = try reader.tensor(forKey: "w") }
    guard case let .checksumMismatch(file, key, expected, found) = error else {
        Issue.record("expected checksumMismatch, got \(String(describing: error))")
        return
    }
    #expect(file == bundle.shard0)
    #expect(key == "w")
    #expect(expected == found ^ 1)
}

@Test func versionsThisReaderMayNotConsumeAreRefused() {
    let tooNew = corrupt("min_consumer_too_new")
    #expect(throws: BundleError.unsupportedVersion(file: tooNew.index, producer: 1, minConsumer: 2, badConsumers: [])) {
        try BundleReader(prefix: tooNew.prefix)
    }
    let bad = corrupt("bad_consumer")
    #expect(throws: BundleError.unsupportedVersion(file: bad.index, producer: 1, minConsumer: 0, badConsumers: [1])) {
        try BundleReader(prefix: bad.prefix)
    }
}

@Test func snappyBlockIsRefusedClearly() {
    let bundle = corrupt("snappy_block")
    let error = bundleError { _ = try BundleReader(prefix: bundle.prefix) }
    #expect(error == .compressedBlock(file: bundle.index, blockOffset: 0, compressionType: 1))
    #expect(error?.description.contains("Snappy") == true)
}

@Test func missingHeaderIsRefused() {
    let bundle = corrupt("no_header")
    let error = bundleError { _ = try BundleReader(prefix: bundle.prefix) }
    guard case .badHeader(bundle.index, _) = error else {
        Issue.record("expected badHeader, got \(String(describing: error))")
        return
    }
}

@Test func overlappingSlicesAreRefused() throws {
    let bundle = corrupt("slices_overlap")
    let reader = try BundleReader(prefix: bundle.prefix)
    let error = bundleError { _ = try reader.tensor(forKey: "p") }
    guard case .badSlices(bundle.index, "p", _) = error else {
        Issue.record("expected badSlices, got \(String(describing: error))")
        return
    }
    // Two slice entries under one key: the table itself is malformed.
    let duplicate = corrupt("slices_duplicate")
    let duplicateError = bundleError { _ = try BundleReader(prefix: duplicate.prefix) }
    guard case .corruptIndex(duplicate.index, _) = duplicateError else {
        Issue.record("expected corruptIndex, got \(String(describing: duplicateError))")
        return
    }
}

// MARK: - Damaged copies of TF-written bundles

@Test func wrongMagicIsRefused() throws {
    let folder = try TemporaryFolder.copyOfFixture("saver")
    let index = folder.appendingPathComponent("ckpt.index")
    var bytes = try [UInt8](Data(contentsOf: index))
    bytes[bytes.count - 1] ^= 0xFF
    try Data(bytes).write(to: index)
    #expect(throws: BundleError.badMagic(file: index.path, found: 0x2447_7524_8B80_FB57)) {
        try BundleReader(prefix: folder.appendingPathComponent("ckpt"))
    }
}

@Test(arguments: [1, 10, 48, 100])
func truncatedIndexIsRefused(cut: Int) throws {
    let folder = try TemporaryFolder.copyOfFixture("saver")
    let index = folder.appendingPathComponent("ckpt.index")
    let bytes = try [UInt8](Data(contentsOf: index))
    try Data(bytes.dropLast(cut)).write(to: index)
    let error = bundleError { _ = try BundleReader(prefix: folder.appendingPathComponent("ckpt")) }
    switch error {
    case .badMagic(index.path, _), .corruptIndex(index.path, _), .indexTooShort(index.path, _): break
    default: Issue.record("unexpected \(String(describing: error))")
    }
    try Data(bytes.prefix(47)).write(to: index)
    #expect(throws: BundleError.indexTooShort(file: index.path, size: 47)) {
        try BundleReader(prefix: folder.appendingPathComponent("ckpt"))
    }
}

@Test func flippedIndexBitFailsTheBlockChecksum() throws {
    let folder = try TemporaryFolder.copyOfFixture("saver")
    let index = folder.appendingPathComponent("ckpt.index")
    var bytes = try [UInt8](Data(contentsOf: index))
    bytes[40] ^= 0x04
    try Data(bytes).write(to: index)
    let error = bundleError { _ = try BundleReader(prefix: folder.appendingPathComponent("ckpt")) }
    guard case .blockChecksumMismatch(index.path, 0, _, _) = error else {
        Issue.record("expected blockChecksumMismatch, got \(String(describing: error))")
        return
    }
}

@Test func truncatedDataIsRefusedForTheTensorsItCuts() throws {
    let folder = try TemporaryFolder.copyOfFixture("dtypes")
    let shard = folder.appendingPathComponent("ckpt.data-00000-of-00001")
    let bytes = try [UInt8](Data(contentsOf: shard))
    try Data(bytes.dropLast(1)).write(to: shard)
    let reader = try BundleReader(prefix: folder.appendingPathComponent("ckpt"))
    var failures: [String] = []
    for key in reader.keys {
        do {
            _ = try reader.tensor(forKey: key)
        } catch let BundleError.outOfBounds(file, failedKey, offset, size, fileSize) {
            #expect(file == shard.path)
            #expect(fileSize == bytes.count - 1)
            #expect(offset + size == Int64(bytes.count))
            failures.append(failedKey)
        }
    }
    #expect(failures.count == 1)
}

/// One flipped bit anywhere in a shard is caught for exactly the tensor that holds it.
@Test(arguments: [0, 1, 2, 3])
func flippedDataBitIsCaughtForItsTensor(seed: UInt64) throws {
    let folder = try TemporaryFolder.copyOfFixture("dtypes")
    let shard = folder.appendingPathComponent("ckpt.data-00000-of-00001")
    var bytes = try [UInt8](Data(contentsOf: shard))
    var generator = SplitMix64(seed: seed)
    let position = Int(generator.next() % UInt64(bytes.count))
    bytes[position] ^= 1 << UInt8(generator.next() % 8)
    try Data(bytes).write(to: shard)
    let reader = try BundleReader(prefix: folder.appendingPathComponent("ckpt"))
    var failures: [BundleError] = []
    for key in reader.keys {
        do { _ = try reader.tensor(forKey: key) } catch let error as BundleError { failures.append(error) }
    }
    #expect(failures.count == 1, "flip at \(position)")
    switch failures.first {
    case .checksumMismatch(shard.path, _, _, _), .badStringLengths(shard.path, _, _), .sizeMismatch(shard.path, _, _, _):
        break
    default: Issue.record("unexpected \(failures)")
    }
}

@Test func deletedShardIsReportedOnlyForItsTensors() throws {
    let folder = try TemporaryFolder.copyOfFixture("sharded")
    let missing = folder.appendingPathComponent("ckpt.data-00001-of-00003")
    try FileManager.default.removeItem(at: missing)
    let reader = try BundleReader(prefix: folder.appendingPathComponent("ckpt"))
    var unreadable: [String] = []
    for key in reader.keys {
        do {
            _ = try reader.tensor(forKey: key)
        } catch let BundleError.missingShard(file, failedKey, shardID, numShards) {
            #expect(file == missing.path)
            #expect(shardID == 1)
            #expect(numShards == 3)
            unreadable.append(failedKey)
        }
    }
    // c and parts were pinned to /cpu:1, which Saver(sharded=True) wrote as shard 1; the error for a
    // partitioned tensor names the slice it could not read.
    #expect(unreadable == ["c", "parts slice 0:3,0:2"])
}

@Test func missingIndexIsNamed() {
    let prefix = BundleFixture.folder("saver").appendingPathComponent("nope")
    let error = bundleError { _ = try BundleReader(prefix: prefix) }
    guard case .unreadableFile(prefix.path + ".index", _) = error else {
        Issue.record("expected unreadableFile, got \(String(describing: error))")
        return
    }
}
