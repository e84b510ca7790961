import Foundation
import TensorBundle
import Testing

// MARK: - Bundles written by TensorFlow 2.21, compared bit for bit with TF's own reader

@Test(arguments: BundleFixture.names)
func fixtureKeysMatchTensorFlow(name: String) throws {
    let fixture = try BundleFixture(name)
    let reader = try BundleReader(prefix: fixture.prefix)
    #expect(reader.keys == fixture.manifest.tensors.keys.sorted())
    let shardFiles = fixture.manifest.files.filter { $0.contains(".data-") }
    #expect(reader.shardCount == shardFiles.count)
}

@Test func entriesListEveryKeyWithDTypeAndShape() throws {
    let fixture = try BundleFixture("sharded")
    let entries = try BundleReader(prefix: fixture.prefix).entries()
    #expect(entries.map(\.key) == fixture.manifest.tensors.keys.sorted())
    for entry in entries {
        #expect(entry.dtype.rawValue == fixture.manifest.tensors[entry.key]?.dtype)
        #expect(entry.shape == fixture.manifest.tensors[entry.key]?.shape)
    }
}

@Test(arguments: BundleFixture.names)
func fixtureTensorsMatchTensorFlowBitForBit(name: String) throws {
    let fixture = try BundleFixture(name)
    let reader = try BundleReader(prefix: fixture.prefix)
    for (key, expected) in fixture.manifest.tensors.sorted(by: { $0.key < $1.key }) {
        let entry = try reader.entry(forKey: key)
        #expect(entry.dtype.rawValue == expected.dtype, "\(name)/\(key)")
        #expect(entry.shape == expected.shape, "\(name)/\(key)")
        let tensor = try reader.tensor(forKey: key)
        #expect(tensor.key == key)
        #expect(tensor.dtype == entry.dtype)
        #expect(tensor.shape == expected.shape, "\(name)/\(key)")
        #expect(tensor.elementCount == expected.shape.reduce(1, *))
        if expected.strings != nil {
            #expect(try tensor.strings() == expected.stringValues, "\(name)/\(key)")
            #expect(tensor.bytes.isEmpty)
        } else {
            #expect(tensor.bytes == expected.bytes, "\(name)/\(key)")
            #expect(tensor.bytes.count == tensor.elementCount * (entry.dtype.byteSize ?? -1))
        }
    }
}

@Test func everyDTypeTensorFlowWritesIsCovered() throws {
    let fixture = try BundleFixture("dtypes")
    let covered = Set(fixture.manifest.tensors.values.map(\.dtype))
    // float, double, int32, uint8, int16, int8, string, complex64, int64, bool, bfloat16, uint16,
    // complex128, half, uint32, uint64.
    #expect(covered.isSuperset(of: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14, 17, 18, 19, 22, 23]))
    let reader = try BundleReader(prefix: fixture.prefix)
    #expect(try reader.tensor(forKey: "f32_scalar/.ATTRIBUTES/VARIABLE_VALUE").shape == [])
    #expect(try reader.tensor(forKey: "f32_empty_3d/.ATTRIBUTES/VARIABLE_VALUE").elementCount == 0)
    #expect(try reader.tensor(forKey: "str_empty/.ATTRIBUTES/VARIABLE_VALUE").strings() == [])
}

@Test func partitionedVariablesAreListedOnceAndAssembled() throws {
    let fixture = try BundleFixture("saver")
    let reader = try BundleReader(prefix: fixture.prefix)
    let embeddings = try reader.entry(forKey: "embeddings")
    #expect(embeddings.slices == [[0 ..< 3, 0 ..< 4], [3 ..< 5, 0 ..< 4], [5 ..< 7, 0 ..< 4]])
    let wide = try reader.entry(forKey: "wide")
    #expect(wide.slices == [[0 ..< 3, 0 ..< 3], [0 ..< 3, 3 ..< 5]])
    #expect(!reader.keys.contains { $0.hasPrefix("\u{0}") })
    #expect(try reader.entry(forKey: "conv/weights").slices.isEmpty)
}

