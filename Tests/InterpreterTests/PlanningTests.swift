import Dispatch
import Interpreter
import Synchronization
import TFProto
import Tensors
import Testing

// MARK: - Pruning, ordering, reporting

@Test func everyUnsupportedOpOfTheNeededSubgraphIsReportedAtOnce() throws {
    var g = GraphBuilder()
    g.placeholder("x", [2])
    g.node("a", "FancyActivation", ["x"], floatT)
    g.node("side", "MysteryOp", ["x"])
    g.node("b", "AddV3", ["a", "^side"], floatT)
    g.node("out", "Identity", ["b"], floatT)
    g.node("unused", "NeverNeededOp", ["x"])  // not needed by the fetch: not reported
    let graph = try g.graph()
    let error = #expect(throws: PlanningError.self) {
        try graph.plan(feeds: ["x": ValueType(.float32, [2])], fetches: ["out"])
    }
    guard case .unsupportedOps(let ops) = error else {
        Issue.record("expected unsupportedOps, got \(String(describing: error))")
        return
    }
    #expect(Set(ops.map(\.op)) == ["FancyActivation", "MysteryOp", "AddV3"])
    #expect(Set(ops.map(\.node)) == ["a", "side", "b"])
    let text = "\(error!)"
    for word in ["FancyActivation", "MysteryOp", "AddV3", "a", "side", "b"] { #expect(text.contains(word)) }
    #expect(!text.contains("NeverNeededOp"))
}

@Test func missingInputsNameTheConsumer() throws {
    var g = GraphBuilder()
    g.node("y", "Identity", ["ghost:0"], floatT)
    let error = #expect(throws: PlanningError.self) { try g.graph().plan(feeds: [:], fetches: ["y"]) }
    #expect(error == .missingNodes([.init(name: "ghost", referencedBy: "y")]))
    let fetchError = #expect(throws: PlanningError.self) { try g.graph().plan(feeds: [:], fetches: ["nothing:0"]) }
    #expect(fetchError == .missingNodes([.init(name: "nothing", referencedBy: nil)]))
}

@Test func cyclesAreDetected() throws {
    var g = GraphBuilder()
    g.node("a", "Identity", ["c"], floatT)
    g.node("b", "Identity", ["a"], floatT)
    g.node("c", "Identity", ["b"], floatT)
    g.node("out", "Identity", ["c"], floatT)
    let error = #expect(throws: PlanningError.self) { try g.graph().plan(feeds: [:], fetches: ["out"]) }
    guard case .cycle(let nodes) = error else {
        Issue.record("expected a cycle, got \(String(describing: error))")
        return
    }
    #expect(Set(nodes) == ["a", "b", "c"])
}

@Test func controlInputCyclesAreDetectedToo() throws {
    var g = GraphBuilder()
    g.node("a", "NoOp", ["^b"])
    g.node("b", "NoOp", ["^a"])
    g.const("k", floats: [1], shape: [1])
    g.node("out", "Identity", ["k", "^a"], floatT)
    let error = #expect(throws: PlanningError.self) { try g.graph().plan(feeds: [:], fetches: ["out"]) }
    guard case .cycle = error else {
        Issue.record("expected a cycle, got \(String(describing: error))")
        return
    }
}

@Test func nodesListedOutOfOrderAreSortedTopologically() throws {
    var g = GraphBuilder()
    g.node("out", "ConcatV2", ["mid", "x", "axis"], ["T": .type(.float), "N": .i(2)])
    g.node("mid", "Identity", ["x"], floatT)
    g.const("axis", ints: [0], shape: [])
    g.placeholder("x", [2])
    let result = try g.graph().run(feeds: ["x": floats([1, 2], [2])], fetches: ["out"])
    #expect(result[0].scalars(as: Float.self) == [1, 2, 1, 2])
}

@Test func feedingAnIntermediateTensorCutsTheGraph() throws {
    var g = GraphBuilder()
    g.placeholder("x", [2])
    g.node("weird", "UnsupportedThing", ["x"])
    g.node("out", "Identity", ["weird:0"], floatT)
    let result = try g.graph().run(feeds: ["weird:0": floats([3, 4], [2])], fetches: ["out:0"])
    #expect(result[0].scalars(as: Float.self) == [3, 4])
}

@Test func badOutputIndexIsReported() throws {
    var g = GraphBuilder()
    g.placeholder("x", [2])
    g.node("y", "Identity", ["x"], floatT)
    let error = #expect(throws: PlanningError.self) {
        try g.graph().plan(feeds: ["x": ValueType(.float32, [2])], fetches: ["y:1"])
    }
    #expect(error == .missingOutput(node: "y", op: "Identity", output: 1, outputCount: 1))
    let badName = #expect(throws: PlanningError.self) { try g.graph().plan(feeds: [:], fetches: ["^y"]) }
    #expect(badName == .badTensorName("^y"))
}

@Test func constantSubgraphsAreFoldedAtPlanTime() throws {
    // Reshape(x, Shape(y)): the shape is computed, but known at plan time.
    var g = GraphBuilder()
    g.placeholder("x", [6])
    g.placeholder("y", [3, 2])
    g.node("s", "Shape", ["y"], floatT)
    g.node("r", "Reshape", ["x", "s"], ["T": .type(.float), "Tshape": .type(.int32)])
    g.const("k", floats: [5], shape: [2])
    g.node("k2", "Identity", ["k"], floatT)
    let graph = try g.graph()
    let plan = try graph.plan(feeds: ["x": ValueType(.float32, [6]), "y": ValueType(.float32, [3, 2])],
                              fetches: ["r", "k2"])
    #expect(plan.stepCount == 1)  // only the Reshape runs; Shape and Identity(Const) were folded
    #expect(plan.fetchTypes == [ValueType(.float32, [3, 2]), ValueType(.float32, [2])])
    let x = floats([1, 2, 3, 4, 5, 6], [6])
    let out = try plan.run(feeds: ["x": x, "y": Tensor.zeros(.float32, shape: [3, 2])])
    #expect(out[0].shape == [3, 2])
    #expect(out[0].scalars(as: Float.self) == [1, 2, 3, 4, 5, 6])
    #expect(out[1].scalars(as: Float.self) == [5, 5])
}

@Test func plansRunConcurrently() throws {
    var g = GraphBuilder()
    g.placeholder("x", [4])
    g.const("paddings", ints: [1, 2], shape: [1, 2])
    g.node("p", "Pad", ["x", "paddings"], ["T": .type(.float), "Tpaddings": .type(.int32)])
    let plan = try g.graph().plan(feeds: ["x": ValueType(.float32, [4])], fetches: ["p"])
    let results = ConcurrentResults(count: 64)
    DispatchQueue.concurrentPerform(iterations: 64) { i in
        let value = Float(i)
        let out = try? plan.run(feeds: ["x": floats([value, value + 1, value + 2, value + 3], [4])])
        results.set(i, out?.first?.scalars(as: Float.self))
    }
    for i in 0..<64 {
        let v = Float(i)
        #expect(results.get(i) == [0, v, v + 1, v + 2, v + 3, 0, 0])
    }
}

/// Thread-safe result slots for the concurrency test.
final class ConcurrentResults: Sendable {
    private let values: Mutex<[[Float]?]>
    init(count: Int) { values = Mutex(Array(repeating: nil, count: count)) }
    func set(_ i: Int, _ v: [Float]?) { values.withLock { $0[i] = v } }
    func get(_ i: Int) -> [Float]? { values.withLock { $0[i] } }
}
