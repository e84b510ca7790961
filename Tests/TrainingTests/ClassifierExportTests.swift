import Foundation
import Tensors
import TensorFlowHubTraining
import TestSupport
import Testing

// Exports of the reduced NASNet fixture modules (slim v1: VariableV2; slim v3: resource variables) with
// perturbed body variables and a random head, loaded back by Module(url:) and compared with TensorFlow's
// numbers for the same module, perturbation and head (Tests/Fixtures/export/).

struct ExportCase: CustomStringConvertible, Sendable {
    let style: String
    var imageSize = ExportFormulas.imageSize
    var description: String { style }
    var source: URL { Fixtures.url("nasnet/\(style)/module") }
    var references: URL { Fixtures.url("export/\(style)") }
}

let exportCases = [ExportCase(style: "slim_v1_small"), ExportCase(style: "slim_v3_small")]

/// Exports `c.source` with perturbed variables and the formula head; returns the folder and what went in.
func export(_ c: ExportCase, from sourceFolder: URL? = nil) throws -> (module: URL, variables: [String: Tensor], head: ClassifierHead) {
    let sourceFolder = sourceFolder ?? c.source
    let source = try Module(url: sourceFolder)
    let variables = ExportFormulas.perturbed(source.variableValues)
    let features = try #require(source.signature("image_feature_vector")?.outputs["default"]?.shape?.last ?? nil)
    let head = ExportFormulas.head(features: features)
    let output = try temporaryFolder().appendingPathComponent("tuned")
    try ClassifierModuleWriter(source: sourceFolder).write(to: output, variables: variables, head: head)
    return (output, variables, head)
}

@Test(arguments: exportCases)
func exportedModuleMatchesTensorFlow(_ c: ExportCase) throws {
    let (output, _, head) = try export(c)
    let images = ExportFormulas.images()
    for (tags, suffix) in [(Set<String>(), "notags"), (["train"], "train")] {
        let module = try Module(url: output, tags: tags)
        #expect(module.signatureNames == ["default", "image_classification", "image_feature_vector"])
        let logits = try #require(try module(["images": images], signature: "image_classification")["default"])
        let features = try #require(try module(["images": images], signature: "image_feature_vector")["default"])
        #expect(logits.shape == [ExportFormulas.batch, ExportFormulas.classCount])
        // The head is features @ W + b of the module's own features...
        #expect(relativeError(logits, ExportFormulas.logits(features: features, head: head)) <= 1e-5, "\(c) \(suffix)")
        // ... `default` is the same tensor ...
        let defaultLogits = try module(images)
        #expect(defaultLogits.scalars(as: Float.self) == logits.scalars(as: Float.self))
        // ... and both equal TensorFlow's for the same body perturbation and head.
        let tfFeatures = try NumpyFile.read(c.references.appendingPathComponent("features_\(suffix).npy"))
        let tfLogits = try NumpyFile.read(c.references.appendingPathComponent("logits_\(suffix).npy"))
        #expect(relativeError(features, tfFeatures) <= 1e-4, "\(c) \(suffix) features")
        #expect(relativeError(logits, tfLogits) <= 1e-4, "\(c) \(suffix) logits")
        #expect(try module.getExpectedImageSize() == (40, 40))
    }
}

/// The exported feature vector is the perturbed body's: the source graph run with the new variables.
@Test(arguments: exportCases)
func exportedFeaturesAreThePerturbedBodys(_ c: ExportCase) throws {
    let (output, variables, _) = try export(c)
    let images = ExportFormulas.images()
    for tags in [Set<String>(), ["train"]] {
        let source = try Module(url: c.source, tags: tags)
        let plan = try source.plan(
            signature: "image_feature_vector", inputs: ["images": ValueType(.float32, images.shape)],
            options: PlanOptions(optimize: false))
        var values = source.variableValues
        values.merge(variables) { $1 }
        let expected = try plan.run(feeds: ["images:0": images], variables: values)[0]  // outputs sorted: default first
        let exported = try Module(url: output, tags: tags)
        let features = try #require(try exported(["images": images], signature: "image_feature_vector")["default"])
        #expect(relativeError(features, expected) <= 1e-5, "\(c) \(tags)")
        let unperturbed = try #require(try source(["images": images], signature: "image_feature_vector")["default"])
        #expect(relativeError(unperturbed, expected) > 1e-3, "the perturbation changes the features")
    }
}

