import Foundation
import TensorBundle
import TestSupport
import Testing
import TFProto

// MARK: - Fixtures written by TensorFlow's SaveV2 (make_writer_fixtures.py)

/// `Tests/Fixtures/bundle/writer/<name>/`: a bundle TF's `SaveV2` wrote and `tensors.json`, the tensors in
/// the order TF was given them.
private struct WriterFixture {
    /// One entry of `tensors.json`: its key beside the fields of a reader fixture's tensor.
    @dynamicMemberLookup
    struct Tensor: Decodable {
        let key: String
        let value: BundleFixture.Tensor

        private enum CodingKeys: String, CodingKey { case key }

        init(from decoder: any Decoder) throws {
            key = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .key)
            value = try BundleFixture.Tensor(from: decoder)
        }

        subscript<Value>(dynamicMember path: KeyPath<BundleFixture.Tensor, Value>) -> Value { value[keyPath: path] }
    }

    struct Manifest: Decodable {
        let prefix: String
        let tensors: [Tensor]
    }

    static let names = ["pod", "strings"]

    let folder: URL
    let manifest: Manifest

    init(_ name: String) throws {
        folder = Fixtures.url("bundle/writer").appendingPathComponent(name)
        manifest = try JSONDecoder().decode(
            Manifest.self, from: Data(contentsOf: folder.appendingPathComponent("tensors.json")))
    }

    var prefix: URL { folder.appendingPathComponent(manifest.prefix) }
}

private func fileBytes(_ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// The index and data files at `ours` equal TF's at `theirs`, byte for byte.
private func expectSameFiles(_ ours: URL, _ theirs: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
    for suffix in [".index", ".data-00000-of-00001"] {
        let mine = try fileBytes(ours.path + suffix)
        let tf = try fileBytes(theirs.path + suffix)
        let firstDifference = zip(mine, tf).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? min(mine.count, tf.count)
        #expect(mine == tf, "\(suffix): \(mine.count) vs TF's \(tf.count) bytes, first difference at byte \(firstDifference)",
                sourceLocation: sourceLocation)
    }
}

@Test(arguments: WriterFixture.names)
private func writerReproducesSaveV2Bytes(_ name: String) throws {
    let fixture = try WriterFixture(name)
    let prefix = try TemporaryFolder.make().appendingPathComponent("sub/ckpt")
    let writer = try BundleWriter(prefix: prefix)
    for tensor in fixture.manifest.tensors {
        if tensor.dtype == DataType.string.rawValue {
            try writer.add(key: tensor.key, shape: tensor.shape, strings: tensor.stringValues)
        } else {
            try writer.add(key: tensor.key, dtype: DataType(rawValue: tensor.dtype), shape: tensor.shape, bytes: tensor.bytes)
        }
    }
    try writer.finish()
    try expectSameFiles(prefix, fixture.prefix)
    #expect(try FileManager.default.contentsOfDirectory(atPath: prefix.deletingLastPathComponent().path).sorted()
            == ["ckpt.data-00000-of-00001", "ckpt.index"])

    // Our reader reads our bundle back.
    let reader = try BundleReader(prefix: prefix)
    #expect(reader.keys == fixture.manifest.tensors.map(\.key).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
    for tensor in fixture.manifest.tensors {
        let read = try reader.tensor(forKey: tensor.key)
        #expect(read.dtype.rawValue == tensor.dtype && read.shape == tensor.shape, "\(tensor.key)")
        if tensor.dtype == DataType.string.rawValue {
            #expect(try read.strings() == tensor.stringValues, "\(tensor.key)")
        } else {
            #expect(read.bytes == tensor.bytes, "\(tensor.key)")
        }
    }
}

// MARK: - Rewriting every single-shard bundle TF wrote

/// Single-shard, unpartitioned bundles written by TF: `tf.train.Checkpoint` (object graph added last),
/// `tf.compat.v1.train.Saver` with an index of two data blocks, and hub 0.15 module exports.
private let tensorflowBundles: [(String, URL)] = [
    ("dtypes (tf.train.Checkpoint)", Fixtures.url("bundle/dtypes/ckpt")),
    ("manyblocks (Saver, 2 data blocks)", Fixtures.url("bundle/manyblocks/ckpt")),
    ("slim_v1_small module", Fixtures.url("nasnet/slim_v1_small/module/variables/variables")),
    ("slim_v3_small module", Fixtures.url("nasnet/slim_v3_small/module/variables/variables")),
    ("keras_small module", Fixtures.url("nasnet/keras_small/module/variables/variables")),
    ("shipped NASNet module", Fixtures.repositoryRoot.appendingPathComponent(
        "Modules/nasnet_mobile_feature_vector/variables/variables")),
]

