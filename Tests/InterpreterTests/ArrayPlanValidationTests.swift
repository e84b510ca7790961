import Interpreter
import TFProto
import Tensors
import Testing

// MARK: - Plan-time validation of the state, control and array ops

/// A graph whose node `op` is invalid, and the `PlanningError` case it must produce.
struct InvalidArrayCase: Sendable, CustomTestStringConvertible {
    let name: String
    let op: String
    let expected: String
    let feeds: [String: ValueType]
    let build: @Sendable (inout GraphBuilder) -> Void

    var testDescription: String { name }
}

private func i64(_ values: [Int64], shape: [Int64]? = nil) -> TensorProto {
    TensorProto(dtype: .int64, tensorShape: TensorShapeProto(dims: shape ?? [Int64(values.count)]), int64Val: values)
}

private let x23: [String: ValueType] = ["x": ValueType(.float32, [2, 3])]

private func withX(_ body: @escaping @Sendable (inout GraphBuilder) -> Void) -> @Sendable (inout GraphBuilder) -> Void {
    { g in
        g.placeholder("x", [2, 3])
        body(&g)
    }
}

private func stridedSlice(begin: [Int32], end: [Int32], strides: [Int32], masks: [String: Int64] = [:])
    -> @Sendable (inout GraphBuilder) -> Void {
    withX { g in
        g.const("b", ints: begin)
        g.const("e", ints: end)
        g.const("s", ints: strides)
        var attr: [String: AttrValue] = ["T": .type(.float), "Index": .type(.int32)]
        for (k, v) in masks { attr[k] = .i(v) }
        g.node("op", "StridedSlice", ["x", "b", "e", "s"], attr)
    }
}

