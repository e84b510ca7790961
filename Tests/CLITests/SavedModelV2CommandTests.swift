import Foundation
import Tensors
import Testing
import TestSupport

// MARK: - tfhub info / run on a TF2 SavedModel

private let savedModel = Fixtures.url("savedmodel2/mobilenet_v2_small/savedmodel")

@Test func infoSaysItReadATF2SavedModel() throws {
    let result = try CLIRunner.run(["info", savedModel.path])
    #expect(result.status == 0, "\(result.stderr)")
    for text in ["format:      TF2 SavedModel", "loaded: {serve}", "signature '__call__' (default):",
                 "signature 'serving_default':", "input  input_1: DT_FLOAT [?, 32, 32, 3]", "image size:  32 x 32",
                 "unsupported: none", "every signature plans"] {
        #expect(result.stdout.contains(text), "missing '\(text)' in:\n\(result.stdout)")
    }
}

/// `tfhub run` takes the default signature (`__call__`) or a named one, and writes TF's numbers.
@Test(arguments: [(nil, "inputs", "call"), ("serving_default", "input_1", "serving_default")] as [(String?, String, String)])
func runOnATF2SavedModelMatchesTensorFlow(signature: String?, input: String, reference: String) throws {
    let folder = try CLIRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let images = Tensor(shape: [8, 32, 32, 3], of: Float.self) { out in
        for i in 0..<out.count {
            out[i] = Float((UInt32(truncatingIfNeeded: i) &* 2_654_435_761 &+ 12345) >> 8) / 16_777_216
        }
    }
    let inputFile = folder.appendingPathComponent("images.npy")
    try NumpyFile.write(images, to: inputFile)
    let output = folder.appendingPathComponent("out.npy")
    let result = try CLIRunner.run(
        ["run", savedModel.path, "--input", "\(input)=\(inputFile.path)", "-o", output.path]
            + (signature.map { ["--signature", $0] } ?? []))
    #expect(result.status == 0, "\(result.stderr)")
    let tf = try NumpyFile.read(savedModel.deletingLastPathComponent().appendingPathComponent("\(reference)_b8.npy"))
    #expect(relativeError(try NumpyFile.read(output), tf) <= 1e-4)
}