@Test func typedAccessorsCheckTheDType() throws {
    let reader = try BundleReader(prefix: BundleFixture("dtypes").prefix)
    let floats = try reader.tensor(forKey: "f32_matrix/.ATTRIBUTES/VARIABLE_VALUE")
    #expect(try floats.floats().count == 12)
    #expect(try floats.floats()[0].isNaN)
    #expect(try floats.floats()[1] == .infinity)
    #expect(throws: BundleError.self) { try floats.int32s() }
    #expect(throws: BundleError.self) { try floats.strings() }
    #expect(try reader.tensor(forKey: "i64/.ATTRIBUTES/VARIABLE_VALUE").int64s() == [Int64.min, Int64.max, 0, 1 << 40])
    #expect(try reader.tensor(forKey: "u32/.ATTRIBUTES/VARIABLE_VALUE").scalars(as: UInt32.self)
        == [0, 4_294_967_295, 305_419_896])
    #expect(try reader.tensor(forKey: "c64/.ATTRIBUTES/VARIABLE_VALUE").complexParts(as: Float.self)
        == [1, 2, -3.5, -0.25, 0, 0])
    #expect(throws: BundleError.self) {
        try reader.tensor(forKey: "c64/.ATTRIBUTES/VARIABLE_VALUE").complexParts(as: Double.self)
    }
    #expect(try reader.tensor(forKey: "i32_scalar/.ATTRIBUTES/VARIABLE_VALUE").int32s() == [-7])
}

@Test func bigEndianBundleIsSwappedToHostOrder() throws {
    let big = try BundleReader(prefix: BundleFixture("bigendian").prefix)
    let little = try BundleReader(prefix: BundleFixture("dtypes").prefix)
    #expect(big.isBigEndian)
    #expect(!little.isBigEndian)
    #expect(big.keys == little.keys)
    for key in little.keys {
        let swapped = try big.tensor(forKey: key)
        let native = try little.tensor(forKey: key)
        #expect(swapped.bytes == native.bytes, "\(key)")
        if native.dtype == .string {
            #expect(try swapped.strings() == native.strings(), "\(key)")
        }
    }
}

@Test func readsFromManyThreadsAgree() async throws {
    let reader = try BundleReader(prefix: BundleFixture("sharded").prefix)
    let expected = try reader.keys.map { try reader.tensor(forKey: $0).bytes }
    try await withThrowingTaskGroup(of: [[UInt8]].self) { group in
        for _ in 0 ..< 8 {
            group.addTask { try reader.keys.map { try reader.tensor(forKey: $0).bytes } }
        }
        for try await result in group { #expect(result == expected) }
    }
}

@Test func unknownKeyIsReported() throws {
    let fixture = try BundleFixture("saver")
    let reader = try BundleReader(prefix: fixture.prefix)
    #expect(throws: BundleError.keyNotFound(file: fixture.prefix.path + ".index", key: "conv/weight")) {
        try reader.tensor(forKey: "conv/weight")
    }
}

/// Seeks through the index block and the restart points of two data blocks, for keys and near misses.
@Test func indexLookupFindsEveryKeyAcrossDataBlocks() throws {
    let fixture = try BundleFixture("manyblocks")
    let table = try IndexTable(url: URL(fileURLWithPath: fixture.prefix.path + ".index"))
    var stored: [[UInt8]: [UInt8]] = [:]
    try table.forEachEntry { key, value in stored[key] = Array(value) }
    #expect(stored.count == fixture.manifest.tensors.count + 1)  // + the header
    for key in fixture.manifest.tensors.keys {
        let bytes = Array(key.utf8)
        #expect(try table.value(forKey: bytes) == stored[bytes], "\(key)")
        #expect(try table.value(forKey: bytes + [0]) == nil)
        #expect(try table.value(forKey: Array(bytes.dropLast())) == nil)
    }
    #expect(try table.value(forKey: [0xFF]) == nil)
}
