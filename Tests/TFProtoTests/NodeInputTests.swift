import Testing
import TFProto

// Input syntax from node_def.proto: "node", "node:N", "^node"; the suffix after the last ':' is an
// output index only when it is all digits.
@Test(arguments: [
    ("conv", NodeInput.data(node: "conv", output: 0)),
    ("conv:0", NodeInput.data(node: "conv", output: 0)),
    ("split:2", NodeInput.data(node: "split", output: 2)),
    ("^init", NodeInput.control(node: "init")),
    ("scope/a:b:3", NodeInput.data(node: "scope/a:b", output: 3)),
    ("scope/a:b", NodeInput.data(node: "scope/a:b", output: 0)),
    ("x:", NodeInput.data(node: "x:", output: 0)),
    ("x:+1", NodeInput.data(node: "x:+1", output: 0)),
    ("x:99999999999999999999999", NodeInput.data(node: "x:99999999999999999999999", output: 0)),
])
func parsesNodeInput(text: String, expected: NodeInput) {
    #expect(NodeInput(parsing: text) == expected)
}

@Test func nodeDefParsesItsInputs() {
    let node = NodeDef(name: "add", op: "AddV2", input: ["a", "b:1", "^c"])
    #expect(node.parsedInputs == [.data(node: "a", output: 0), .data(node: "b", output: 1), .control(node: "c")])
    #expect(node.parsedInputs.map(\.text) == ["a", "b:1", "^c"])
}
