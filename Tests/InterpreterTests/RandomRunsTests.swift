import Foundation
import Interpreter
import Tensors
import Testing
import TestSupport
import TFProto

/// A stateful `RandomUniform` draws, at the plan's run `r` (`runIndex`), what TensorFlow's op draws at
/// run `r` of one session (`Tests/Fixtures/ops/random_runs/make_random_runs.py`), on one and on two
/// threads: the per-run state TF keeps in the kernel is the caller's run count here.
@Test(arguments: [(DataType.float, "float32"), (.double, "float64")], [1, 2])
func statefulRandomUniformDrawsTensorFlowsRunByRun(_ type: (dtype: DataType, name: String), threads: Int) throws {
    let shape = NodeDef(name: "shape", op: "Const", attr: [
        "dtype": .type(.int32),
        "value": .tensor(TensorProto(dtype: .int32, tensorShape: TensorShapeProto(dims: [2]), intVal: [5, 7])),
    ])
    let random = NodeDef(name: "op", op: "RandomUniform", input: ["shape"], attr: [
        "dtype": .type(type.dtype), "T": .type(.int32), "seed": .i(7), "seed2": .i(11),
    ])
    // A second consumer keeps the plan from being a single step (the dataflow path runs with 2 threads).
    let doubled = NodeDef(name: "doubled", op: "AddV2", input: ["op", "op"], attr: ["T": .type(type.dtype)])
    let graph = try Graph(graphDef: GraphDef(node: [shape, random, doubled]))
    let plan = try graph.plan(feeds: [:], fetches: ["op", "doubled"], options: PlanOptions(threads: threads))
    let expected = try NumpyFile.read(Fixtures.url("ops/random_runs/runs_\(type.name).npy"))
    let context = ExecutionContext(threads: threads)
    for run in 0..<3 {
        let drawn = try plan.run(feeds: [:], context: context, runIndex: UInt64(run))[0]
        let reference = expected.withUnsafeBytes { Array($0[(run * drawn.elementCount * (drawn.elementType.byteSize ?? 0))...]
            .prefix(drawn.elementCount * (drawn.elementType.byteSize ?? 0))) }
        #expect(drawn.withUnsafeBytes { Array($0) } == reference, "run \(run) differs from TensorFlow's")
    }
    // Without a run index every run draws the first run's values.
    let first = try plan.run(feeds: [:], context: context)[0]
    #expect(first.withUnsafeBytes { Array($0) } == expected.withUnsafeBytes { Array($0.prefix(first.elementCount * (first.elementType.byteSize ?? 0))) })
}
