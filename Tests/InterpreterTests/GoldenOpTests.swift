import Foundation
import Interpreter
import TFProto
import Tensors
import Testing
import TestSupport

// MARK: - Per-op golden cases from TensorFlow 2.21

/// One case of a `Tests/Fixtures/ops/<family>/manifest.json` (written by `make_golden_*.py`).
struct GoldenCase: Sendable, CustomTestStringConvertible {
    struct Manifest: Decodable {
        let family: String
        let cases: [Entry]
    }

    struct Entry: Decodable, Sendable {
        let name: String
        let op: String
        let graph: String
        let feeds: [TensorEntry]
        let variables: [VariableEntry]
        let fetches: [TensorEntry]
        let compare: String
        /// `"as_written"`: TF ran with grappler's remapper off; the interpreter plans the graph as written.
        var plan: String? = nil
    }

    struct TensorEntry: Decodable, Sendable {
        let tensor: String
        let file: String?
        let strings: [String]?
        let shape: [Int]?
    }

    struct VariableEntry: Decodable, Sendable {
        let name: String
        let file: String
    }

    let family: String
    let directory: URL
    let entry: Entry

    var testDescription: String { "\(family)/\(entry.name)" }

    /// Every case of every family under `Tests/Fixtures/ops/`.
    static func all() -> [GoldenCase] {
        let root = Fixtures.url("ops")
        let families = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return families.sorted().flatMap { family -> [GoldenCase] in
            let directory = root.appendingPathComponent(family)
            guard let data = try? Data(contentsOf: directory.appendingPathComponent("manifest.json")),
                  let manifest = try? JSONDecoder().decode(Manifest.self, from: data)
            else { return [] }
            return manifest.cases.map { GoldenCase(family: manifest.family, directory: directory, entry: $0) }
        }
    }

    func tensor(_ entry: TensorEntry) throws -> Tensor {
        if let file = entry.file { return try NumpyFile.read(directory.appendingPathComponent(file)) }
        let strings = (entry.strings ?? []).map { Array($0.utf8) }
        return Tensor(shape: Shape(entry.shape ?? [strings.count]), strings: strings)
    }
}

@Test func goldenCasesArePresent() {
    let cases = GoldenCase.all()
    #expect(cases.count > 100)
    #expect(Set(cases.map(\.family)).contains("array"))
}

@Test(arguments: GoldenCase.all())
func goldenOp(_ golden: GoldenCase) throws {
    let bytes = try [UInt8](Data(contentsOf: golden.directory.appendingPathComponent(golden.entry.graph)))
    let graph = try Graph(graphDef: GraphDef(serializedBytes: bytes))
    var feeds: [String: Tensor] = [:]
    for feed in golden.entry.feeds { feeds[feed.tensor] = try golden.tensor(feed) }
    var variables: [String: Tensor] = [:]
    for variable in golden.entry.variables {
        variables[variable.name] = try NumpyFile.read(golden.directory.appendingPathComponent(variable.file))
    }
    let outputs = try graph.run(feeds: feeds, fetches: golden.entry.fetches.map(\.tensor), variables: variables,
                                options: PlanOptions(optimize: golden.entry.plan != "as_written"))
    for (fetch, output) in zip(golden.entry.fetches, outputs) {
        let expected = try golden.tensor(fetch)
        expectMatches(output, expected, exact: golden.entry.compare == "exact", label: fetch.tensor)
    }
}

// MARK: - Comparison

/// Exact equality for integer, bool and string tensors; floats within 1e-5 of the largest |expected|.
func expectMatches(_ actual: Tensor, _ expected: Tensor, exact: Bool, label: String) {
    #expect(actual.elementType == expected.elementType, "\(label): element type")
    #expect(actual.shape == expected.shape, "\(label): shape")
    guard actual.elementType == expected.elementType, actual.shape == expected.shape else { return }
    switch expected.elementType {
    case .string:
        #expect(actual.strings == expected.strings, "\(label): strings")
    case .float32:
        compareFloats(actual.scalars(as: Float.self).map(Double.init),
                      expected.scalars(as: Float.self).map(Double.init), exact: exact, label: label)
    case .float64:
        compareFloats(actual.scalars(as: Double.self), expected.scalars(as: Double.self), exact: exact, label: label)
    default:
        let same = actual.withUnsafeBytes { a in expected.withUnsafeBytes { b in a.elementsEqual(b) } }
        #expect(same, "\(label): elements differ")
    }
}

private func compareFloats(_ actual: [Double], _ expected: [Double], exact: Bool, label: String) {
    let scale = expected.filter(\.isFinite).map(abs).max() ?? 0
    let tolerance = exact ? 0 : 1e-5 * scale
    var worst = 0.0
    var mismatches = 0
    var firstOff: [String] = []
    for (index, (a, e)) in zip(actual, expected).enumerated() {
        let off: Bool
        if e.isNaN || !e.isFinite {
            off = !(a.isNaN && e.isNaN) && a != e
        } else {
            let difference = abs(a - e)
            off = !(difference <= tolerance)
            worst = max(worst, difference.isNaN ? .infinity : difference)
        }
        if off {
            mismatches += 1
            if firstOff.count < 3 { firstOff.append("[\(index)] \(a) for \(e)") }
        }
    }
    #expect(mismatches == 0, """
        \(label): \(mismatches) elements off (\(firstOff.joined(separator: ", "))), worst finite |diff| \(worst), \
        tolerance \(tolerance)
        """)
}
