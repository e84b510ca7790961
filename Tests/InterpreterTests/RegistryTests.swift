import Foundation
import Interpreter
import TFProto
import Testing
import TestSupport

// MARK: - The registry against TensorFlow and the docs

@Test func builtInDefaultsMatchTensorFlow() throws {
    let bytes = try [UInt8](Data(contentsOf: Fixtures.url("ops/op_defs.pb")))
    let opList = try OpList(serializedBytes: bytes)
    let mismatches = Graph.builtInDefaultMismatches(comparedWith: opList)
    #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
}

/// `Docs/supported-ops.md` lists exactly the registry's ops: one table row per op, op name first.
@Test func supportedOpsDocumentMatchesTheRegistry() throws {
    let url = Fixtures.repositoryRoot.appendingPathComponent("Docs/supported-ops.md")
    let text = try String(contentsOf: url, encoding: .utf8)
    var documented: [String] = []
    for line in text.split(separator: "\n") where line.hasPrefix("| `") {
        let cell = line.dropFirst(3).prefix { $0 != "`" }
        documented.append(String(cell))
    }
    #expect(documented.count == Set(documented).count, "an op is listed twice")
    let registered = Graph.supportedOps
    #expect(Set(documented).subtracting(registered).sorted() == [], "documented but not implemented")
    #expect(Set(registered).subtracting(documented).sorted() == [], "implemented but not documented")
}