@Test(arguments: exportCases)
func exportedFolderHoldsTheModuleFiles(_ c: ExportCase) throws {
    let (output, variables, head) = try export(c)
    let files = FileManager.default
    #expect(try Array(Data(contentsOf: output.appendingPathComponent("tfhub_module.pb"))) == [0x08, 0x03])
    let labels = try String(contentsOf: output.appendingPathComponent("assets/labels.txt"), encoding: .utf8)
    #expect(labels == head.classNames.map { $0 + "\n" }.joined())
    #expect(try files.contentsOfDirectory(atPath: output.appendingPathComponent("variables").path).sorted()
            == ["variables.data-00000-of-00001", "variables.index"])
    // No temporary folder is left next to the output.
    #expect(try files.contentsOfDirectory(atPath: output.deletingLastPathComponent().path) == ["tuned"])

    // The checkpoint holds the new values, the untouched ones, and the head.
    let reader = try BundleReader(prefix: output.appendingPathComponent("variables/variables"))
    let source = try BundleReader(prefix: c.source.appendingPathComponent("variables/variables"))
    #expect(Set(reader.keys) == Set(source.keys).union(["classifier/weights", "classifier/biases"]))
    for (key, tensor) in variables {
        #expect(try reader.tensor(forKey: key).floats() == tensor.scalars(as: Float.self), "\(key)")
    }
    #expect(try reader.tensor(forKey: "classifier/weights").floats() == head.weights.scalars(as: Float.self))
    #expect(try reader.tensor(forKey: "classifier/biases").shape == [ExportFormulas.classCount])

    // Both graph variants have the head's variables in their collections, in the body's style.
    let model = try SavedModel(contentsOf: output.appendingPathComponent("saved_model.pb"))
    let sourceModel = try SavedModel(contentsOf: c.source.appendingPathComponent("saved_model.pb"))
    #expect(model.metaGraphs.map(\.metaInfoDef.tags) == sourceModel.metaGraphs.map(\.metaInfoDef.tags))
    for (meta, sourceMeta) in zip(model.metaGraphs, sourceModel.metaGraphs) {
        let resource = c.style == "slim_v3_small"
        for collection in ["variables", "trainable_variables"] {
            guard case .bytesList(let values)? = meta.collectionDef[collection]?.kind,
                  case .bytesList(let sourceValues)? = sourceMeta.collectionDef[collection]?.kind
            else { Issue.record("\(collection) is not a bytes_list"); continue }
            #expect(Array(values.prefix(sourceValues.count)) == sourceValues)
            let added = try values.dropFirst(sourceValues.count).map { try VariableDef(serializedBytes: $0) }
            #expect(added.map(\.variableName) == ["classifier/weights:0", "classifier/biases:0"])
            #expect(added.allSatisfy { $0.isResource == resource && $0.trainable })
        }
        let ops = Set(meta.graphDef.node.filter { $0.name.hasPrefix("classifier/") }.map(\.op))
        #expect(ops.contains(resource ? "VarHandleOp" : "VariableV2"))
        let listed = meta.metaInfoDef.strippedOpList.op.map(\.name)
        #expect(listed == listed.sorted() && ops.isSubset(of: Set(listed)))
        // Everything the source had is still there.
        #expect(Array(meta.graphDef.node.prefix(sourceMeta.graphDef.node.count)) == sourceMeta.graphDef.node)
        for key in sourceMeta.collectionDef.keys where !["variables", "trainable_variables"].contains(key) {
            #expect(meta.collectionDef[key] == sourceMeta.collectionDef[key], "\(key)")
        }
        #expect(meta.signatureDef["image_feature_vector"] == sourceMeta.signatureDef["image_feature_vector"])
        let logits = try #require(meta.signatureDef["image_classification"]?.outputs["default"])
        #expect(logits.tensorShape.dims == [-1, Int64(ExportFormulas.classCount)] && logits.dtype == .float)
    }
}

// MARK: - Refusals

@Test func exportRefusesAnExistingOutputUnlessOverwriting() throws {
    let c = exportCases[0]
    let (output, variables, head) = try export(c)
    let writer = try ClassifierModuleWriter(source: c.source)
    #expect(throws: ModuleExportError.outputExists(path: output.path)) {
        try writer.write(to: output, variables: variables, head: head)
    }
    // Overwriting replaces it with the new module (here: another class list).
    var renamed = head
    renamed.classNames = head.classNames.map { $0.uppercased() }
    try writer.write(to: output, head: renamed, overwrite: true)
    let labels = try String(contentsOf: output.appendingPathComponent("assets/labels.txt"), encoding: .utf8)
    #expect(labels.hasPrefix("CLASS 0"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: output.deletingLastPathComponent().path) == ["tuned"])
}

