import Foundation
import Interpreter
import Kernels
import TFProto
import Tensors
import Testing

// MARK: - NaN and +-Inf through every float op, as TensorFlow 2.21 computes them

/// The cases of `Tests/Fixtures/ops/nonfinite/` (written by `make_golden_nonfinite.py`): NaN and infinities
/// in the SIMD main loops and tails, zero filter taps against infinite inputs, and chains the inference
/// rewrites fuse. `goldenOp` runs them once with the defaults; here each runs on every backend this CPU
/// has, on 1 and 2 threads, planned as written and optimised. A chain TF fuses (an activation after a
/// convolution or matmul and its bias) has two records: TF's default (fused: optimised plans match it) and
/// `plan: "as_written"` (TF with its remapper off: plans as written match it).
@Test(arguments: GoldenCase.all().filter { $0.family == "nonfinite" })
func nonFiniteGolden(_ golden: GoldenCase) throws {
    let names = Set(GoldenCase.all().filter { $0.family == "nonfinite" }.map(\.entry.name))
    let plans: [Bool] = golden.entry.plan == "as_written" ? [false]
        : names.contains(golden.entry.name + "_as_written") ? [true] : [false, true]
    let bytes = try [UInt8](Data(contentsOf: golden.directory.appendingPathComponent(golden.entry.graph)))
    let graph = try Graph(graphDef: GraphDef(serializedBytes: bytes))
    var feeds: [String: Tensor] = [:]
    for feed in golden.entry.feeds { feeds[feed.tensor] = try golden.tensor(feed) }
    let expected = try golden.entry.fetches.map { try golden.tensor($0) }
    for backend in KernelBackend.allCases where backend.isAvailable {
        for threads in [1, 2] {
            for optimize in plans {
                let context = ExecutionContext(threads: threads, backend: backend)
                let outputs = try graph.run(
                    feeds: feeds, fetches: golden.entry.fetches.map(\.tensor),
                    options: PlanOptions(threads: threads, optimize: optimize), context: context)
                for (k, output) in outputs.enumerated() {
                    expectMatches(output, expected[k], exact: false,
                                  label: "\(golden.entry.fetches[k].tensor) [\(backend), \(threads) threads, optimize \(optimize)]")
                }
            }
        }
    }
}

@Test func nonFiniteCasesCoverEveryFloatOp() {
    let ops = Set(GoldenCase.all().filter { $0.family == "nonfinite" }.map(\.entry.op))
    let wanted: Set<String> = [
        "Conv2D", "DepthwiseConv2dNative", "AvgPool", "MaxPool", "FusedBatchNorm", "FusedBatchNormV3", "Relu", "Relu6",
        "BiasAdd", "MatMul", "Softmax", "LogSoftmax", "Add", "AddV2", "Sub", "Mul", "RealDiv", "Maximum", "Minimum", "AddN", "Rsqrt",
        "Sqrt", "Square", "Floor", "Mean", "Sum", "Max", "ConcatV2", "Pad", "Transpose", "Cast", "ReluGrad", "Relu6Grad",
        "BiasAddGrad", "L2Loss", "AvgPoolGrad", "MaxPoolGrad", "Conv2DBackpropInput", "Conv2DBackpropFilter",
        "DepthwiseConv2dNativeBackpropInput", "DepthwiseConv2dNativeBackpropFilter", "FusedBatchNormGradV3",
        "SparseSoftmaxCrossEntropyWithLogits", "SoftmaxCrossEntropyWithLogits",
    ]
    #expect(wanted.subtracting(ops).isEmpty, "no non-finite case for \(wanted.subtracting(ops).sorted())")
}
