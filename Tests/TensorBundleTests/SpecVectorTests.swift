import Foundation
import TensorBundle
import Testing

// MARK: - The worked bundle of spec 6.8 (written by hub 0.15 / TF 2.21)

enum SpecVector {
    static let index = bytes(
        "00000608011a02080100131300656d62656464696e67730001010280838083080112081202080312"
            + "020803282435429ddfb40f0415838280830801120812020802120208032024281835b39ec964000a"
            + "22656d62656464696e67730801120812020805120208033a080a0210030a0210033a0a0a04080310"
            + "020a0210030006117374727661720807120412020803203c280d3580d507dd000000000100000000"
            + "4c78d3e0000000000100000000c0f2a1b000010374009f01000000000100000000f722df1ca40108"
            + "b1010f0000000000000000000000000000000000000000000000000000000000000000000057fb80"
            + "8b247547db")
    static let data = bytes(
        "06886a3f2dc09fbed9a6003f023886be661bad3f555406bf467ecb3e532e673f13603bbf6e7685be"
            + "b18bb53fafc1d43e0ffe043ea59afdbd27793d3e01050039cfd1de7868656c6c6f")

    static func bytes(_ hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var iterator = hex.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            result.append(UInt8(String([high, low]), radix: 16) ?? 0)
        }
        return result
    }

    /// Writes the two files into a fresh temporary folder and returns the prefix.
    static func write(index: [UInt8] = index, data: [UInt8] = data) throws -> URL {
        let folder = try TemporaryFolder.make()
        try Data(index).write(to: folder.appendingPathComponent("variables.index"))
        try Data(data).write(to: folder.appendingPathComponent("variables.data-00000-of-00001"))
        return folder.appendingPathComponent("variables")
    }
}

@Test func specIndexTableDecodes() throws {
    #expect(SpecVector.index.count == 245)
    #expect(SpecVector.data.count == 73)
    let prefix = try SpecVector.write()
    let table = try IndexTable(url: URL(fileURLWithPath: prefix.path + ".index"))
    var keys: [[UInt8]] = []
    try table.forEachEntry { key, _ in keys.append(key) }
    let sliceKey0: [UInt8] = [0x00] + Array("embeddings".utf8) + [0x00, 0x01, 0x01, 0x02, 0x80, 0x83, 0x80, 0x83]
    let sliceKey1: [UInt8] = [0x00] + Array("embeddings".utf8) + [0x00, 0x01, 0x01, 0x02, 0x83, 0x82, 0x80, 0x83]
    #expect(keys == [[], sliceKey0, sliceKey1, Array("embeddings".utf8), Array("strvar".utf8)])
    #expect(try table.value(forKey: []) == [0x08, 0x01, 0x1A, 0x02, 0x08, 0x01])
    // The index separator "t" is not a real key.
    #expect(try table.value(forKey: Array("t".utf8)) == nil)
    #expect(try table.value(forKey: Array("strva".utf8)) == nil)
    #expect(try table.value(forKey: Array("zzz".utf8)) == nil)
    #expect(try table.value(forKey: Array("strvar".utf8))?.first == 0x08)
    #expect(try table.value(forKey: sliceKey1)?.count == 21)
}

@Test func specSliceKeysMatchOrderedCode() {
    #expect(SliceKey.encode(name: "embeddings", extents: [(0, 3), (0, 3)])
        == [0x00] + Array("embeddings".utf8) + [0x00, 0x01, 0x01, 0x02, 0x80, 0x83, 0x80, 0x83])
    #expect(SliceKey.encode(name: "e", extents: [(3, 2), (0, nil)])
        == [0x00, 0x65, 0x00, 0x01, 0x01, 0x02, 0x83, 0x82, 0x80, 0x7F])
    // 100 -> C0 64 (spec); 8192 needs 3 bytes: E0 20 00.
    #expect(SliceKey.encode(name: "x", extents: [(100, 8192)])
        == [0x00, 0x78, 0x00, 0x01, 0x01, 0x01, 0xC0, 0x64, 0xE0, 0x20, 0x00])
    #expect(SliceKey.encode(name: "a\u{0}b\u{FF}", extents: [])
        == [0x00, 0x61, 0x00, 0xFF, 0x62, 0xC3, 0xBF, 0x00, 0x01, 0x00])
}

@Test func specBundleReadsPartitionedAndStringTensors() throws {
    let reader = try BundleReader(prefix: SpecVector.write())
    #expect(reader.keys == ["embeddings", "strvar"])
    #expect(reader.shardCount == 1)
    let entry = try reader.entry(forKey: "embeddings")
    #expect(entry.dtype == .float)
    #expect(entry.shape == [5, 3])
    #expect(entry.slices == [[0 ..< 3, 0 ..< 3], [3 ..< 5, 0 ..< 3]])
    // Row partitions are stored one after the other, so the full tensor is the first 60 data bytes.
    let embeddings = try reader.tensor(forKey: "embeddings")
    #expect(embeddings.shape == [5, 3])
    #expect(embeddings.bytes == Array(SpecVector.data[0 ..< 60]))
    let strings = try reader.tensor(forKey: "strvar")
    #expect(strings.dtype == .string)
    #expect(try strings.strings() == [Array("x".utf8), Array("hello".utf8), []])
}

@Test func specBundleFlippedStringBitIsCaught() throws {
    var data = SpecVector.data
    data[70] ^= 0x10  // inside "hello"
    let prefix = try SpecVector.write(data: data)
    let reader = try BundleReader(prefix: prefix)
    let error = #expect(throws: BundleError.self) { try reader.tensor(forKey: "strvar") }
    guard case let .checksumMismatch(file, key, expected, found) = error else {
        Issue.record("expected a checksum mismatch, got \(String(describing: error))")
        return
    }
    #expect(file == prefix.path + ".data-00000-of-00001")
    #expect(key == "strvar")
    #expect(expected == 0x7554_1D42)
    #expect(found != expected)
    #expect(try reader.tensor(forKey: "embeddings").elementCount == 15)
}
