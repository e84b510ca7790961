import Foundation
import Interpreter
import TFProto
import TensorBundle
import Tensors
import Testing
import TestSupport

// MARK: - Whole NASNet-A graphs (reduced hub modules) against TensorFlow

/// One reduced NASNet-A module of `Tests/Fixtures/nasnet/`, one tag set, one batch size.
struct NASNetCase: Sendable, CustomTestStringConvertible {
    let style: String
    let train: Bool
    let batch: Int
    var testDescription: String { "\(style) \(train ? "train" : "notags") b\(batch)" }
    var tagName: String { train ? "train" : "notags" }
}

let nasnetCases: [NASNetCase] = ["slim_v1_small", "slim_v3_small", "keras_small"].flatMap { style in
    [false, true].flatMap { train in [1, 2].map { NASNetCase(style: style, train: train, batch: $0) } }
}

@Test(arguments: nasnetCases)
func nasnetModuleMatchesTensorFlow(_ c: NASNetCase) throws {
    let folder = Fixtures.url("nasnet/\(c.style)")
    let savedModel = try SavedModel(
        serializedBytes: [UInt8](Data(contentsOf: folder.appendingPathComponent("module/saved_model.pb"))))
    let wanted = c.train ? ["train"] : []
    let meta = try #require(savedModel.metaGraphs.first { $0.metaInfoDef.tags.sorted() == wanted })
    let graph = try Graph(graphDef: meta.graphDef, opList: meta.metaInfoDef.strippedOpList)
    let signature = try #require(meta.signatureDef["image_feature_vector"])
    let input = try #require(signature.inputs["images"]?.name)
    let outputNames = ["default", "feature_map"]
    let fetches = try outputNames.map { try #require(signature.outputs[$0]?.name) }

    let images = try NumpyFile.read(folder.appendingPathComponent("inputs_b\(c.batch).npy"))
    let plan = try graph.plan(feeds: [input: ValueType(.float32, images.shape)], fetches: fetches)
    #expect(plan.variables.count > 50)
    let bundle = try BundleReader(prefix: folder.appendingPathComponent("module/variables/variables"))
    var variables: [String: Tensor] = [:]
    for name in plan.variables.keys {
        let stored = try bundle.tensor(forKey: name)
        variables[name] = Tensor(shape: Shape(stored.shape), scalars: try stored.floats())
    }
    let outputs = try plan.run(feeds: [input: images], variables: variables)

    for (name, output) in zip(outputNames, outputs) {
        let expected = try NumpyFile.read(folder.appendingPathComponent("ifv_\(name)_b\(c.batch)_\(c.tagName).npy"))
        #expect(output.shape == expected.shape)
        guard output.shape == expected.shape else { continue }
        let ours = output.scalars(as: Float.self)
        let theirs = expected.scalars(as: Float.self)
        let scale = theirs.map(abs).max() ?? 0
        let worst = zip(ours, theirs).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-4 * scale, "\(name): max |ours - TF| = \(worst), max |TF| = \(scale)")
    }
}
