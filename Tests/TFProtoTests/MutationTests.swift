import Foundation
import Testing
import TestSupport
import TFProto

// Every fixture, truncated at many offsets and with random bytes changed (seeded), decodes to a
// value or a ProtoDecodingError: never a crash, a hang or another error type.

/// SplitMix64: a small seeded generator so every run mutates the same way.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

struct MutationFixture: CustomTestStringConvertible, Sendable {
    let name: String
    let bytes: [UInt8]
    let decode: @Sendable (UnsafeRawBufferPointer) throws -> Void
    var testDescription: String { "\(name) (\(bytes.count) bytes)" }
}

private func load(_ path: String) -> [UInt8] {
    (try? Data(contentsOf: Fixtures.url("proto/" + path))).map { [UInt8]($0) } ?? []
}

/// Bytes of the first entry of a base64 list fixture (nested.json / bundle.json) with `type`.
private func embedded(_ file: String, type: String) -> [UInt8] {
    guard let list = try? JSONValue.load(Fixtures.url("proto/" + file)).arrayValue,
          let entry = list.first(where: { $0["type"]?.stringValue == type }),
          let data = Data(base64Encoded: entry["bytes"]?.stringValue ?? "") else { return [] }
    return [UInt8](data)
}

/// The checkpoint object graph of tf2_object_graph.json.
private func objectGraphBytes() -> [UInt8] {
    guard let entry = try? JSONValue.load(Fixtures.url("proto/tf2_object_graph.json")),
          let data = Data(base64Encoded: entry["bytes"]?.stringValue ?? "") else { return [] }
    return [UInt8](data)
}

private func decoder<M: ProtoMessage>(_ type: M.Type) -> @Sendable (UnsafeRawBufferPointer) throws -> Void {
    { _ = try M(serializedBytes: $0) }
}

let mutationFixtures: [MutationFixture] = [
    MutationFixture(name: "attrs_graph.pb", bytes: load("attrs_graph.pb"), decode: decoder(GraphDef.self)),
    MutationFixture(name: "saved_model.pb", bytes: load("hub_module/saved_model.pb"), decode: decoder(SavedModel.self)),
    MutationFixture(name: "tfhub_module.pb", bytes: load("hub_module/tfhub_module.pb"), decode: decoder(ModuleDef.self)),
    MutationFixture(name: "tf2 saved_model.pb", bytes: load("tf2_module/saved_model.pb"), decode: decoder(SavedModel.self)),
    MutationFixture(
        name: "TrackableObjectGraph",
        bytes: objectGraphBytes(),
        decode: decoder(TrackableObjectGraph.self)),
    MutationFixture(name: "VariableDef", bytes: embedded("nested.json", type: "tensorflow.VariableDef"),
                    decode: decoder(VariableDef.self)),
    MutationFixture(name: "ModuleAttachment", bytes: embedded("nested.json", type: "tensorflow_hub.ModuleAttachment"),
                    decode: decoder(ModuleAttachment.self)),
    MutationFixture(name: "ImageModuleInfo", bytes: embedded("nested.json", type: "tensorflow_hub.ImageModuleInfo"),
                    decode: decoder(ImageModuleInfo.self)),
    MutationFixture(name: "BundleHeaderProto", bytes: embedded("bundle.json", type: "tensorflow.BundleHeaderProto"),
                    decode: decoder(BundleHeaderProto.self)),
    MutationFixture(name: "BundleEntryProto", bytes: embedded("bundle.json", type: "tensorflow.BundleEntryProto"),
                    decode: decoder(BundleEntryProto.self)),
]

/// Mutated inputs per fixture.
let mutationsPerFixture = 10_000

@Test(arguments: mutationFixtures)
func mutatedFixturesNeverCrash(fixture: MutationFixture) throws {
    try #require(!fixture.bytes.isEmpty, "fixture missing")
    var random = SeededGenerator(state: UInt64(fixture.bytes.count) &* 0x5DEECE66D)
    var decoded = 0, rejected = 0
    var buffer = fixture.bytes
    let started = ContinuousClock.now

    func run(_ input: ArraySlice<UInt8>) {
        do {
            try input.withUnsafeBytes { try fixture.decode($0) }
            decoded += 1
        } catch is ProtoDecodingError {
            rejected += 1
        } catch {
            Issue.record("\(fixture.name): unexpected error type \(type(of: error)): \(error)")
        }
    }

    // 1. Truncations at evenly spread offsets (every offset for small fixtures).
    let truncations = min(fixture.bytes.count, mutationsPerFixture / 5)
    for i in 0..<truncations {
        run(fixture.bytes[0..<(i * fixture.bytes.count / truncations)])
    }
    // 2. Random byte changes (1-4 bytes: random values or single-bit flips), sometimes also cut
    //    short. Each mutant is undone in place afterwards, so no copy per input.
    for _ in truncations..<mutationsPerFixture {
        var changed: [(Int, UInt8)] = []
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let at = Int.random(in: 0..<buffer.count, using: &random)
            changed.append((at, buffer[at]))
            buffer[at] = Bool.random(using: &random)
                ? UInt8.random(in: 0...255, using: &random) : buffer[at] ^ (1 << UInt8.random(in: 0..<8, using: &random))
        }
        let end = Int.random(in: 0..<8, using: &random) == 0 ? Int.random(in: 0...buffer.count, using: &random) : buffer.count
        run(buffer[0..<end])
        for (at, original) in changed.reversed() { buffer[at] = original }
    }
    #expect(decoded + rejected == mutationsPerFixture)
    #expect(rejected > 0, "\(fixture.name): no mutant was rejected")
    print("mutation \(fixture.name): \(mutationsPerFixture) inputs, \(decoded) decoded, \(rejected) typed errors, "
          + "\(ContinuousClock.now - started)")
}