let invalidArrayCases: [InvalidArrayCase] = [
    // ConcatV2
    .init(name: "ConcatV2 rank mismatch", op: "ConcatV2", expected: "inputShape", feeds: x23.merging(["y": ValueType(.float32, [2])]) { a, _ in a }, build: withX { g in
        g.placeholder("y", [2])
        g.const("axis", ints: [0], shape: [])
        g.node("op", "ConcatV2", ["x", "y", "axis"], ["T": .type(.float), "N": .i(2)])
    }),
    .init(name: "ConcatV2 mismatched dimension", op: "ConcatV2", expected: "inputShape", feeds: x23.merging(["y": ValueType(.float32, [3, 3])]) { a, _ in a }, build: withX { g in
        g.placeholder("y", [3, 3])
        g.const("axis", ints: [1], shape: [])
        g.node("op", "ConcatV2", ["x", "y", "axis"], ["T": .type(.float), "N": .i(2)])
    }),
    .init(name: "ConcatV2 dtype mismatch", op: "ConcatV2", expected: "inputType", feeds: x23.merging(["y": ValueType(.int32, [2, 3])]) { a, _ in a }, build: withX { g in
        g.placeholder("y", [2, 3], type: .int32)
        g.const("axis", ints: [0], shape: [])
        g.node("op", "ConcatV2", ["x", "y", "axis"], ["T": .type(.float), "N": .i(2)])
    }),
    .init(name: "ConcatV2 axis out of range", op: "ConcatV2", expected: "invalidNode", feeds: x23, build: withX { g in
        g.const("axis", ints: [2], shape: [])
        g.node("op", "ConcatV2", ["x", "x", "axis"], ["T": .type(.float), "N": .i(2)])
    }),
    .init(name: "ConcatV2 axis computed at run time", op: "ConcatV2", expected: "nonConstantInput",
          feeds: ["x": ValueType(.float32, [2, 3]), "axis": ValueType(.int32, [])], build: withX { g in
        g.placeholder("axis", [], type: .int32)
        g.node("op", "ConcatV2", ["x", "x", "axis"], ["T": .type(.float), "N": .i(2)])
    }),
    .init(name: "ConcatV2 N disagrees", op: "ConcatV2", expected: "invalidAttribute", feeds: x23, build: withX { g in
        g.const("axis", ints: [0], shape: [])
        g.node("op", "ConcatV2", ["x", "x", "axis"], ["T": .type(.float), "N": .i(3)])
    }),
    // Pad
    .init(name: "Pad paddings of the wrong shape", op: "Pad", expected: "inputShape", feeds: x23, build: withX { g in
        g.const("p", ints: [0, 0, 1, 1, 2, 2], shape: [3, 2])
        g.node("op", "Pad", ["x", "p"], floatT)
    }),
    .init(name: "Pad negative paddings", op: "Pad", expected: "invalidNode", feeds: x23, build: withX { g in
        g.const("p", ints: [0, -1, 1, 1], shape: [2, 2])
        g.node("op", "Pad", ["x", "p"], floatT)
    }),
    .init(name: "Pad float paddings", op: "Pad", expected: "inputType", feeds: x23, build: withX { g in
        g.const("p", floats: [0, 0, 1, 1], shape: [2, 2])
        g.node("op", "Pad", ["x", "p"], floatT)
    }),
    // StridedSlice
    .init(name: "StridedSlice zero stride", op: "StridedSlice", expected: "invalidNode", feeds: x23,
          build: stridedSlice(begin: [0, 0], end: [2, 3], strides: [1, 0])),
    .init(name: "StridedSlice shrink index out of bounds", op: "StridedSlice", expected: "invalidNode", feeds: x23,
          build: stridedSlice(begin: [2], end: [3], strides: [1], masks: ["shrink_axis_mask": 1])),
    .init(name: "StridedSlice two ellipses", op: "StridedSlice", expected: "invalidNode", feeds: x23,
          build: stridedSlice(begin: [0, 0], end: [1, 1], strides: [1, 1], masks: ["ellipsis_mask": 3])),
    .init(name: "StridedSlice too many indices", op: "StridedSlice", expected: "invalidNode", feeds: x23,
          build: stridedSlice(begin: [0, 0, 0], end: [1, 1, 1], strides: [1, 1, 1])),
    .init(name: "StridedSlice mismatched lengths", op: "StridedSlice", expected: "invalidNode", feeds: x23,
          build: stridedSlice(begin: [0, 0], end: [1], strides: [1, 1])),
    .init(name: "StridedSlice negative stride on shrink", op: "StridedSlice", expected: "invalidNode", feeds: x23,
          build: stridedSlice(begin: [1], end: [0], strides: [-1], masks: ["shrink_axis_mask": 1])),
    // Slice
    .init(name: "Slice past the end", op: "Slice", expected: "invalidNode", feeds: x23, build: withX { g in
        g.const("b", ints: [1, 1])
        g.const("s", ints: [2, 1])
        g.node("op", "Slice", ["x", "b", "s"], floatT)
    }),
    .init(name: "Slice negative begin", op: "Slice", expected: "invalidNode", feeds: x23, build: withX { g in
        g.const("b", ints: [-1, 0])
        g.const("s", ints: [1, 1])
        g.node("op", "Slice", ["x", "b", "s"], floatT)
    }),
    // Split, SplitV
    .init(name: "Split not dividing evenly", op: "Split", expected: "invalidNode", feeds: x23, build: withX { g in
        g.const("axis", ints: [1], shape: [])
        g.node("op", "Split", ["axis", "x"], ["T": .type(.float), "num_split": .i(2)])
    }),
    .init(name: "Split zero ways", op: "Split", expected: "invalidAttribute", feeds: x23, build: withX { g in
        g.const("axis", ints: [1], shape: [])
        g.node("op", "Split", ["axis", "x"], ["T": .type(.float), "num_split": .i(0)])
    }),
    .init(name: "SplitV two -1 sizes", op: "SplitV", expected: "invalidNode", feeds: x23, build: withX { g in
        g.const("sizes", ints: [-1, -1])
        g.const("axis", ints: [1], shape: [])
        g.node("op", "SplitV", ["x", "sizes", "axis"], ["T": .type(.float), "num_split": .i(2)])
    }),
    .init(name: "SplitV sizes not adding up", op: "SplitV", expected: "invalidNode", feeds: x23, build: withX { g in
        g.const("sizes", ints: [1, 1])
        g.const("axis", ints: [1], shape: [])
        g.node("op", "SplitV", ["x", "sizes", "axis"], ["T": .type(.float), "num_split": .i(2)])
    }),
    // Squeeze, ExpandDims, Reshape
    .init(name: "Squeeze a dimension that is not 1", op: "Squeeze", expected: "invalidNode", feeds: x23, build: withX { g in
        g.node("op", "Squeeze", ["x"], ["T": .type(.float), "squeeze_dims": .list(.init(i: [-1]))])
    }),
    .init(name: "Squeeze axis out of range", op: "Squeeze", expected: "invalidNode", feeds: x23, build: withX { g in
        g.node("op", "Squeeze", ["x"], ["T": .type(.float), "squeeze_dims": .list(.init(i: [2]))])
    }),
    .init(name: "ExpandDims axis out of range", op: "ExpandDims", expected: "invalidNode", feeds: x23, build: withX { g in
        g.const("axis", ints: [-4], shape: [])
        g.node("op", "ExpandDims", ["x", "axis"], floatT)
    }),
    .init(name: "Reshape to a different size", op: "Reshape", expected: "invalidNode", feeds: x23, build: withX { g in
        g.const("shape", ints: [4, 2])
        g.node("op", "Reshape", ["x", "shape"], floatT)
    }),
    .init(name: "Reshape with two -1", op: "Reshape", expected: "invalidNode", feeds: x23, build: withX { g in
        g.const("shape", ints: [-1, -1])
        g.node("op", "Reshape", ["x", "shape"], floatT)
    }),
    .init(name: "Reshape -1 not dividing", op: "Reshape", expected: "invalidNode", feeds: x23, build: withX { g in
        g.const("shape", ints: [4, -1])
        g.node("op", "Reshape", ["x", "shape"], floatT)
    }),
    .init(name: "Reshape to an overflowing shape", op: "Reshape", expected: "invalidNode", feeds: x23, build: withX { g in
        g.const("shape", i64([1 << 40, 1 << 40, -1]))
        g.node("op", "Reshape", ["x", "shape"], floatT)
    }),
    .init(name: "Reshape shape fed at run time", op: "Reshape", expected: "nonConstantInput",
          feeds: ["x": ValueType(.float32, [2, 3]), "shape": ValueType(.int32, [2])], build: withX { g in
        g.placeholder("shape", [2], type: .int32)
        g.node("op", "Reshape", ["x", "shape"], floatT)
    }),
    // Transpose, Cast, Fill, Pack
    .init(name: "Transpose with a repeated axis", op: "Transpose", expected: "invalidNode", feeds: x23, build: withX { g in
        g.const("perm", ints: [0, 0])
        g.node("op", "Transpose", ["x", "perm"], floatT)
    }),
    .init(name: "Transpose with a negative axis", op: "Transpose", expected: "invalidNode", feeds: x23, build: withX { g in
        g.const("perm", ints: [-1, 0])
        g.node("op", "Transpose", ["x", "perm"], floatT)
    }),
    .init(name: "Cast SrcT disagrees with input", op: "Cast", expected: "inputType", feeds: x23, build: withX { g in
        g.node("op", "Cast", ["x"], ["SrcT": .type(.int32), "DstT": .type(.float)])
    }),
    .init(name: "Cast to half", op: "Cast", expected: "unsupportedDataType", feeds: x23, build: withX { g in
        g.node("op", "Cast", ["x"], ["SrcT": .type(.float), "DstT": .type(.half)])
    }),
    .init(name: "Cast string to float", op: "Cast", expected: "invalidNode",
          feeds: ["x": ValueType(.string, [2])], build: { g in
        g.placeholder("x", [2], type: .string)
        g.node("op", "Cast", ["x"], ["SrcT": .type(.string), "DstT": .type(.float)])
    }),
    .init(name: "Fill with a vector value", op: "Fill", expected: "inputShape", feeds: x23, build: withX { g in
        g.const("dims", ints: [2])
        g.const("v", floats: [1, 2], shape: [2])
        g.node("op", "Fill", ["dims", "v"], floatT)
    }),
    .init(name: "Fill negative dims", op: "Fill", expected: "invalidNode", feeds: x23, build: withX { g in
        g.const("dims", ints: [2, -3])
        g.const("v", floats: [1], shape: [])
        g.node("op", "Fill", ["dims", "v"], floatT)
    }),
    .init(name: "Fill beyond the memory limit", op: "Fill", expected: "invalidNode", feeds: x23, build: withX { g in
        g.const("dims", i64([1 << 20, 1 << 20, 1 << 10]))
        g.const("v", floats: [1], shape: [])
        g.node("op", "Fill", ["dims", "v"], floatT)
    }),
    .init(name: "Fill an empty tensor with a giant dimension", op: "Fill", expected: "invalidNode", feeds: x23,
          build: withX { g in
        g.const("dims", i64([0, 1 << 62]))
        g.const("v", floats: [1], shape: [])
        g.node("op", "Fill", ["dims", "v"], floatT)
    }),
    .init(name: "Pack shape mismatch", op: "Pack", expected: "inputShape", feeds: x23.merging(["y": ValueType(.float32, [3, 2])]) { a, _ in a }, build: withX { g in
        g.placeholder("y", [3, 2])
        g.node("op", "Pack", ["x", "y"], ["T": .type(.float), "N": .i(2)])
    }),
    .init(name: "Pack axis out of range", op: "Pack", expected: "invalidNode", feeds: x23, build: withX { g in
        g.node("op", "Pack", ["x", "x"], ["T": .type(.float), "N": .i(2), "axis": .i(-4)])
    }),
    // State and control
    .init(name: "IdentityN with fewer types than inputs", op: "IdentityN", expected: "inputCount", feeds: x23,
          build: withX { g in g.node("op", "IdentityN", ["x", "x"], ["T": .list(.init(type: [.float]))]) }),
    .init(name: "Const dtype disagreeing with its value", op: "Const", expected: "invalidAttribute", feeds: [:], build: { g in
        g.node("op", "Const", [], [
            "dtype": .type(.int32),
            "value": .tensor(TensorProto(dtype: .float, tensorShape: TensorShapeProto(dims: [1]), floatVal: [1])),
        ])
    }),
    .init(name: "Const without a value", op: "Const", expected: "missingAttribute", feeds: [:], build: { g in
        g.node("op", "Const", [], ["dtype": .type(.float)])
    }),
    .init(name: "ReadVariableOp of a plain tensor", op: "ReadVariableOp", expected: "inputType", feeds: x23,
          build: withX { g in g.node("op", "ReadVariableOp", ["x"], ["dtype": .type(.float)]) }),
    .init(name: "Variable without a static shape", op: "VarHandleOp", expected: "invalidAttribute", feeds: [:], build: { g in
        g.node("op", "VarHandleOp", [], ["dtype": .type(.float), "shape": .shape(TensorShapeProto(unknownRank: true))])
    }),
    .init(name: "Identity with a wrong T", op: "Identity", expected: "inputType", feeds: x23,
          build: withX { g in g.node("op", "Identity", ["x"], ["T": .type(.int64)]) }),
]

