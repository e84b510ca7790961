import Interpreter
import TFProto
import Tensors
import Testing

// MARK: - Hand-built function libraries

/// Functions as TF writes them: body tensors `node:output_arg:index`, arguments by name.
private enum Functions {
    static func arg(_ name: String, _ type: DataType = .float) -> OpDef.ArgDef { OpDef.ArgDef(name: name, type: type) }

    /// y = v * 2, with Mul's `T` a placeholder for the function attribute `T`.
    static let double = FunctionDef(
        signature: OpDef(name: "double", inputArg: [arg("v")], outputArg: [arg("y")],
                         attr: [OpDef.AttrDef(name: "T", type: "type")]),
        nodeDef: [
            NodeDef(name: "two", op: "Const", attr: [
                "dtype": .type(.float), "value": .tensor(TensorProto(dtype: .float, tensorShape: TensorShapeProto(dims: []), floatVal: [2]))]),
            NodeDef(name: "mul", op: "Mul", input: ["v", "two:output:0"], attr: ["T": .placeholder("T")]),
        ],
        ret: ["y": "mul:z:0"])

    /// y = double(double(v)), calling `double` as an op.
    static let quadruple = FunctionDef(
        signature: OpDef(name: "quadruple", inputArg: [arg("v")], outputArg: [arg("y")]),
        nodeDef: [
            NodeDef(name: "d1", op: "double", input: ["v"], attr: ["T": .type(.float)]),
            NodeDef(name: "d2", op: "double", input: ["d1:y:0"], attr: ["T": .type(.float)]),
        ],
        ret: ["y": "d2:y:0"])

    /// y = v + read(handle): a resource argument bound to the caller's VarHandleOp.
    static let addVariable = FunctionDef(
        signature: OpDef(name: "add_variable", inputArg: [arg("v"), arg("handle", .resource)], outputArg: [arg("y")]),
        nodeDef: [
            NodeDef(name: "read", op: "ReadVariableOp", input: ["handle"], attr: ["dtype": .type(.float)]),
            NodeDef(name: "add", op: "AddV2", input: ["v", "read:value:0"], attr: ["T": .type(.float)]),
        ],
        ret: ["y": "add:z:0"])

    static let negate = FunctionDef(
        signature: OpDef(name: "negate", inputArg: [arg("v")], outputArg: [arg("y")]),
        nodeDef: [
            NodeDef(name: "zero", op: "Const", attr: [
                "dtype": .type(.float), "value": .tensor(TensorProto(dtype: .float, tensorShape: TensorShapeProto(dims: []), floatVal: [0]))]),
            NodeDef(name: "sub", op: "Sub", input: ["zero:output:0", "v"], attr: ["T": .type(.float)]),
        ],
        ret: ["y": "sub:z:0"])

    /// A function whose body calls `callee` as an op.
    static func calling(_ name: String, _ callee: String) -> FunctionDef {
        FunctionDef(
            signature: OpDef(name: name, inputArg: [arg("v")], outputArg: [arg("y")]),
            nodeDef: [NodeDef(name: "inner", op: callee, input: ["v"])],
            ret: ["y": "inner:y:0"])
    }

    static let opList = OpList(op: [
        OpDef(name: "Const", outputArg: [OpDef.ArgDef(name: "output", typeAttr: "dtype")]),
        OpDef(name: "Mul", outputArg: [OpDef.ArgDef(name: "z", typeAttr: "T")]),
        OpDef(name: "Sub", outputArg: [OpDef.ArgDef(name: "z", typeAttr: "T")]),
        OpDef(name: "AddV2", outputArg: [OpDef.ArgDef(name: "z", typeAttr: "T")]),
        OpDef(name: "ReadVariableOp", outputArg: [OpDef.ArgDef(name: "value", typeAttr: "dtype")]),
    ])
}

private func partitionedCall(_ name: String, _ function: String, _ inputs: [String], op: String = "PartitionedCall",
                             attr: [String: AttrValue] = [:], tin: [DataType] = [.float]) -> NodeDef {
    NodeDef(name: name, op: op, input: inputs, attr: [
        "f": .func(NameAttrList(name: function, attr: attr)),
        "Tin": .list(AttrValue.ListValue(type: tin)), "Tout": .list(AttrValue.ListValue(type: [.float])),
    ])
}

private func boolConst(_ name: String, _ value: Bool) -> NodeDef {
    NodeDef(name: name, op: "Const", attr: [
        "dtype": .type(.bool), "value": .tensor(TensorProto(dtype: .bool, tensorShape: TensorShapeProto(dims: []), boolVal: [value]))])
}

private let xPlaceholder = NodeDef(name: "x", op: "Placeholder", attr: ["dtype": .type(.float), "shape": .shape(TensorShapeProto(dims: [3]))])
private let x = Tensor(shape: [3], scalars: [Float(1), -2, 0.5])

private func graph(_ nodes: [NodeDef], _ functions: [FunctionDef], fetches: [String]? = nil) throws -> Graph {
    try Graph(graphDef: GraphDef(node: nodes, library: FunctionDefLibrary(function: functions)),
              opList: Functions.opList, functionCallsReaching: fetches, feeds: ["x"])
}

private func run(_ graph: Graph, _ fetch: String, variables: [String: Tensor] = [:]) throws -> [Float] {
    try graph.run(feeds: ["x": x], fetches: [fetch], variables: variables)[0].scalars(as: Float.self)
}