/// Keys in the order TF appended their tensors to the data file (by offset).
private func keysInDataOrder(_ prefix: URL) throws -> [String] {
    var located: [(offset: Int64, key: String)] = []
    try IndexTable(url: URL(fileURLWithPath: prefix.path + ".index")).forEachEntry { key, value in
        guard !key.isEmpty else { return }
        let entry = try BundleEntryProto(serializedBytes: value)
        located.append((entry.offset, String(decoding: key, as: UTF8.self)))
    }
    return located.sorted { $0.offset < $1.offset }.map(\.key)
}

@Test(arguments: tensorflowBundles)
private func writerReproducesTensorFlowBundles(_ name: String, _ source: URL) throws {
    let reader = try BundleReader(prefix: source)
    let prefix = try TemporaryFolder.make().appendingPathComponent("variables")
    let writer = try BundleWriter(prefix: prefix)
    for key in try keysInDataOrder(source) { try writer.add(try reader.tensor(forKey: key)) }
    try writer.finish()
    try expectSameFiles(prefix, source)
}

// MARK: - Bad input

@Test private func writerRefusesBadTensors() throws {
    let prefix = try TemporaryFolder.make().appendingPathComponent("ckpt")
    let index = prefix.path + ".index"
    let writer = try BundleWriter(prefix: prefix)
    try writer.add(key: "a", dtype: .float, shape: [2], bytes: [UInt8](repeating: 0, count: 8))
    #expect(throws: BundleWriteError.invalidKey(file: index, key: "a", reason: "added twice")) {
        try writer.add(key: "a", dtype: .float, shape: [], bytes: [0, 0, 0, 0])
    }
    #expect(throws: BundleWriteError.invalidKey(file: index, key: "", reason: "the empty key is the bundle header's")) {
        try writer.add(key: "", dtype: .float, shape: [], bytes: [0, 0, 0, 0])
    }
    #expect(throws: BundleWriteError.invalidTensor(
        file: index, key: "b", detail: "7 bytes for DT_FLOAT [2] (expected 2 x 4 bytes)")) {
        try writer.add(key: "b", dtype: .float, shape: [2], bytes: [UInt8](repeating: 0, count: 7))
    }
    #expect(throws: BundleWriteError.invalidTensor(file: index, key: "c", detail: "invalid shape [-1]")) {
        try writer.add(key: "c", dtype: .int32, shape: [-1], bytes: [])
    }
    #expect(throws: BundleWriteError.unsupportedDType(file: index, key: "d", dtype: .resource)) {
        try writer.add(key: "d", dtype: .resource, shape: [], bytes: [])
    }
    #expect(throws: BundleWriteError.unsupportedDType(file: index, key: "e", dtype: .floatRef)) {
        try writer.add(key: "e", dtype: .floatRef, shape: [], bytes: [0, 0, 0, 0])
    }
    #expect(throws: BundleWriteError.invalidTensor(file: index, key: "f", detail: "1 strings for shape [2] (2 elements)")) {
        try writer.add(key: "f", shape: [2], strings: [[]])
    }
    try writer.finish()
    #expect(throws: BundleWriteError.alreadyFinished(file: index)) {
        try writer.add(key: "g", dtype: .float, shape: [], bytes: [0, 0, 0, 0])
    }
    #expect(throws: BundleWriteError.alreadyFinished(file: index)) { try writer.finish() }
    // Only the tensor that was accepted is in the bundle.
    #expect(try BundleReader(prefix: prefix).keys == ["a"])
}

@Test private func abandonedWriterLeavesNoFiles() throws {
    let folder = try TemporaryFolder.make()
    do {
        let writer = try BundleWriter(prefix: folder.appendingPathComponent("ckpt"))
        try writer.add(key: "a", dtype: .float, shape: [], bytes: [0, 0, 128, 63])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).count == 1)
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
}

@Test private func unwritableFolderIsNamed() throws {
    let folder = try TemporaryFolder.make()
    let blocker = folder.appendingPathComponent("file")
    try Data([1]).write(to: blocker)
    do {
        _ = try BundleWriter(prefix: blocker.appendingPathComponent("variables/variables"))
        Issue.record("a prefix under a regular file was accepted")
    } catch let BundleWriteError.unwritableFile(file, _) {
        #expect(file == blocker.appendingPathComponent("variables").path)
    }
}
