import Foundation
import Interpreter
import Tensors
import TensorFlowHub
import Testing
import TestSupport

// MARK: - Hub modules whose signatures call library functions (Tests/Fixtures/functions/make_functions.py)

/// `oracle_hub.formula_inputs(batch, 1, 1, c=6)` reshaped to `[batch, 6]`, times 4, minus 2.
private func functionFixtureInputs(batch: Int) -> Tensor {
    let values = (0..<(batch * 6)).map { i -> Float in
        let x = UInt32(truncatingIfNeeded: UInt64(i) &* 2_654_435_761 &+ 12_345)
        return Float(x >> 8) / Float(1 << 24) * 4 - 2
    }
    return Tensor(shape: [batch, 6], scalars: values)
}

/// A module built in `module_fn` around nested `tf.function`s on resource variables and a `tf.cond`
/// on a constant: its signature runs through `StatefulPartitionedCall` and `StatelessIf`, which are
/// inlined at load; every output equals TensorFlow's.
@Test(arguments: [false, true], [1, 8])
func moduleWhoseSignatureCallsFunctionsMatchesTensorFlow(train: Bool, batch: Int) throws {
    let folder = Fixtures.url("functions/tf_function_small")
    let module = try Module(url: folder.appendingPathComponent("module"), tags: train ? ["train"] : [])
    let outputs = try module(["x": functionFixtureInputs(batch: batch)])
    for key in ["default", "hidden", "probabilities"] {
        let expected = try NumpyFile.read(folder.appendingPathComponent("\(key)_b\(batch)_\(train ? "train" : "notags").npy"))
        let ours = try #require(outputs[key])
        #expect(ours.shape == expected.shape)
        let error = relativeError(ours, expected)
        #expect(error <= 1e-4, "\(key), batch \(batch), train \(train): relative error \(error)")
        print("tf_function_small \(key) b\(batch) \(train ? "train" : "notags"): relative error \(error)")
    }
}
