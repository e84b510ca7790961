import Foundation
import Interpreter
import TFProto
import TensorBundle
import Tensors
import Testing
import TestSupport

// MARK: - Batch separability and micro-batch runs

private func ints(_ values: Int64...) -> AttrValue { .list(AttrValue.ListValue(i: values)) }

@Test(arguments: ["slim_v1_small", "slim_v3_small", "keras_small"])
func inferenceNASNetRunsInMicroBatchesWithTheSameRows(style: String) throws {
    let (graph, input, fetch) = try nasnetGraph(style, train: false)
    let images = try NumpyFile.read(Fixtures.url("nasnet/\(style)/inputs_b8.npy"))
    let whole = PlanOptions(microBatch: 0)
    let plan = try graph.plan(feeds: [input: ValueType(.float32, images.shape)], fetches: [fetch], options: whole)
    #expect(plan.separableBatch == images.shape[0])
    let reference = try graph.run(feeds: [input: images], fetches: [fetch], options: whole)[0]
    // Steps run on several threads at once (dataflow order) give the rows of a one-thread run exactly.
    for threads in [1, 2, 4] {
        let oneAtATime = try graph.run(
            feeds: [input: images], fetches: [fetch], options: PlanOptions(threads: threads, microBatch: 0))[0]
        #expect(oneAtATime.scalars(as: Float.self) == reference.scalars(as: Float.self), "\(threads) threads")
    }
    // One thread: ceil(8 / size) micro-batches in turn. Two threads: one micro-batch per thread at once,
    // their count rounded up to an even number and their sizes evened out (8 = 4 x 2 for size 3).
    for (threads, size, runs) in [(1, 1, 8), (1, 3, 3), (1, 5, 2), (2, 1, 8), (2, 3, 4), (2, 5, 2), (2, 8, 2), (3, 2, 6)] {
        let profile = PlanProfile()
        let split = try graph.run(
            feeds: [input: images], fetches: [fetch], options: PlanOptions(threads: threads, microBatch: size),
            profile: profile)[0]
        #expect(profile.runCount == runs, "\(threads) threads, micro-batches of \(size)")
        #expect(split.shape == reference.shape)
        let a = split.scalars(as: Float.self), b = reference.scalars(as: Float.self)
        let scale = b.map(abs).max() ?? 0
        let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-5 * scale, "\(threads) threads, micro-batch \(size): \(worst) vs scale \(scale)")
    }
}

@Test(arguments: ["slim_v1_small", "keras_small"])
func trainingModeNASNetIsNotSplit(style: String) throws {
    let (graph, input, fetch) = try nasnetGraph(style, train: true)
    let images = try NumpyFile.read(Fixtures.url("nasnet/\(style)/inputs_b8.npy"))
    let plan = try graph.plan(feeds: [input: ValueType(.float32, images.shape)], fetches: [fetch])
    #expect(plan.separableBatch == nil, "batch norm in training mode mixes the examples")
}

/// One op over a `[4, 3, 3, 2]` feed: whether its plan counts as separable.
private struct SeparabilityCase: Sendable, CustomTestStringConvertible {
    let label: String
    let separable: Bool
    let build: @Sendable (inout GraphBuilder) -> Void
    var testDescription: String { label }
}

private let separabilityCases: [SeparabilityCase] = [
    .init(label: "mean over spatial axes", separable: true) { g in
        g.const("axes", ints: [1, 2]); g.node("out", "Mean", ["x", "axes"], ["T": .type(.float), "Tidx": .type(.int32)])
    },
    .init(label: "mean over the batch", separable: false) { g in
        g.const("axes", ints: [0]); g.node("out", "Mean", ["x", "axes"], ["T": .type(.float), "Tidx": .type(.int32)])
    },
    .init(label: "concat on channels", separable: true) { g in
        g.const("axis", ints: [3], shape: []); g.node("out", "ConcatV2", ["x", "x", "axis"], ["T": .type(.float), "N": .i(2)])
    },
    .init(label: "concat on the batch", separable: false) { g in
        g.const("axis", ints: [0], shape: []); g.node("out", "ConcatV2", ["x", "x", "axis"], ["T": .type(.float), "N": .i(2)])
    },
    .init(label: "add a per-example constant", separable: false) { g in
        g.const("c", floats: [Float](repeating: 1, count: 72), shape: [4, 3, 3, 2])
        g.node("out", "AddV2", ["x", "c"], ["T": .type(.float)])
    },
    .init(label: "add a broadcast constant", separable: true) { g in
        g.const("c", floats: [1, 2], shape: [2]); g.node("out", "AddV2", ["x", "c"], ["T": .type(.float)])
    },
    .init(label: "reshape (not known to keep rows)", separable: false) { g in
        g.const("shape", ints: [4, 18]); g.node("out", "Reshape", ["x", "shape"], ["T": .type(.float), "Tshape": .type(.int32)])
    },
    .init(label: "pool then relu", separable: true) { g in
        g.node("p", "MaxPool", ["x"], ["T": .type(.float), "ksize": ints(1, 2, 2, 1), "strides": ints(1, 1, 1, 1),
                                         "padding": .s(Array("SAME".utf8))])
        g.node("out", "Relu", ["p"], ["T": .type(.float)])
    },
]

@Test(arguments: separabilityCases)
private func separabilityFollowsTheOps(_ c: SeparabilityCase) throws {
    var g = GraphBuilder()
    g.placeholder("x", [-1, 3, 3, 2])
    c.build(&g)
    let graph = try g.graph()
    let x = Tensor(shape: [4, 3, 3, 2], scalars: (0..<72).map { Float($0) / 10 - 3 })
    let plan = try graph.plan(feeds: ["x": ValueType(.float32, x.shape)], fetches: ["out"])
    #expect((plan.separableBatch != nil) == c.separable)
    let whole = try graph.run(feeds: ["x": x], fetches: ["out"], options: PlanOptions(microBatch: 0))[0]
    let split = try graph.run(feeds: ["x": x], fetches: ["out"], options: PlanOptions(microBatch: 3))[0]
    #expect(split.shape == whole.shape)
    #expect(split.scalars(as: Float.self) == whole.scalars(as: Float.self))
}

@Test func placeholderWithAFixedBatchRunsWhole() throws {
    var g = GraphBuilder()
    g.placeholder("x", [4, 2])
    g.node("out", "Relu", ["x"], ["T": .type(.float)])
    let x = Tensor(shape: [4, 2], scalars: (0..<8).map { Float($0) - 4 })
    let graph = try g.graph()
    for threads in [1, 2] {
        for call in 1...2 {  // the second call reuses the remembered refusal
            let profile = PlanProfile()
            let out = try graph.run(
                feeds: ["x": x], fetches: ["out"], options: PlanOptions(threads: threads, microBatch: 1), profile: profile)[0]
            #expect(profile.runCount == 1, "\(threads) threads, call \(call)")
            #expect(out.scalars(as: Float.self) == [0, 0, 0, 0, 0, 1, 2, 3])
        }
    }
}
