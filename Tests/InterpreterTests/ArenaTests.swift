import Foundation
import Interpreter
import TFProto
import TensorBundle
import Tensors
import Testing
import TestSupport

// MARK: - Step results planned into one block per run (ArenaLayout)

@Test(arguments: ["slim_v1_small", "slim_v3_small", "keras_small"])
func arenaRunsEqualAllocatingRunsAndReturnOwnedResults(style: String) throws {
    let (graph, input, fetch) = try nasnetGraph(style, train: false)
    let first = try NumpyFile.read(Fixtures.url("nasnet/\(style)/inputs_b8.npy"))
    // A second batch of other values: the arena's bytes are overwritten by the second run.
    let second = Tensor(shape: first.shape, scalars: first.scalars(as: Float.self).map { 1 - $0 })
    for (threads, microBatch) in [(1, 0), (2, 0), (2, 2), (3, 3)] {
        let allocating = PlanOptions(threads: threads, microBatch: microBatch, arena: false)
        let arena = PlanOptions(threads: threads, microBatch: microBatch, arena: true)
        let expected = try [first, second].map { try graph.run(feeds: [input: $0], fetches: [fetch], options: allocating)[0] }
        let firstResult = try graph.run(feeds: [input: first], fetches: [fetch], options: arena)[0]
        let kept = firstResult.scalars(as: Float.self)
        let secondResult = try graph.run(feeds: [input: second], fetches: [fetch], options: arena)[0]
        let label = "\(threads) threads, micro-batch \(microBatch)"
        #expect(kept == expected[0].scalars(as: Float.self), "\(label): first run")
        #expect(secondResult.scalars(as: Float.self) == expected[1].scalars(as: Float.self), "\(label): second run")
        #expect(firstResult.scalars(as: Float.self) == kept, "\(label): the first result changed after the second run")
        #expect(kept != secondResult.scalars(as: Float.self))
    }
}

/// A plan with a step result in the arena keeps that result's tensor (same storage object) from run to
/// run while its bytes change: a convolution whose filter is computed must pack it again on every run.
@Test func computedFilterInTheArenaIsPackedOnEveryRun() throws {
    var b = GraphBuilder()
    b.placeholder("x", [1, 3, 3, 2])
    b.placeholder("w", [1, 1, 2, 2])
    b.node("relu_w", "Relu", ["w"], floatT)
    b.node("conv", "Conv2D", ["x", "relu_w"], floatT.merging([
        "strides": .list(AttrValue.ListValue(i: [1, 1, 1, 1])), "padding": .s(Array("VALID".utf8)),
    ]) { $1 })
    let graph = try b.graph()
    let x = floats((0..<18).map { Float($0) / 4 }, [1, 3, 3, 2])
    let filters = [floats([1, 2, 3, 4], [1, 1, 2, 2]), floats([-1, 0.5, 2, -3], [1, 1, 2, 2]), floats([0, 1, 1, 0], [1, 1, 2, 2])]
    for filter in filters {
        let got = try graph.run(feeds: ["x": x, "w": filter], fetches: ["conv"], options: PlanOptions(threads: 1, arena: true))[0]
        let want = try graph.run(feeds: ["x": x, "w": filter], fetches: ["conv"], options: PlanOptions(threads: 1, arena: false))[0]
        #expect(got.scalars(as: Float.self) == want.scalars(as: Float.self))
    }
}

/// A `Split` into one part is no step: readers and fetches read its input's value, here a result in the
/// arena (fetched, so kept out of it) and read again by a later step.
@Test func splitIntoOnePartForwardsItsInput() throws {
    var b = GraphBuilder()
    b.placeholder("x", [2, 3])
    b.node("relu", "Relu", ["x"], floatT)
    b.const("axis", ints: [0], shape: [])
    b.node("split", "Split", ["axis", "relu"], ["T": .type(.float), "num_split": .i(1)])
    b.const("two", floats: [2], shape: [])
    b.node("out", "Mul", ["split", "two"], floatT)
    let graph = try b.graph()
    let x = floats([-1, 2, -3, 4, 0.5, -0.25], [2, 3])
    let types = ["x": ValueType(.float32, [2, 3])]
    // The ReLU's result in the arena (only the product is fetched), then fetched through the split.
    let inArena = try graph.plan(feeds: types, fetches: ["out"], options: PlanOptions(threads: 1))
    let fetched = try graph.plan(feeds: types, fetches: ["split", "out"], options: PlanOptions(threads: 1))
    #expect(inArena.stepCount == 2 && fetched.stepCount == 2)
    #expect(inArena.serialArenaByteCount > 0)
    for _ in 0..<2 {
        #expect(try inArena.run(feeds: ["x": x])[0].scalars(as: Float.self) == [0, 4, 0, 8, 1, 0])
        let results = try fetched.run(feeds: ["x": x])
        #expect(results[0].scalars(as: Float.self) == [0, 2, 0, 4, 0.5, 0])
        #expect(results[1].scalars(as: Float.self) == [0, 4, 0, 8, 1, 0])
    }
}

/// A plan longer than `ArenaLayout.maximumDataflowStepCount` gets only the plan-order layout: runs on one
/// thread use it, runs on two allocate step by step; both give the allocating plan's numbers.
@Test func longPlansKeepThePlanOrderLayoutOnly() throws {
    var b = GraphBuilder()
    b.placeholder("x", [4, 8])
    b.const("c", floats: [1.0009765625], shape: [])
    var previous = "x"
    for index in 0..<4_200 {
        b.node("m\(index)", "Mul", [previous, "c"], floatT)
        previous = "m\(index)"
    }
    let graph = try b.graph()
    let x = floats((0..<32).map { Float($0) - 16 }, [4, 8])
    let types = ["x": ValueType(.float32, [4, 8])]
    let plan = try graph.plan(feeds: types, fetches: [previous], options: PlanOptions(threads: 2))
    #expect(plan.stepCount == 4_200)
    #expect(plan.arenaByteCount == 0)
    #expect(plan.serialArenaByteCount > 0 && plan.serialArenaByteCount <= 2 * 4 * 8 * 4)
    let want = try graph.run(feeds: ["x": x], fetches: [previous], options: PlanOptions(threads: 1, arena: false))[0]
    for threads in [1, 2] {
        let got = try graph.run(feeds: ["x": x], fetches: [previous], options: PlanOptions(threads: threads))[0]
        #expect(got.scalars(as: Float.self) == want.scalars(as: Float.self), "\(threads) threads")
    }
}