@Test(arguments: invalidArrayCases)
func invalidArrayNodesAreRefusedAtPlanTime(_ invalid: InvalidArrayCase) throws {
    var g = GraphBuilder()
    invalid.build(&g)
    let graph = try g.graph()
    let error = #expect(throws: PlanningError.self) { try graph.plan(feeds: invalid.feeds, fetches: ["op"]) }
    guard let error else { return }
    #expect(caseName(of: error) == invalid.expected, "\(error)")
    let text = "\(error)"
    #expect(text.contains("'op'") && text.contains(invalid.op), "error should name node and op: \(text)")
}

/// The enum case of an error, e.g. `invalidNode`.
func caseName(of error: PlanningError) -> String {
    String(String(describing: Mirror(reflecting: error).children.first?.label ?? "\(error)"))
}

// MARK: - Feeds

@Test func feedsAreCheckedAgainstPlaceholders() throws {
    var g = GraphBuilder()
    g.placeholder("x", [-1, 3])
    g.node("y", "Identity", ["x"], floatT)
    let graph = try g.graph()
    _ = try graph.plan(feeds: ["x": ValueType(.float32, [5, 3])], fetches: ["y"])
    #expect(throws: PlanningError.feedMismatch(tensor: "x:0", expected: "shape [?, 3]", found: "shape [5, 4]")) {
        try graph.plan(feeds: ["x": ValueType(.float32, [5, 4])], fetches: ["y"])
    }
    #expect(throws: PlanningError.feedMismatch(tensor: "x:0", expected: "element type DT_FLOAT", found: "int32")) {
        try graph.plan(feeds: ["x": ValueType(.int32, [5, 3])], fetches: ["y"])
    }
    #expect(throws: PlanningError.unfedPlaceholder(node: "x")) { try graph.plan(feeds: [:], fetches: ["y"]) }
    #expect(throws: PlanningError.self) { try graph.plan(feeds: ["nope": ValueType(.float32, [1])], fetches: ["y"]) }

    let plan = try graph.plan(feeds: ["x": ValueType(.float32, [1, 3])], fetches: ["y"])
    let error = #expect(throws: ExecutionError.self) {
        try plan.run(feeds: ["x": Tensor.zeros(.float32, shape: [2, 3])])
    }
    guard case .feedMismatch(let tensor, _, _) = error else {
        Issue.record("expected feedMismatch, got \(String(describing: error))")
        return
    }
    #expect(tensor == "x")
    #expect(throws: ExecutionError.missingFeed(tensor: "x:0")) { try plan.run(feeds: [:]) }
}

@Test func extremeSliceBoundsDoNotTrap() throws {
    var g = GraphBuilder()
    g.placeholder("x", [5])
    g.const("b", i64([Int64.min]))
    g.const("e", i64([Int64.max]))
    g.const("s", i64([Int64.max]))
    g.node("op", "StridedSlice", ["x", "b", "e", "s"], ["T": .type(.float), "Index": .type(.int64)])
    let out = try g.graph().run(feeds: ["x": floats([1, 2, 3, 4, 5], [5])], fetches: ["op"])
    #expect(out[0].scalars(as: Float.self) == [1])
}
