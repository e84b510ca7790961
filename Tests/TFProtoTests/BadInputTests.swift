import Foundation
import Testing
import TestSupport
import TFProto

// Hand-made bad encodings give the right typed error, with the message type, field path and
// (for files) the file named.

/// Wire-format helpers: a varint, and a length-delimited field.
private func varint(_ value: UInt64) -> [UInt8] {
    var value = value, out: [UInt8] = []
    while value >= 0x80 { out.append(UInt8(value & 0x7f) | 0x80); value >>= 7 }
    return out + [UInt8(value)]
}
private func field(_ number: UInt64, _ payload: [UInt8]) -> [UInt8] {
    varint(number << 3 | 2) + varint(UInt64(payload.count)) + payload
}

private func decodeError<M: ProtoMessage>(_ type: M.Type, _ bytes: [UInt8], limits: ProtoDecodingLimits = .default) -> ProtoDecodingError? {
    do {
        _ = try M(serializedBytes: bytes, limits: limits)
        return nil
    } catch let error as ProtoDecodingError {
        return error
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}

@Test func truncatedFixtureNamesFieldAndOffset() throws {
    let bytes = [UInt8](try Data(contentsOf: Fixtures.url("proto/attrs_graph.pb")))
    let error = try #require(decodeError(GraphDef.self, Array(bytes.prefix(bytes.count / 2))))
    guard case let .malformed(type, file, path, offset, reason) = error else {
        Issue.record("expected .malformed, got \(error)"); return
    }
    #expect(type == "tensorflow.GraphDef" && file == nil)
    #expect(path.hasPrefix("node"))
    #expect(offset < bytes.count / 2)
    #expect(reason.contains("past the end"))
    #expect(error.description.contains("tensorflow.GraphDef"))
}

@Test func wrongWireTypeIsMalformed() throws {
    // NodeDef.name (field 1, a string) sent as a varint.
    let error = try #require(decodeError(NodeDef.self, [0x08, 0x01]))
    guard case let .malformed(_, _, path, offset, reason) = error else { Issue.record("got \(error)"); return }
    #expect(path == "name" && offset == 0 && reason.contains("wire type 0"))
    // GraphDef.node[0].attr entry whose AttrValue.i (field 3, int64) is length-delimited.
    let attr = field(1, Array("k".utf8)) + field(2, field(3, [0x01]))
    let nested = try #require(decodeError(GraphDef.self, field(1, field(5, attr))))
    guard case let .malformed(_, _, nestedPath, _, _) = nested else { Issue.record("got \(nested)"); return }
    #expect(nestedPath == "node.attr.value.i")
}

@Test func absurdLengthPrefixIsRejectedWithoutAllocating() throws {
    // GraphDef.node with a declared length of 2^31, then 4 bytes.
    let bytes: [UInt8] = [0x0a] + varint(1 << 31) + [1, 2, 3, 4]
    let error = try #require(decodeError(GraphDef.self, bytes))
    guard case let .malformed(_, _, _, _, reason) = error else { Issue.record("got \(error)"); return }
    #expect(reason.contains("2147483648"))
    // A 6-byte length prefix and an 11-byte varint are over-long.
    #expect(decodeError(GraphDef.self, [0x0a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]) != nil)
    #expect(decodeError(TensorShapeProto.Dim.self, [0x08] + Array(repeating: 0xff, count: 10) + [0x01]) != nil)
}

@Test(arguments: [
    ("empty tag (field 0)", [UInt8]([0x00])),
    ("start group", [0x0b, 0x0c]),
    ("end group", [0x0c]),
    ("wire type 6", [0x0e]),
    ("wire type 7", [0x0f, 0x00]),
    ("truncated fixed64", [0x09, 1, 2, 3]),
    ("truncated varint", [0x08, 0x80]),
    ("unterminated tag", [0x80]),
    ("packed fixed32 not a multiple of 4", [0x2a, 0x03, 1, 2, 3]),
])
func garbageGivesTypedError(name: String, bytes: [UInt8]) {
    // Checked as a TensorProto: field 1 is an enum (varint), field 5 packed floats.
    #expect(decodeError(TensorProto.self, bytes) != nil, "\(name) was accepted")
}

@Test func randomGarbageNeverCrashes() {
    var random = SeededGenerator(state: 42)
    var rejected = 0
    for length in 1...2_000 {
        let bytes = (0..<length % 257).map { _ in UInt8.random(in: 0...255, using: &random) }
        if decodeError(MetaGraphDef.self, bytes) != nil { rejected += 1 }
    }
    #expect(rejected > 1_500)
}

/// 100,000 messages nested in each other (TensorProto.variant_val -> VariantTensorDataProto.tensors
/// -> TensorProto -> ...): refused before libprotobuf-c recurses, in well under a second.
@Test func deepNestingIsRefused() throws {
    let levels = 100_000
    // Lengths from the innermost message out, then written outside in.
    var lengths = [Int](repeating: 0, count: levels + 1)
    for level in 1...levels { lengths[level] = 1 + varint(UInt64(lengths[level - 1])).count + lengths[level - 1] }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(lengths[levels])
    for level in stride(from: levels, to: 0, by: -1) {
        // Even levels are TensorProto (variant_val = 15), odd ones VariantTensorDataProto (tensors = 3).
        let fieldNumber: UInt64 = (levels - level) % 2 == 0 ? 15 : 3
        bytes += varint(fieldNumber << 3 | 2) + varint(UInt64(lengths[level - 1]))
    }
    let error = try #require(decodeError(TensorProto.self, bytes))
    guard case let .nestingTooDeep(type, _, path, limit) = error else { Issue.record("got \(error)"); return }
    #expect(type == "tensorflow.TensorProto" && limit == 100)
    #expect(path.hasPrefix("variant_val.tensors.variant_val"))

    // Attr nesting: AttrValue.list.func[0].attr["a"] -> AttrValue.list ... 40 rounds (160 levels).
    var attr: [UInt8] = []
    for _ in 0..<40 {
        let entry = field(1, Array("a".utf8)) + field(2, attr)
        attr = field(1, field(9, field(2, entry)))
    }
    #expect(decodeError(AttrValue.self, attr).map { if case .nestingTooDeep = $0 { true } else { false } } == true)
    // Just under the limit decodes.
    var shallow: [UInt8] = []
    for _ in 0..<20 {
        let entry = field(1, Array("a".utf8)) + field(2, shallow)
        shallow = field(1, field(9, field(2, entry)))
    }
    #expect(decodeError(AttrValue.self, shallow) == nil)
}

@Test func allocationAndSizeLimitsHold() throws {
    // 100,000 empty NodeDefs: 200 KB of input, far more once unpacked.
    let bytes = [UInt8]((0..<200_000).map { $0 % 2 == 0 ? 0x0a : 0x00 })
    let small = ProtoDecodingLimits(maxAllocatedBytes: 1 << 20)
    let error = try #require(decodeError(GraphDef.self, bytes, limits: small))
    guard case let .allocationTooLarge(_, _, estimated, limit) = error else { Issue.record("got \(error)"); return }
    #expect(estimated > limit && limit == 1 << 20)
    #expect(try GraphDef(serializedBytes: bytes).node.count == 100_000)

    let tiny = ProtoDecodingLimits(maxInputBytes: 10)
    guard case .inputTooLarge(_, _, 200_000, 10)? = decodeError(GraphDef.self, bytes, limits: tiny) else {
        Issue.record("size limit not enforced"); return
    }
}

@Test func unknownFieldsAreSkipped() throws {
    // NodeDef with name "n", then unknown fields 99 (varint), 100 (bytes), 101 (fixed32), 102 (fixed64).
    let bytes = field(1, Array("n".utf8)) + varint(99 << 3) + [0x05] + field(100, [1, 2, 3])
        + varint(101 << 3 | 5) + [1, 2, 3, 4] + varint(102 << 3 | 1) + [1, 2, 3, 4, 5, 6, 7, 8]
        + field(2, Array("Op".utf8))
    let node = try NodeDef(serializedBytes: bytes)
    #expect(node.name == "n" && node.op == "Op")
    // Unpacked encoding of a packed field is accepted too (VersionDef.bad_consumers = 3).
    let versions = try VersionDef(serializedBytes: [0x18, 0x05, 0x18, 0x07, 0x08, 0x1a])
    #expect(versions.badConsumers == [5, 7] && versions.producer == 26)
    // An unknown enum value survives.
    #expect(try TensorProto(serializedBytes: [0x08, 0xc8, 0x01]).dtype.rawValue == 200)
    #expect(try TensorProto(serializedBytes: []).dtype == .invalid)
}

@Test func fileErrorsNameTheFile() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tfproto-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let broken = directory.appendingPathComponent("saved_model.pb")
    let bytes = [UInt8](try Data(contentsOf: Fixtures.url("proto/hub_module/saved_model.pb")))
    try Data(bytes.prefix(1000)).write(to: broken)

    do {
        _ = try SavedModel(contentsOf: broken)
        Issue.record("truncated file decoded")
    } catch let error as ProtoDecodingError {
        guard case let .malformed(type, file, _, _, _) = error else { Issue.record("got \(error)"); return }
        #expect(type == "tensorflow.SavedModel" && file == broken.path)
        #expect(error.description.contains(broken.path))
    }

    let missing = directory.appendingPathComponent("missing.pb")
    do {
        _ = try ModuleDef(contentsOf: missing)
        Issue.record("missing file decoded")
    } catch let error as ProtoDecodingError {
        guard case let .unreadableFile(file, _) = error else { Issue.record("got \(error)"); return }
        #expect(file == missing.path)
    }
}
