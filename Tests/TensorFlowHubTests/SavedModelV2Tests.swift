import Foundation
import Interpreter
import Tensors
import TensorFlowHub
import Testing
import TestSupport

// MARK: - TF2 SavedModels against TensorFlow (Tests/Fixtures/savedmodel2, make_savedmodels.py)

/// A reduced tf_keras model saved with `tf.saved_model.save`, with TF's outputs after `hub.load`.
struct SavedModelV2Fixture: CustomStringConvertible, Sendable {
    let folder: URL

    static let small = ["mobilenet_v2_small", "resnet_small", "nasnet_small"].map {
        SavedModelV2Fixture(folder: Fixtures.url("savedmodel2/\($0)"))
    }

    var description: String { folder.lastPathComponent }
    var savedModel: URL { folder.appendingPathComponent("savedmodel") }

    var manifest: [String: Any] {
        get throws {
            let data = try Data(contentsOf: folder.appendingPathComponent("manifest.json"))
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        }
    }

    var imageSize: Int { get throws { try #require(try manifest["image_size"] as? Int) } }

    /// The serving signature's input and output keys (`input_1`, `global_average_pooling2d`, ...).
    var servingKeys: (input: String, output: String) {
        get throws {
            let signature = try #require(try manifest["signature"] as? [String: Any])
            return (try #require(signature["input"] as? String), try #require(signature["output"] as? String))
        }
    }

    func reference(_ callable: String, batch: Int) throws -> Tensor {
        try NumpyFile.read(folder.appendingPathComponent("\(callable)_b\(batch).npy"))
    }
}

/// `oracle_hub.formula_inputs`: `[batch, size, size, 3]` in [0, 1).
func formulaImages(batch: Int, size: Int) -> Tensor {
    Tensor(shape: [batch, size, size, 3], of: Float.self) { out in
        for i in 0..<out.count {
            out[i] = Float((UInt32(truncatingIfNeeded: i) &* 2_654_435_761 &+ 12345) >> 8) / 16_777_216
        }
    }
}

struct SavedModelV2Case: CustomStringConvertible, Sendable {
    let fixture: SavedModelV2Fixture
    let batch: Int
    var description: String { "\(fixture) batch \(batch)" }

    static let small = SavedModelV2Fixture.small.flatMap { fixture in [1, 8].map { SavedModelV2Case(fixture: fixture, batch: $0) } }
}

/// `serving_default` and `__call__` (training=False) give TF's outputs.
@Test(arguments: SavedModelV2Case.small)
func savedModelV2MatchesTensorFlow(_ c: SavedModelV2Case) throws {
    let module = try Module(url: c.fixture.savedModel)
    let images = formulaImages(batch: c.batch, size: try c.fixture.imageSize)
    let (input, output) = try c.fixture.servingKeys
    let serving = try #require(try module([input: images], signature: "serving_default")[output])
    let called = try module(images)  // the default signature: __call__
    for (name, ours) in [("serving_default", serving), ("call", called)] {
        let tf = try c.fixture.reference(name, batch: c.batch)
        #expect(ours.shape == tf.shape, "\(name)")
        let error = relativeError(ours, tf)
        print("TF2 \(c) \(name): max |ours - TF| / max |TF| = \(error)")
        #expect(error <= 1e-4, "\(name)")
    }
}

@Test(arguments: SavedModelV2Fixture.small)
func savedModelV2OffersTheSameAPIAsAHubModule(_ fixture: SavedModelV2Fixture) throws {
    let module = try Module(url: fixture.savedModel)
    let size = try fixture.imageSize
    let (input, output) = try fixture.servingKeys
    #expect(module.format == .savedModelV2)
    #expect(module.tags == ["serve"] && module.availableTagSets == [["serve"]])
    #expect(module.signatureNames == ["__call__", "serving_default"])
    #expect(module.defaultSignatureName == "__call__")
    #expect(Set(module.signatures["serving_default"]?.inputs.keys ?? [:].keys) == [input])
    #expect(Set(module.signatures["serving_default"]?.outputs.keys ?? [:].keys) == [output])
    #expect(module.signatures["__call__"]?.inputs.keys.sorted() == ["inputs"])
    #expect(module.signatures["__call__"]?.outputs.keys.sorted() == ["default"])
    for signature in [nil, "serving_default", "__call__"] {
        let (height, width) = try module.getExpectedImageSize(signature: signature)
        #expect(height == size && width == size)
        #expect(try module.getNumImageChannels(signature: signature) == 3)
    }
    #expect(module.unsupportedOps.isEmpty, "\(module.unsupportedOps)")
    #expect(module.checkSignatures().isEmpty, "\(module.checkSignatures())")
    // Every Keras variable (moving statistics too) is captured, bound once to its VarHandleOp.
    #expect(module.variableSummary.count == (try fixture.manifest["variables"] as? Int))
    // The inlined call keeps examples apart, so a batch runs in micro-batches as a TF1 module's does.
    for (signature, key) in [("__call__", "inputs"), ("serving_default", input)] {
        let plan = try module.plan(signature: signature, inputs: [key: ValueType(.float32, [8, size, size, 3])])
        #expect(plan.separableBatch == 8, "\(signature)")
    }
    let ops = module.signatureOpHistogram
    for call in ["PartitionedCall", "StatefulPartitionedCall"] { #expect(ops[call] == nil, "\(call)") }
    #expect(module.opHistogram["StatefulPartitionedCall", default: 0] > 0)
}

// MARK: - Object graph edge cases and bad input (make_edge_savedmodels.py)

private func edge(_ name: String) -> URL { Fixtures.url("savedmodel2/edge/\(name)/savedmodel") }

/// `[batch, 6]` in [-2, 2): the edge fixtures' input.
private func edgeInputs(batch: Int) -> Tensor {
    Tensor(shape: [batch, 6], of: Float.self) { out in
        for i in 0..<out.count {
            out[i] = Float((UInt32(truncatingIfNeeded: i) &* 2_654_435_761 &+ 12345) >> 8) / 16_777_216 * 4 - 2
        }
    }
}

/// A `__call__` with a `training` argument and a dict of outputs, signatures with several outputs,
/// variables in a dict whose keys need escaping in the checkpoint (`params/dense..kernel.S0`) and a
/// captured constant (a `SavedConstant`: the graph's `Const` node).
@Test(arguments: [1, 8])
func structuredCallAndSignaturesOfATFModule(batch: Int) throws {
    let module = try Module(url: edge("tiny"))
    #expect(module.signatureNames == ["__call__", "both", "serving_default"])
    let call = try #require(module.signatures["__call__"])
    #expect(call.inputs.keys.sorted() == ["x"] && call.outputs.keys.sorted() == ["hidden", "logits"])
    #expect(module.variableSummary.count == 3)
    #expect(module.trainableVariables.count == 3)
    let x = edgeInputs(batch: batch)
    let folder = edge("tiny").deletingLastPathComponent()
    for signature in ["__call__", "both", "serving_default"] {
        let outputs = try module(["x": x], signature: signature)
        let prefix = signature == "__call__" ? "call" : signature
        #expect(outputs.keys.sorted() == (signature == "serving_default" ? ["logits"] : ["hidden", "logits"]))
        for (key, ours) in outputs {
            // training=False: the call_train references (training=True adds 1) must differ.
            let tf = try NumpyFile.read(folder.appendingPathComponent("\(prefix)_\(key)_b\(batch).npy"))
            #expect(relativeError(ours, tf) <= 1e-5, "\(signature) \(key)")
            let train = try NumpyFile.read(folder.appendingPathComponent("call_train_\(key)_b\(batch).npy"))
            #expect(relativeError(ours, train) > 1e-2, "\(signature) \(key) matches training=True")
        }
    }
}

@Test func aCheckpointKeyTheObjectGraphNamesIsMissing() throws {
    let folder = edge("missing_key")
    let error = try #require(throws: ModuleError.self) { try Module(url: folder) }
    guard case let .missingCheckpointKey(file, key, field) = error else {
        Issue.record("expected missingCheckpointKey, got \(error)")
        return
    }
    #expect(file == folder.appendingPathComponent("variables/variables.index").path)
    #expect(key == "params/dense..kernel.S0/.ATTRIBUTES/VARIABLE_VALUE")
    #expect(field.contains("_CHECKPOINTABLE_OBJECT_GRAPH nodes[") && field.contains(".checkpoint_key"), "\(field)")
    #expect(field.contains("params/dense.kernel/0"), "the object path: \(field)")
}

@Test func aCheckpointWithoutItsObjectGraphIsRefused() throws {
    let folder = edge("tiny_no_object_graph")
    let error = try #require(throws: ModuleError.self) { try Module(url: folder) }
    guard case let .badObjectGraph(file, field, reason) = error else {
        Issue.record("expected badObjectGraph, got \(error)")
        return
    }
    #expect(file == folder.appendingPathComponent("variables/variables.index").path)
    #expect(field == "_CHECKPOINTABLE_OBJECT_GRAPH")
    #expect(reason.contains("not object-based"), "\(reason)")
}

/// Unsupported ops in nested library functions are listed all at once, each with its function.
@Test func unsupportedOpsAreListedWithTheirFunctions() throws {
    let folder = edge("unsupported_op")
    let module = try Module(url: folder)
    #expect(module.unsupportedOps == ["Cumsum", "Erf"])
    let error = try #require(throws: ModuleError.self) { try module(["x": edgeInputs(batch: 1)], signature: "serving_default") }
    guard case let .unsupportedOps(file, signature, ops) = error else {
        Issue.record("expected unsupportedOps, got \(error)")
        return
    }
    #expect(file == folder.appendingPathComponent("saved_model.pb").path)
    #expect(signature == "serving_default")
    let manifest = try #require(
        try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.url("savedmodel2/edge/manifest.json"))) as? [String: Any])
    let fixtures = try #require(manifest["fixtures"] as? [String: Any])
    // The library functions of saved_model.pb holding each op, as TF's protobuf reader lists them.
    let functions = try #require((fixtures["unsupported_op"] as? [String: Any])?["functions"] as? [String: String])
    #expect(functions.count == 2)
    let found = Dictionary(uniqueKeysWithValues: ops.map { ($0.op, $0.function ?? "") })
    #expect(found == functions)
    #expect("\(error)".contains("in function '__inference_inner_"), "\(error)")
    #expect(module.checkSignatures().map(\.signature) == ["serving_default"])
}

/// A saved function taking a ragged tensor cannot be called; the module's dense signature still can.
@Test func aRaggedCallIsUnusableAndNamesItsField() throws {
    let folder = edge("ragged_call")
    let module = try Module(url: folder)
    #expect(module.signatureNames == ["__call__", "serving_default"])
    #expect(module.defaultSignatureName == "serving_default")
    let x = edgeInputs(batch: 1)
    let doubled = try #require(try module(["x": x])["y"])
    #expect(maxAbsDifference(doubled, Tensor(shape: [1, 6], scalars: x.scalars(as: Float.self).map { $0 * 2 })) == 0)
    let error = try #require(throws: ModuleError.self) { try module(["x": x], signature: "__call__") }
    guard case let .unsupportedSignature(file, field, reason) = error else {
        Issue.record("expected unsupportedSignature, got \(error)")
        return
    }
    #expect(file == folder.appendingPathComponent("saved_model.pb").path)
    #expect(field.contains("canonicalized_input_signature args[0]"), "\(field)")
    #expect(reason.contains("RaggedTensorSpec"), "\(reason)")
    #expect(module.checkSignatures().map(\.signature) == ["__call__"])
}

@Test func aCompositeSignatureInputIsUnusableAndNamesItsField() throws {
    let folder = edge("composite_signature")
    let module = try Module(url: folder)
    #expect(module.signatureNames == ["__call__", "ragged", "serving_default"])
    let error = try #require(throws: ModuleError.self) { try module(["x": edgeInputs(batch: 1)], signature: "ragged") }
    guard case let .unsupportedSignature(file, field, reason) = error else {
        Issue.record("expected unsupportedSignature, got \(error)")
        return
    }
    #expect(file == folder.appendingPathComponent("saved_model.pb").path)
    #expect(field == "signature_def['ragged'].inputs['x']")
    #expect(reason.contains("composite tensor (RaggedTensorSpec)"), "\(reason)")
}

/// A `__call__` capturing a lookup table (a resource) cannot be called here; the dense signature can.
@Test func aCallCapturingAResourceIsUnusableAndSaysWhy() throws {
    let folder = edge("table_call")
    let module = try Module(url: folder)
    #expect(module.signatureNames == ["__call__", "serving_default"])
    #expect(module.defaultSignatureName == "serving_default")
    let x = edgeInputs(batch: 2)
    let tripled = try #require(try module(["x": x])["y"])
    #expect(maxAbsDifference(tripled, Tensor(shape: [2, 6], scalars: x.scalars(as: Float.self).map { $0 * 3 })) == 0)
    let error = try #require(throws: ModuleError.self) { try module(["x": x], signature: "__call__") }
    guard case let .badObjectGraph(file, field, reason) = error else {
        Issue.record("expected badObjectGraph, got \(error)")
        return
    }
    #expect(file == folder.appendingPathComponent("saved_model.pb").path)
    #expect(field.contains("bound_inputs"), "\(field)")
    #expect(reason.contains("a resource") && reason.contains("table"), "\(reason)")
}
