import Foundation
import Tensors
import Testing
import TestSupport

private let fixture = Fixtures.url("nasnet/slim_v3_small")

@Test func runWritesNpzWithEveryOutputMatchingTensorFlow() throws {
    let folder = try CLIRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("out.npz")
    let result = try CLIRunner.run([
        "run", fixture.appendingPathComponent("module").path, "--signature", "image_feature_vector",
        "--input", "images=" + fixture.appendingPathComponent("inputs_b2.npy").path, "-o", output.path,
    ])
    #expect(result.status == 0, "\(result.stderr)")
    // Unpack with the system's unzip-free route: numpy's npz is a stored zip; read our entries back.
    let unzip = Process()
    unzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    unzip.arguments = ["python3", "-c", "import zipfile,sys; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])",
                       output.path, folder.path]
    try unzip.run()
    unzip.waitUntilExit()
    #expect(unzip.terminationStatus == 0)
    for key in ["default", "feature_map"] {
        let ours = try NumpyFile.read(folder.appendingPathComponent("\(key).npy"))
        let tf = try NumpyFile.read(fixture.appendingPathComponent("ifv_\(key)_b2_notags.npy"))
        #expect(ours.shape == tf.shape)
        #expect(relativeError(ours, tf) <= 1e-4)
    }
}

@Test func runRefusesNpyForSeveralOutputs() throws {
    let result = try CLIRunner.run([
        "run", fixture.appendingPathComponent("module").path, "--signature", "image_feature_vector",
        "--input", "images=" + fixture.appendingPathComponent("inputs_b1.npy").path, "-o", "/tmp/never-written.npy",
    ])
    #expect(result.status != 0)
    #expect(result.stderr.contains("npz"))
}

@Test func infoListsSignaturesAndTrainTags() throws {
    let result = try CLIRunner.run(["info", fixture.appendingPathComponent("module").path, "--tags", "train", "--ops"])
    #expect(result.status == 0, "\(result.stderr)")
    for text in ["signature 'default'", "signature 'image_feature_vector'", "DT_FLOAT [?, 40, 40, 3]",
                 "image size:  40 x 40", "loaded: {train}", "FusedBatchNormV3", "unsupported: none"] {
        #expect(result.stdout.contains(text), "missing '\(text)' in:\n\(result.stdout)")
    }
}

@Test func missingModuleFailsWithAMessage() throws {
    let result = try CLIRunner.run(["info", "/nonexistent/module/folder"])
    #expect(result.status != 0)
    #expect(result.stderr.contains("/nonexistent/module/folder"))
}
