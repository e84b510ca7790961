import Foundation
import Tensors
import TensorFlowHub
import Testing
import TestSupport

// MARK: - Hub modules whose graphs hold function libraries

/// Modules written by `Tests/Fixtures/functions/make_functions.py` (TF 2.21, tensorflow_hub 0.15).
enum FunctionFixture: String, CaseIterable, CustomStringConvertible, Sendable {
    /// Keras NASNet built without a learning phase: every batch norm is an `If` on `keras_learning_phase`.
    case kerasCond = "keras_cond_small"
    /// Nested `tf.function`s on resource variables and `tf.cond`s on constants.
    case tfFunction = "tf_function_small"

    var description: String { rawValue }
    var folder: URL { Fixtures.url("functions/\(rawValue)") }
    var inputKey: String { self == .kerasCond ? "images" : "x" }
    var outputs: [String] { self == .kerasCond ? ["default"] : ["default", "hidden", "probabilities"] }

    /// `oracle_hub.formula_inputs`: `[batch, 40, 40, 3]` images in [0, 1), or `[batch, 6]` in [-2, 2).
    func inputs(batch: Int) -> Tensor {
        let shape: Shape = self == .kerasCond ? [batch, 40, 40, 3] : [batch, 6]
        return Tensor(shape: shape, of: Float.self) { out in
            for i in 0..<out.count {
                let u = Float((UInt32(truncatingIfNeeded: i) &* 2_654_435_761 &+ 12345) >> 8) / 16_777_216
                out[i] = self == .kerasCond ? u : u * 4 - 2
            }
        }
    }
}

struct FunctionCase: CustomStringConvertible, Sendable {
    let fixture: FunctionFixture
    let train: Bool
    let batch: Int

    var description: String { "\(fixture) \(train ? "{train}" : "{}") batch \(batch)" }

    static let all: [FunctionCase] = FunctionFixture.allCases.flatMap { fixture in
        [false, true].flatMap { train in [1, 8].map { FunctionCase(fixture: fixture, train: train, batch: $0) } }
    }
}

@Test(arguments: FunctionCase.all)
func moduleWithFunctionLibraryMatchesTensorFlow(_ c: FunctionCase) throws {
    let module = try Module(url: c.fixture.folder.appendingPathComponent("module"), tags: c.train ? ["train"] : [])
    #expect(module.unsupportedOps.isEmpty, "\(module.unsupportedOps)")
    let outputs = try module([c.fixture.inputKey: c.fixture.inputs(batch: c.batch)])
    #expect(outputs.keys.sorted() == c.fixture.outputs)
    for key in c.fixture.outputs {
        let ours = try #require(outputs[key])
        let tf = try NumpyFile.read(
            c.fixture.folder.appendingPathComponent("\(key)_b\(c.batch)_\(c.train ? "train" : "notags").npy"))
        #expect(ours.shape == tf.shape, "\(key)")
        let error = relativeError(ours, tf)
        print("function-library fixture \(c) output \(key): max |ours - TF| / max |TF| = \(error)")
        #expect(error <= 1e-4, "\(key)")
    }
}

@Test func inlinedCallsLeaveNoCallOpsInTheSignatures() throws {
    for fixture in FunctionFixture.allCases {
        let module = try Module(url: fixture.folder.appendingPathComponent("module"))
        let ops = module.signatureOpHistogram
        for call in ["If", "StatelessIf", "PartitionedCall", "StatefulPartitionedCall"] {
            #expect(ops[call] == nil, "\(fixture): \(call)")
        }
        // The whole graph still holds the calls as written (initializers, other branches).
        #expect(!Set(module.opHistogram.keys).isDisjoint(with: ["If", "StatelessIf", "StatefulPartitionedCall"]))
    }
}
