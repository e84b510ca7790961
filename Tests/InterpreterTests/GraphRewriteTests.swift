import Foundation
import Interpreter
import TFProto
import TensorBundle
import Tensors
import Testing
import TestSupport

// MARK: - Plan-time rewrites: rewritten plans against the graph planned as written

private func ints(_ values: Int64...) -> AttrValue { .list(AttrValue.ListValue(i: values)) }
private func text(_ value: String) -> AttrValue { .s(Array(value.utf8)) }

/// Reproducible pseudo-random numbers (64-bit LCG) for generated graphs and values.
private struct Seeded {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 33
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    mutating func float(_ low: Float, _ high: Float) -> Float { low + (high - low) * Float(next() % 1_000_000) / 1_000_000 }
    mutating func bool() -> Bool { next() % 2 == 0 }
    mutating func floats(_ count: Int, _ low: Float = -1, _ high: Float = 1) -> [Float] {
        (0..<count).map { _ in float(low, high) }
    }
}

/// Runs `graph` planned with and without rewrites on the same feeds; returns both outputs and both
/// per-op-type step counts.
/// Plans optimized for inference (variables frozen) and as written (variables read from `variables`).
private func runBothWays(
    _ graph: Graph, feeds: [String: Tensor], fetches: [String], variables: [String: Tensor]
) throws -> (rewritten: [Tensor], asWritten: [Tensor], rewrittenOps: [String: Int], asWrittenOps: [String: Int]) {
    let types = feeds.mapValues { ValueType($0.elementType, $0.shape) }
    var results: [[Tensor]] = []
    var ops: [[String: Int]] = []
    let context = ExecutionContext(threads: 2)
    for optimize in [true, false] {
        let plan = try graph.plan(feeds: types, fetches: fetches, options: PlanOptions(optimize: optimize))
        if optimize { #expect(plan.variables.isEmpty, "frozen variables are constants of an optimized plan") }
        let profile = PlanProfile()
        results.append(try plan.run(feeds: feeds, variables: variables, context: context, profile: profile))
        ops.append(Dictionary(uniqueKeysWithValues: profile.entries.map { ($0.op, $0.steps) }))
    }
    return (results[0], results[1], ops[0], ops[1])
}

private func maxDifference(_ a: Tensor, _ b: Tensor) -> (difference: Float, scale: Float) {
    let x = a.scalars(as: Float.self), y = b.scalars(as: Float.self)
    return (zip(x, y).map { abs($0 - $1) }.max() ?? 0, y.map(abs).max() ?? 0)
}

// MARK: - Randomized small graphs

/// conv -> [batch norm] -> [bias] -> [relu], with Identity reads, constant or frozen-variable
/// parameters, duplicate activations, and sometimes an extra consumer that must block the fusion.
private struct RandomConvGraph {
    var builder = GraphBuilder()
    var frozen: [String: Tensor] = [:]
    var fetches: [String] = []
    var feeds: [String: Tensor] = [:]
    var expectFold = true

    init(seed: UInt64) {
        var r = Seeded(state: seed)
        let batch = r.int(1...2), height = r.int(3...9), width = r.int(3...9)
        let inChannels = r.int(1...6), outChannels = r.int(1...9), kernel = r.int(1...3), stride = r.int(1...2)
        let padding = r.bool() ? "SAME" : "VALID"
        let useVariables = r.bool()
        builder.placeholder("x", [Int64(batch), Int64(height), Int64(width), Int64(inChannels)])
        feeds["x"] = Tensor(shape: [batch, height, width, inChannels], scalars: r.floats(batch * height * width * inChannels))

        func parameter(_ name: String, _ values: [Float], _ shape: [Int]) -> String {
            if useVariables {
                builder.node(name, "VariableV2", [], ["dtype": .type(.float), "shape": .shape(TensorShapeProto(dims: shape.map(Int64.init)))])
                frozen[name] = Tensor(shape: Shape(shape), scalars: values)
            } else {
                builder.const(name, floats: values, shape: shape.map(Int64.init))
            }
            builder.node("\(name)/read", "Identity", [name], ["T": .type(.float)])
            return "\(name)/read"
        }

        let filter = parameter("w", r.floats(kernel * kernel * inChannels * outChannels),
                               [kernel, kernel, inChannels, outChannels])
        builder.node("conv", "Conv2D", ["x", filter], [
            "T": .type(.float), "strides": ints(1, Int64(stride), Int64(stride), 1), "padding": text(padding)])
        var last = "conv"
        var epilogue = false
        if r.int(0...3) > 0 {
            epilogue = true
            let op = ["FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3"][r.int(0...2)]
            let training = r.int(0...4) == 0
            if training { expectFold = false }
            let scale = parameter("gamma", r.floats(outChannels, 0.5, 2), [outChannels])
            let offset = parameter("beta", r.floats(outChannels), [outChannels])
            let mean = parameter("mean", r.floats(outChannels), [outChannels])
            let variance = parameter("variance", r.floats(outChannels, 0.1, 3), [outChannels])
            var attributes: [String: AttrValue] = [
                "T": .type(.float), "epsilon": .f(r.bool() ? 0.001 : 1e-5), "is_training": .b(training)]
            if op != "FusedBatchNorm" { attributes["U"] = .type(.float) }
            builder.node("bn", op, [last, scale, offset, mean, variance], attributes)
            last = "bn"
        }
        if r.bool() {
            epilogue = true
            builder.const("bias", floats: r.floats(outChannels), shape: [Int64(outChannels)])
            builder.node("biased", "BiasAdd", [last, "bias"], ["T": .type(.float)])
            last = "biased"
        }
        let activation = ["Relu", "Relu6", ""][r.int(0...2)]
        if !activation.isEmpty {
            // A ReLU joins a convolution only after a bias or batch norm (where TF fuses it too)
            builder.node("act", activation, [last], ["T": .type(.float)])
            builder.node("act_twin", activation, [last], ["T": .type(.float)])
            builder.node("sum", "AddV2", ["act", "act_twin"], ["T": .type(.float)])
            last = "sum"
        }
        builder.node("out", "Identity", [last], ["T": .type(.float)])
        fetches = ["out"]
        if !epilogue { expectFold = false }
        if r.int(0...4) == 0 {
            fetches.append("conv")  // a fetched intermediate keeps its node and blocks the fold
            expectFold = false
        }
    }
}

@Test(arguments: 0..<64)
func rewrittenRandomConvGraphMatchesGraphAsWritten(seed: Int) throws {
    let random = RandomConvGraph(seed: UInt64(seed) &* 7919 &+ 17)
    let graph = try random.builder.graph().freezingVariables(random.frozen)
    let result = try runBothWays(graph, feeds: random.feeds, fetches: random.fetches, variables: random.frozen)
    for (ours, reference) in zip(result.rewritten, result.asWritten) {
        #expect(ours.shape == reference.shape)
        let (difference, scale) = maxDifference(ours, reference)
        #expect(difference <= 1e-5 * max(scale, 1), "seed \(seed): max difference \(difference), scale \(scale)")
    }
    let batchNorms = ["FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3"]
    let remaining = batchNorms.reduce(0) { $0 + (result.rewrittenOps[$1] ?? 0) }
    if random.expectFold {
        #expect(remaining == 0, "seed \(seed): batch norm not folded: \(result.rewrittenOps)")
        #expect(result.rewrittenOps["Conv2D"] == nil && result.rewrittenOps["BiasAdd"] == nil)
        #expect(result.rewrittenOps.values.reduce(0, +) < result.asWrittenOps.values.reduce(0, +))
    }
}

@Test func trainingBatchNormAndUnfrozenVariablesAreNotFolded() throws {
    var g = GraphBuilder()
    g.placeholder("x", [1, 4, 4, 2])
    g.node("w", "VariableV2", [], ["dtype": .type(.float), "shape": .shape(TensorShapeProto(dims: [1, 1, 2, 2]))])
    g.node("conv", "Conv2D", ["x", "w"], ["T": .type(.float), "strides": ints(1, 1, 1, 1), "padding": text("SAME")])
    for name in ["s", "o", "m", "v"] { g.const(name, floats: [1, 2], shape: [2]) }
    g.node("bn", "FusedBatchNormV3", ["conv", "s", "o", "m", "v"], ["T": .type(.float), "U": .type(.float), "is_training": .b(false)])
    let graph = try g.graph()
    let plan = try graph.plan(feeds: ["x": ValueType(.float32, [1, 4, 4, 2])], fetches: ["bn"])
    #expect(plan.variables.keys.sorted() == ["w"], "an unfrozen variable stays a run-time input")
    let profile = PlanProfile()
    let x = Tensor(shape: [1, 4, 4, 2], scalars: (0..<32).map { Float($0) / 8 })
    _ = try plan.run(feeds: ["x": x], variables: ["w": Tensor(shape: [1, 1, 2, 2], scalars: [1, 0, 0, 1] as [Float])],
                     profile: profile)
    #expect(profile.entries.map(\.op).sorted() == ["Conv2D", "FusedBatchNormV3"])
}

@Test func threadCountDoesNotChangeResults() throws {
    let random = RandomConvGraph(seed: 12345)
    let graph = try random.builder.graph().freezingVariables(random.frozen)
    let types = random.feeds.mapValues { ValueType($0.elementType, $0.shape) }
    let plan = try graph.plan(feeds: types, fetches: random.fetches)
    let one = try plan.run(feeds: random.feeds, context: ExecutionContext(threads: 1))
    let three = ExecutionContext(threads: 3)
    #expect(three.threads == 3 && three.pool?.threadCount == 3)
    let outputs = try plan.run(feeds: random.feeds, context: three)
    for (a, b) in zip(one, outputs) { #expect(a.scalars(as: Float.self) == b.scalars(as: Float.self)) }
}

// MARK: - Reduced NASNet-A modules

@Test(arguments: nasnetCases.filter { $0.batch == 2 })
func rewrittenNASNetMatchesTensorFlowAndGraphAsWritten(_ c: NASNetCase) throws {
    let folder = Fixtures.url("nasnet/\(c.style)")
    let savedModel = try SavedModel(
        serializedBytes: [UInt8](Data(contentsOf: folder.appendingPathComponent("module/saved_model.pb"))))
    let wanted = c.train ? ["train"] : []
    let meta = try #require(savedModel.metaGraphs.first { $0.metaInfoDef.tags.sorted() == wanted })
    let unfrozen = try Graph(graphDef: meta.graphDef, opList: meta.metaInfoDef.strippedOpList)
    let signature = try #require(meta.signatureDef["image_feature_vector"])
    let input = try #require(signature.inputs["images"]?.name)
    let fetch = try #require(signature.outputs["default"]?.name)
    let images = try NumpyFile.read(folder.appendingPathComponent("inputs_b\(c.batch).npy"))

    let needed = try unfrozen.plan(feeds: [input: ValueType(.float32, images.shape)], fetches: [fetch]).variables
    let bundle = try BundleReader(prefix: folder.appendingPathComponent("module/variables/variables"))
    var variables: [String: Tensor] = [:]
    for name in needed.keys {
        let stored = try bundle.tensor(forKey: name)
        variables[name] = Tensor(shape: Shape(stored.shape), scalars: try stored.floats())
    }
    let graph = unfrozen.freezingVariables(variables)
    let result = try runBothWays(graph, feeds: [input: images], fetches: [fetch], variables: variables)

    let expected = try NumpyFile.read(folder.appendingPathComponent("ifv_default_b\(c.batch)_\(c.tagName).npy"))
    let (vsTF, scale) = maxDifference(result.rewritten[0], expected)
    #expect(vsTF <= 1e-4 * scale, "rewritten vs TF: \(vsTF), scale \(scale)")
    let (vsWritten, _) = maxDifference(result.rewritten[0], result.asWritten[0])
    #expect(vsWritten <= 1e-5 * scale, "rewritten vs as written: \(vsWritten), scale \(scale)")

    let batchNorms = ["FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3"]
    let before = batchNorms.reduce(0) { $0 + (result.asWrittenOps[$1] ?? 0) }
    let after = batchNorms.reduce(0) { $0 + (result.rewrittenOps[$1] ?? 0) }
    #expect(before > 10)
    if c.train {
        #expect(after == before, "training-mode batch norms must stay")
    } else if c.style.hasPrefix("slim") {
        #expect(after * 10 <= before, "expected most batch norms folded: \(after) of \(before) left")
    }
    #expect(result.rewrittenOps.values.reduce(0, +) < result.asWrittenOps.values.reduce(0, +))
}

// MARK: - Pad -> StridedSlice -> 1x1 pool

@Test(arguments: 0..<48)
func padSliceSubsampleMatchesGraphAsWritten(seed: Int) throws {
    var r = Seeded(state: UInt64(seed) &* 104_729 &+ 3)
    let shape = [r.int(1...2), r.int(1...7), r.int(1...7), r.int(1...5)]
    var g = GraphBuilder()
    g.placeholder("x", shape.map(Int64.init))
    let paddings = (0..<8).map { axis in axis < 2 || axis > 5 ? Int32(r.int(0...1) == 0 ? 0 : r.int(0...1)) : Int32(r.int(0...2)) }
    g.const("paddings", ints: paddings, shape: [4, 2])
    g.node("pad", "Pad", ["x", "paddings"], ["T": .type(.float)])
    // Mostly non-empty slices: begin near the start (or negative, or masked), end past it or masked.
    let begin = (0..<4).map { _ in Int32(r.int(-2...1)) }
    g.const("begin", ints: begin)
    g.const("end", ints: begin.map { b in b < 0 ? -1 : b + Int32(r.int(1...9)) })
    g.const("strides", ints: (0..<4).map { _ in Int32(r.int(1...2)) })
    g.node("slice", "StridedSlice", ["pad", "begin", "end", "strides"], [
        "T": .type(.float), "Index": .type(.int32),
        "begin_mask": .i(Int64(r.int(0...15))), "end_mask": .i(Int64(r.int(0...15)))])
    let pool = r.bool() ? "AvgPool" : "MaxPool"
    g.node("pool", pool, ["slice"], [
        "T": .type(.float), "ksize": ints(1, 1, 1, 1), "padding": text(r.bool() ? "VALID" : "SAME"),
        "strides": ints(1, Int64(r.int(1...3)), Int64(r.int(1...3)), 1)])
    g.node("out", "Relu", ["pool"], ["T": .type(.float)])
    let count = shape.reduce(1, *)
    let x = Tensor(shape: Shape(shape), scalars: r.floats(count))
    let graph = try g.graph()
    let types = ["x": ValueType(.float32, Shape(shape))]
    // Parameters that TensorFlow rejects (an empty slice under a pool) must fail the same way rewritten.
    let asWritten = Result { try graph.plan(feeds: types, fetches: ["out"], options: PlanOptions(optimize: false)) }
    guard case .success(let reference) = asWritten else { return }
    let rewritten = try graph.plan(feeds: types, fetches: ["out"], options: PlanOptions(optimize: true))
    let profile = PlanProfile()
    let ours = try rewritten.run(feeds: ["x": x], profile: profile)[0]
    let theirs = try reference.run(feeds: ["x": x])[0]
    #expect(ours.shape == theirs.shape, "seed \(seed)")
    #expect(ours.scalars(as: Float.self) == theirs.scalars(as: Float.self), "seed \(seed)")
    #expect(profile.entries.map(\.op).sorted() == ["Relu", "tfhub.PadSliceSubsample"])
}

// MARK: - ConcatV2 of Add results

@Test(arguments: [3, -1])
func concatComputesTheSumsOnlyItReads(axis: Int32) throws {
    var g = GraphBuilder()
    for name in ["x", "y"] { g.placeholder(name, [2, 3, 3, 4]) }
    g.placeholder("z", [2, 3, 3, 2])
    g.const("w", floats: [0.5, -1, 2, 4], shape: [4])
    g.const("axis", ints: [axis], shape: [])
    let float: [String: AttrValue] = ["T": .type(.float)]
    g.node("own", "Add", ["x", "y"], float)                  // read only by the concat: fused
    g.node("broadcast", "AddV2", ["x", "w"], float)          // broadcasting: fused, added first
    g.node("fetched", "Add", ["y", "x"], float)              // also fetched: stays a step
    g.node("shared", "AddV2", ["y", "y"], float)             // read twice: stays a step
    g.node("twice", "Relu", ["shared"], float)
    g.node("c", "ConcatV2", ["own", "z", "broadcast", "fetched", "shared", "axis"], float.merging(["N": .i(5), "Tidx": .type(.int32)]) { a, _ in a })
    var values = Seeded(state: UInt64(bitPattern: Int64(axis)))
    let feeds: [String: Tensor] = [
        "x": Tensor(shape: [2, 3, 3, 4], scalars: values.floats(72)), "y": Tensor(shape: [2, 3, 3, 4], scalars: values.floats(72)),
        "z": Tensor(shape: [2, 3, 3, 2], scalars: values.floats(36)),
    ]
    let run = try runBothWays(try g.graph(), feeds: feeds, fetches: ["c", "fetched", "twice"], variables: [:])
    #expect(run.rewrittenOps["tfhub.ConcatSums"] == 1)
    #expect(run.rewrittenOps["ConcatV2"] == nil)
    #expect(run.rewrittenOps["Add"] == 1 && run.rewrittenOps["AddV2"] == 1, "\(run.rewrittenOps)")
    #expect(run.asWrittenOps["Add"] == 2 && run.asWrittenOps["AddV2"] == 2)
    for (a, b) in zip(run.rewritten, run.asWritten) {
        #expect(a.shape == b.shape)
        #expect(a.scalars(as: Float.self) == b.scalars(as: Float.self))
    }
    #expect(run.rewritten[0].shape == [2, 3, 3, 18])
}

/// A `Relu` that is a concat's only reader is applied by the concat as it writes: after a `ConcatV2` of sums
/// (NASNet's cell output) and after a plain `ConcatV2`; not when the concat is also read (here: fetched),
/// and not for `Relu6`. NaN stays NaN and -0 stays -0, as in the standalone `Relu`: bit for bit.
@Test func reluOfAConcatIsAppliedByTheConcat() throws {
    var g = GraphBuilder()
    for name in ["x", "y"] { g.placeholder(name, [2, 3, 3, 4]) }
    g.placeholder("z", [2, 3, 3, 2])
    g.const("axis", ints: [3], shape: [])
    g.const("two", floats: [2], shape: [])
    let float: [String: AttrValue] = ["T": .type(.float)]
    let concat = float.merging(["N": .i(2), "Tidx": .type(.int32)]) { a, _ in a }
    g.node("sum", "Add", ["x", "y"], float)
    g.node("c1", "ConcatV2", ["sum", "z", "axis"], concat)
    g.node("r1", "Relu", ["c1"], float)                // the sums' concat applies it
    g.node("r1b", "Relu", ["c1"], float)               // merged with r1
    g.node("m", "Mul", ["r1b", "two"], float)
    g.node("m1", "Mul", ["r1", "two"], float)
    g.node("c2", "ConcatV2", ["x", "z", "axis"], concat)
    g.node("r2", "Relu", ["c2"], float)                // a plain concat applies it
    g.node("c3", "ConcatV2", ["y", "z", "axis"], concat)
    g.node("r3", "Relu", ["c3"], float)                // c3 is fetched too: stays a step
    g.node("c4", "ConcatV2", ["x", "y", "axis"], concat)
    g.node("r4", "Relu6", ["c4"], float)               // Relu6: stays a step
    var values = Seeded(state: 11)
    var x = values.floats(72)
    x[3] = .nan
    x[5] = -0.0
    let feeds: [String: Tensor] = [
        "x": Tensor(shape: [2, 3, 3, 4], scalars: x), "y": Tensor(shape: [2, 3, 3, 4], scalars: values.floats(72)),
        "z": Tensor(shape: [2, 3, 3, 2], scalars: values.floats(36)),
    ]
    let run = try runBothWays(try g.graph(), feeds: feeds, fetches: ["m1", "m", "r2", "r3", "c3", "r4"], variables: [:])
    #expect(run.rewrittenOps["tfhub.ConcatSums"] == 2, "\(run.rewrittenOps)")
    #expect(run.rewrittenOps["Relu"] == 1 && run.rewrittenOps["Relu6"] == 1 && run.rewrittenOps["ConcatV2"] == 2)
    #expect(run.asWrittenOps["Relu"] == 4)
    for (a, b) in zip(run.rewritten, run.asWritten) {
        #expect(a.shape == b.shape)
        #expect(a.scalars(as: Float.self).map(\.bitPattern) == b.scalars(as: Float.self).map(\.bitPattern))
    }
    #expect(run.rewritten[2].scalars(as: Float.self).contains { $0.isNaN })
}

// MARK: - ReLU read only by depthwise convolutions

@Test func reluReadOnlyByDepthwiseConvolutionsIsAppliedWhileReading() throws {
    var g = GraphBuilder()
    g.placeholder("x", [1, 9, 9, 12])
    var values = Seeded(state: 7)
    g.const("f3", floats: values.floats(3 * 3 * 12), shape: [3, 3, 12, 1])
    g.const("f5", floats: values.floats(5 * 5 * 12), shape: [5, 5, 12, 1])
    g.const("w", floats: values.floats(12 * 4), shape: [1, 1, 12, 4])
    let float: [String: AttrValue] = ["T": .type(.float)]
    func depthwise(_ name: String, _ input: String, _ filter: String, stride: Int64) {
        g.node(name, "DepthwiseConv2dNative", [input, filter],
               float.merging(["strides": ints(1, stride, stride, 1), "padding": text("SAME")]) { a, _ in a })
    }
    g.node("r1", "Relu", ["x"], float)             // read by two depthwise convolutions: fused into both
    depthwise("d1", "r1", "f3", stride: 1)
    depthwise("d2", "r1", "f5", stride: 2)
    g.node("r2", "Relu6", ["x"], float)            // Relu6: not fused
    depthwise("d3", "r2", "f3", stride: 1)
    g.const("minus", floats: [-1], shape: [])
    g.node("n", "Mul", ["x", "minus"], float)
    g.node("r3", "Relu", ["n"], float)             // also read by a Conv2D: stays a step
    depthwise("d4", "r3", "f3", stride: 2)
    g.node("c", "Conv2D", ["r3", "w"], float.merging(["strides": ints(1, 1, 1, 1), "padding": text("SAME")]) { a, _ in a })
    let x = Tensor(shape: [1, 9, 9, 12], scalars: values.floats(9 * 9 * 12))
    let run = try runBothWays(try g.graph(), feeds: ["x": x], fetches: ["d1", "d2", "d3", "d4", "c"], variables: [:])
    #expect(run.rewrittenOps["tfhub.ReluDepthwiseConv2D"] == 2)
    #expect(run.rewrittenOps["Relu"] == 1 && run.rewrittenOps["Relu6"] == 1, "\(run.rewrittenOps)")
    #expect(run.asWrittenOps["Relu"] == 2)
    for (a, b) in zip(run.rewritten, run.asWritten) {
        #expect(a.shape == b.shape)
        #expect(a.scalars(as: Float.self) == b.scalars(as: Float.self))
    }
}
