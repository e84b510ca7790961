import Foundation
import Tensors
import TensorFlowHubTraining
import TestSupport
import Testing

/// TensorFlow itself loads our exports (`Tests/Fixtures/export/check_export.py`: tensorflow_hub 0.15's
/// `hub.Module` and `tf.compat.v1.saved_model.loader.load`, both tag sets) and computes our logits and
/// features. Needs TensorFlow, so it runs only with `TFHUB_FULL_TESTS=1` (scripts/test-full, which
/// passes the oracle venv's interpreter as `PYTHON`).
let tensorflowChecksEnabled = ProcessInfo.processInfo.environment["TFHUB_FULL_TESTS"] == "1"

/// The reduced fixtures, and the shipped full-size module (1056 features, 224 x 224).
private let cases = exportCases + [ExportCase(style: "shipped NASNet-A mobile", imageSize: 224)]

@Test(.enabled(if: tensorflowChecksEnabled), arguments: cases)
func tensorflowLoadsTheExport(_ c: ExportCase) throws {
    let source = c.imageSize == 224 ? Fixtures.repositoryRoot.appendingPathComponent("Modules/nasnet_mobile_feature_vector") : c.source
    let (output, _, _) = try export(c, from: source)
    try expectTensorFlowComputesOurOutputs(output, imageSize: c.imageSize, what: "\(c)")
}

/// Runs check_export.py on `module` with what `Module(url:)` computes from it for the formula images
/// (batch 2, `imageSize` x `imageSize`), for both tag sets.
func expectTensorFlowComputesOurOutputs(_ module: URL, imageSize: Int, what: String) throws {
    let ours = try temporaryFolder()
    let images = ExportFormulas.images(size: imageSize)
    for (tags, suffix) in [(Set<String>(), "notags"), (["train"], "train")] {
        let loaded = try Module(url: module, tags: tags)
        try NumpyFile.write(try loaded(images, signature: "image_classification"), to: ours.appendingPathComponent("logits_\(suffix).npy"))
        try NumpyFile.write(try loaded(images, signature: "image_feature_vector"), to: ours.appendingPathComponent("features_\(suffix).npy"))
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [ProcessInfo.processInfo.environment["PYTHON"] ?? "python3",
                         Fixtures.url("export/check_export.py").path, "--module", module.path, "--ours", ours.path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let report = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "check_export.py on the \(what) export:\n\(report)")
    print("check_export.py (\(what)):\n\(report)")
}