@Test func exportRefusesBadHeadsAndVariables() throws {
    let c = exportCases[1]
    let writer = try ClassifierModuleWriter(source: c.source)
    let folder = try temporaryFolder()
    let output = folder.appendingPathComponent("out")
    let head = ExportFormulas.head(features: 192)
    let index = c.source.appendingPathComponent("variables/variables.index").path

    var narrow = head
    narrow.weights = Tensor(shape: [100, ExportFormulas.classCount], scalars: [Float](repeating: 0, count: 500))
    #expect(throws: ModuleExportError.badHead(
        detail: "weights [100, 5] take 100 features, but the module's feature vector has 192")) {
        try writer.write(to: output, head: narrow)
    }
    var unnamed = head
    unnamed.classNames.removeLast()
    #expect(throws: ModuleExportError.badHead(detail: "4 class names for 5 classes")) { try writer.write(to: output, head: unnamed) }
    var multiline = head
    multiline.classNames[0] = "a\nb"
    #expect(throws: ModuleExportError.self) { try writer.write(to: output, head: multiline) }
    var biases = head
    biases.biases = Tensor(shape: [4], scalars: [Float](repeating: 0, count: 4))
    #expect(throws: ModuleExportError.badHead(detail: "biases must be float32 [5], found float32 [4]")) {
        try writer.write(to: output, head: biases)
    }
    #expect(throws: ModuleExportError.unknownVariable(key: "no/such/variable", checkpoint: index)) {
        try writer.write(to: output, variables: ["no/such/variable": Tensor(Float(1))], head: head)
    }
    #expect(throws: ModuleExportError.variableMismatch(key: "conv0/weights", expected: "DT_FLOAT [3, 3, 3, 32]", found: "DT_FLOAT [3]")) {
        try writer.write(to: output, variables: ["conv0/weights": Tensor(shape: [3], scalars: [Float](repeating: 0, count: 3))], head: head)
    }
    #expect(throws: ModuleExportError.variableMismatch(key: "conv0/weights", expected: "DT_FLOAT [3, 3, 3, 32]", found: "DT_INT32 []")) {
        try writer.write(to: output, variables: ["conv0/weights": Tensor(Int32(1))], head: head)
    }
    // Nothing was left behind by the refused exports.
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)

    // A module that already has a classifier head cannot get a second one.
    let (tuned, _, _) = try export(c)
    #expect(throws: ModuleExportError.nameClash(
        name: "classifier/weights/Initializer/zeros", file: tuned.appendingPathComponent("saved_model.pb").path)) {
        try ClassifierModuleWriter(source: tuned).write(to: folder.appendingPathComponent("again"), head: head)
    }
}

/// An export that fails after files were written (here: the source's assets already hold a
/// `labels.txt`) leaves nothing behind: no output, no temporary folder.
@Test func failedExportLeavesNoFiles() throws {
    let c = exportCases[0]
    let copy = try temporaryFolder().appendingPathComponent("module")
    try FileManager.default.copyItem(at: c.source, to: copy)
    try FileManager.default.createDirectory(at: copy.appendingPathComponent("assets"), withIntermediateDirectories: true)
    try Data("old\n".utf8).write(to: copy.appendingPathComponent("assets/labels.txt"))
    let folder = try temporaryFolder()
    #expect(throws: ModuleExportError.nameClash(name: "assets/labels.txt", file: copy.path)) {
        try ClassifierModuleWriter(source: copy).write(to: folder.appendingPathComponent("out"), head: ExportFormulas.head(features: 192))
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
}

@Test func tensorsWriteAsACheckpoint() throws {
    let prefix = try temporaryFolder().appendingPathComponent("variables/variables")
    let tensors: [String: Tensor] = [
        "dense/kernel": Tensor(shape: [2, 3], scalars: (0 ..< 6).map { Float($0) / 4 }),
        "global_step": Tensor(Int64(1234)),
        "words": Tensor(shape: [3], strings: [Array("a".utf8), [], [0xFF]]),
        "mask": Tensor(shape: [2], scalars: [true, false]),
    ]
    try BundleWriter.write(tensors, to: prefix)
    let reader = try BundleReader(prefix: prefix)
    #expect(reader.keys == ["dense/kernel", "global_step", "mask", "words"])
    #expect(try reader.tensor(forKey: "dense/kernel").floats() == tensors["dense/kernel"]!.scalars(as: Float.self))
    #expect(try reader.tensor(forKey: "dense/kernel").shape == [2, 3])
    #expect(try reader.tensor(forKey: "global_step").int64s() == [1234])
    #expect(try reader.tensor(forKey: "mask").dtype == .bool)
    #expect(try reader.tensor(forKey: "words").strings() == [Array("a".utf8), [], [0xFF]])
}