// MARK: - Inlining

@Test func partitionedCallIsInlinedWithPlaceholderAttributes() throws {
    for op in ["PartitionedCall", "StatefulPartitionedCall"] {
        let g = try graph([xPlaceholder, partitionedCall("call", "double", ["x"], op: op, attr: ["T": .type(.float)])],
                          [Functions.double])
        #expect(try run(g, "call:0") == [2, -4, 1], "\(op)")
        #expect(g.opHistogram(reaching: ["call"], stoppingAt: ["x"])["Mul"] == 1)
    }
}

@Test func placeholderTheCallDoesNotSetIsATypedError() throws {
    #expect {
        _ = try graph([xPlaceholder, partitionedCall("call", "double", ["x"])], [Functions.double])
    } throws: { error in
        guard case .invalidFunction("double", "mul", let reason)? = error as? PlanningError else { return false }
        return reason.contains("'T'")
    }
}

@Test func functionsCallingFunctionsAreInlinedRecursively() throws {
    let g = try graph([xPlaceholder, partitionedCall("call", "quadruple", ["x"]),
                       NodeDef(name: "y", op: "Identity", input: ["call"], attr: ["T": .type(.float)])],
                      [Functions.double, Functions.quadruple])
    #expect(try run(g, "y") == [4, -8, 2])
    #expect(try run(g, "call:0") == [4, -8, 2])
}

@Test func resourceArgumentReadsTheOuterVariable() throws {
    let handle = NodeDef(name: "w", op: "VarHandleOp", attr: ["dtype": .type(.float), "shape": .shape(TensorShapeProto(dims: [3]))])
    let g = try graph([xPlaceholder, handle, partitionedCall("call", "add_variable", ["x", "w"], tin: [.float, .resource])],
                      [Functions.addVariable])
    let w = Tensor(shape: [3], scalars: [Float(10), 20, 30])
    #expect(try run(g, "call:0", variables: ["w": w]) == [11, 18, 30.5])
    #expect(try run(g.freezingVariables(["w": w]), "call:0") == [11, 18, 30.5])
}

@Test(arguments: ["If", "StatelessIf"], [true, false])
func ifOnAConstantTakesItsBranch(op: String, condition: Bool) throws {
    let call = NodeDef(name: "cond", op: op, input: ["c", "x"], attr: [
        "then_branch": .func(NameAttrList(name: "double", attr: ["T": .type(.float)])),
        "else_branch": .func(NameAttrList(name: "negate")),
        "Tin": .list(AttrValue.ListValue(type: [.float])), "Tout": .list(AttrValue.ListValue(type: [.float])),
    ])
    let g = try graph([xPlaceholder, boolConst("c", condition), call], [Functions.double, Functions.negate])
    #expect(try run(g, "cond:0") == (condition ? [2, -4, 1] : [-1, 2, -0.5]))
}

@Test func ifOnARunTimeConditionIsRefused() throws {
    let predicate = NodeDef(name: "p", op: "Placeholder", attr: ["dtype": .type(.bool)])
    let call = NodeDef(name: "cond", op: "If", input: ["p", "x"], attr: [
        "then_branch": .func(NameAttrList(name: "negate")), "else_branch": .func(NameAttrList(name: "negate")),
    ])
    #expect {
        _ = try graph([xPlaceholder, predicate, call], [Functions.negate], fetches: ["cond"])
    } throws: { error in
        guard case .invalidNode("cond", "If", _)? = error as? PlanningError else { return false }
        return true
    }
}

// MARK: - Refusals and unreached functions

@Test func recursionIsRefusedNamingTheChain() throws {
    #expect(throws: PlanningError.recursiveFunction(node: "call/inner/inner", chain: ["f", "g", "f"])) {
        _ = try graph([xPlaceholder, partitionedCall("call", "f", ["x"])],
                      [Functions.calling("f", "g"), Functions.calling("g", "f")])
    }
    #expect(throws: PlanningError.recursiveFunction(node: "call/inner", chain: ["f", "f"])) {
        _ = try graph([xPlaceholder, partitionedCall("call", "f", ["x"])], [Functions.calling("f", "f")])
    }
}

@Test func unknownFunctionNamesTheNodeAndFunction() throws {
    #expect(throws: PlanningError.unknownFunction(node: "call", op: "StatefulPartitionedCall", function: "nope")) {
        _ = try graph([xPlaceholder, partitionedCall("call", "nope", ["x"], op: "StatefulPartitionedCall")],
                      [Functions.negate])
    }
}

@Test func unreachedLibraryIsIgnored() throws {
    let nodes = [
        xPlaceholder,
        NodeDef(name: "y", op: "Identity", input: ["x"], attr: ["T": .type(.float)]),
        // Calls nothing fetched reaches, even broken ones, stay as written.
        partitionedCall("initializer", "nope", ["x"]),
        partitionedCall("loop", "f", ["x"]),
    ]
    let functions = [Functions.calling("f", "f"), Functions.negate, Functions.double]
    let g = try graph(nodes, functions, fetches: ["y"])
    #expect(try run(g, "y") == [1, -2, 0.5])
    #expect(g.nodeCount == nodes.count)
    // A library nothing calls at all.
    let plain = try graph([xPlaceholder, NodeDef(name: "y", op: "Identity", input: ["x"], attr: ["T": .type(.float)])],
                          functions)
    #expect(try run(plain, "y") == [1, -2, 0.5])
}
