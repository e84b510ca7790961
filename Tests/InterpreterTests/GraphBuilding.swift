import Interpreter
import TFProto
import Tensors

// MARK: - Hand-built graphs for planner and validation tests

/// A small DSL for NodeDefs: `placeholder("x", [2, 3])`, `node("y", "Identity", ["x"], ["T": .type(.float)])`.
struct GraphBuilder {
    var nodes: [NodeDef] = []

    mutating func placeholder(_ name: String, _ shape: [Int64]? = nil, type: DataType = .float) {
        var attr: [String: AttrValue] = ["dtype": .type(type)]
        if let shape { attr["shape"] = .shape(TensorShapeProto(dims: shape)) }
        nodes.append(NodeDef(name: name, op: "Placeholder", attr: attr))
    }

    mutating func const(_ name: String, _ tensor: TensorProto) {
        nodes.append(NodeDef(name: name, op: "Const", attr: ["dtype": .type(tensor.dtype), "value": .tensor(tensor)]))
    }

    mutating func const(_ name: String, ints: [Int32], shape: [Int64]? = nil) {
        const(name, TensorProto(dtype: .int32, tensorShape: TensorShapeProto(dims: shape ?? [Int64(ints.count)]),
                                intVal: ints))
    }

    mutating func const(_ name: String, floats: [Float], shape: [Int64]) {
        const(name, TensorProto(dtype: .float, tensorShape: TensorShapeProto(dims: shape), floatVal: floats))
    }

    mutating func node(_ name: String, _ op: String, _ inputs: [String] = [], _ attr: [String: AttrValue] = [:]) {
        nodes.append(NodeDef(name: name, op: op, input: inputs, attr: attr))
    }

    func graph(opList: OpList? = nil) throws -> Graph {
        try Graph(graphDef: GraphDef(node: nodes), opList: opList)
    }
}

let floatT: [String: AttrValue] = ["T": .type(.float)]

func floats(_ values: [Float], _ shape: Shape) -> Tensor { Tensor(shape: shape, scalars: values) }
