import Interpreter
import TFProto
import Tensors
import Testing

// MARK: - Variables

private func resourceVariableGraph() -> GraphBuilder {
    var g = GraphBuilder()
    g.node("w", "VarHandleOp", [], ["dtype": .type(.float), "shape": .shape(TensorShapeProto(dims: [2]))])
    g.node("w/Initializer/zeros", "RandomStandardNormal", [])  // initializer: must never be planned
    g.node("w/Assign", "AssignVariableOp", ["w", "w/Initializer/zeros"], ["dtype": .type(.float)])
    g.node("read", "ReadVariableOp", ["w"], ["dtype": .type(.float)])
    g.node("out", "Identity", ["read"], floatT)
    return g
}

@Test func variablesAreBoundByNodeNameAndInitializersNeverRun() throws {
    let graph = try resourceVariableGraph().graph()
    let plan = try graph.plan(feeds: [:], fetches: ["out"])
    #expect(plan.variables == ["w": ValueType(.float32, [2], isVariableHandle: true)])
    let out = try plan.run(feeds: [:], variables: ["w": floats([7, 8], [2])])
    #expect(out[0].scalars(as: Float.self) == [7, 8])
}

@Test func missingOrMisshapenVariablesAreRunErrors() throws {
    let plan = try resourceVariableGraph().graph().plan(feeds: [:], fetches: ["out"])
    #expect(throws: ExecutionError.missingVariable(name: "w")) { try plan.run(feeds: [:]) }
    let error = #expect(throws: ExecutionError.self) {
        try plan.run(feeds: [:], variables: ["w": floats([1, 2, 3], [3])])
    }
    guard case .variableMismatch(let name, _, _) = error else {
        Issue.record("expected variableMismatch, got \(String(describing: error))")
        return
    }
    #expect(name == "w")
}

@Test func refVariablesReadThroughIdentity() throws {
    var g = GraphBuilder()
    g.node("v", "VariableV2", [], ["dtype": .type(.int32), "shape": .shape(TensorShapeProto(dims: [3]))])
    g.node("v/read", "Identity", ["v"], ["T": .type(.int32)])
    let out = try g.graph().run(feeds: [:], fetches: ["v/read"],
                                variables: ["v": Tensor(shape: [3], scalars: [Int32(1), 2, 3])])
    #expect(out[0].scalars(as: Int32.self) == [1, 2, 3])
}

@Test func readingAVariableWithTheWrongDtypeIsAPlanError() throws {
    var g = resourceVariableGraph()
    g.node("bad", "ReadVariableOp", ["w"], ["dtype": .type(.int32)])
    let error = #expect(throws: PlanningError.self) { try g.graph().plan(feeds: [:], fetches: ["bad"]) }
    guard case .invalidAttribute(let node, let op, let attribute, _, _) = error else {
        Issue.record("got \(String(describing: error))")
        return
    }
    #expect((node, op, attribute) == ("bad", "ReadVariableOp", "dtype"))
}

// MARK: - Const decoding

private func constValue(_ tensor: TensorProto) throws -> Tensor {
    var g = GraphBuilder()
    g.const("c", tensor)
    return try g.graph().run(feeds: [:], fetches: ["c"])[0]
}

@Test func constDecodingFollowsTensorFlowsFillRules() throws {
    let shape = TensorShapeProto(dims: [2, 2])
    #expect(try constValue(TensorProto(dtype: .float, tensorShape: shape, floatVal: [1, 2])).scalars(as: Float.self)
        == [1, 2, 2, 2])
    #expect(try constValue(TensorProto(dtype: .int64, tensorShape: shape)).scalars(as: Int64.self) == [0, 0, 0, 0])
    #expect(try constValue(TensorProto(dtype: .bool, tensorShape: TensorShapeProto(dims: [3]), boolVal: [true]))
        .scalars(as: Bool.self) == [true, true, true])
    let content: [UInt8] = [0x02, 0x00, 0x61, 0x62]  // strings "ab", ""
    #expect(try constValue(TensorProto(dtype: .string, tensorShape: TensorShapeProto(dims: [2]), tensorContent: content))
        .strings == [[0x61, 0x62], []])
}

@Test func undecodableConstsNameTheNode() throws {
    let half = TensorProto(dtype: .half, tensorShape: TensorShapeProto(dims: [1]), halfVal: [15360])
    #expect(throws: PlanningError.unsupportedDataType(node: "c", op: "Const", dataType: "DT_HALF")) {
        try constValue(half)
    }
    let short = TensorProto(dtype: .float, tensorShape: TensorShapeProto(dims: [2]), tensorContent: [0, 0, 0x80, 0x3F])
    let error = #expect(throws: PlanningError.self) { try constValue(short) }
    guard case .invalidAttribute(let node, _, let attribute, _, let found) = error else {
        Issue.record("got \(String(describing: error))")
        return
    }
    #expect(node == "c" && attribute == "value" && found.contains("4 bytes"))
    let badBool = TensorProto(dtype: .bool, tensorShape: TensorShapeProto(dims: [1]), tensorContent: [2])
    #expect(throws: PlanningError.self) { try constValue(badBool) }
    let huge = TensorProto(dtype: .float, tensorShape: TensorShapeProto(dims: [1 << 40, 1 << 30]), floatVal: [1])
    #expect(throws: PlanningError.self) { try constValue(huge) }
    let unknownRank = TensorProto(dtype: .float, tensorShape: TensorShapeProto(unknownRank: true))
    #expect(throws: PlanningError.self) { try constValue(unknownRank) }
}

// MARK: - Attribute defaults

@Test func strippedAttributesComeFromTheOpListOrBuiltInDefaults() throws {
    // A StridedSlice whose masks were stripped on export (all defaults).
    var g = GraphBuilder()
    g.placeholder("x", [3, 2])
    g.const("b", ints: [1])
    g.const("e", ints: [2])
    g.const("s", ints: [1])
    g.node("y", "StridedSlice", ["x", "b", "e", "s"], ["T": .type(.float), "Index": .type(.int32)])
    let x = floats([1, 2, 3, 4, 5, 6], [3, 2])
    // Built-in defaults: all masks 0, so y = x[1:2] with shape [1, 2].
    let plain = try g.graph().run(feeds: ["x": x], fetches: ["y"])
    #expect(plain[0].shape == [1, 2])
    // A stripped_op_list whose default shrink_axis_mask is 1 takes precedence: y = x[1], shape [2].
    var op = OpDef(name: "StridedSlice")
    op.attr = [OpDef.AttrDef(name: "shrink_axis_mask", type: "int", defaultValue: .i(1))]
    let shrunk = try g.graph(opList: OpList(op: [op])).run(feeds: ["x": x], fetches: ["y"])
    #expect(shrunk[0].shape == [2])
    #expect(shrunk[0].scalars(as: Float.self) == [3, 4])
}
