import Interpreter
import Tensors
import TFProto

// MARK: - GraphDef planning

enum GraphTarget {
    static func run(_ bytes: UnsafeRawBufferPointer) {
        guard let graphDef = try? GraphDef(serializedBytes: bytes),
              let graph = try? Graph(graphDef: graphDef, limits: SavedModelTarget.graphLimits)
        else { return }
        let placeholders = graphDef.node.filter { $0.op == "Placeholder" || $0.op == "PlaceholderWithDefault" }
        let fed = placeholders.prefix(8).map(\.name)
        let fetched = graphDef.node.suffix(4).map(\.name)
        plan(graph, inputs: fed, fetches: fetched, types: Dictionary(
            placeholders.map { ($0.name, feedType($0)) }, uniquingKeysWith: { first, _ in first }))
        // Each fetch alone too: one failing fetch must not hide the planning of the others.
        for name in fetched.prefix(2) {
            plan(graph, inputs: fed, fetches: [name + ":0"])
        }
    }

    /// Plans `fetches` with every name in `inputs` fed (by `types`, else float32 [1, 2, 2, 3]).
    static func plan(_ graph: Graph, inputs: [String], fetches: [String], types: [String: ValueType] = [:]) {
        var feeds: [String: ValueType] = [:]
        for name in inputs {
            let node = name.split(separator: ":").first.map(String.init) ?? name
            feeds[name] = types[node] ?? ValueType(.float32, [1, 2, 2, 3])
        }
        _ = try? graph.plan(feeds: feeds, fetches: fetches)
    }

    /// The placeholder's own dtype and shape, unknown dimensions as 2 and sizes capped, so plans stay small.
    static func feedType(_ node: NodeDef) -> ValueType {
        var type = ElementType.float32
        if case .type(let code)? = node.attr["dtype"], let known = elementTypes[code.rawValue] { type = known }
        var dims = [1, 2, 2, 3]
        if case .shape(let shape)? = node.attr["shape"], let known = shape.dims {
            dims = known.prefix(6).map { $0 < 0 ? 2 : Int(min($0, 8)) }
        }
        return ValueType(type, Shape(dims))
    }

    static let elementTypes: [Int32: ElementType] = [
        1: .float32, 2: .float64, 3: .int32, 4: .uint8, 5: .int16, 6: .int8, 7: .string, 9: .int64,
        10: .bool, 17: .uint16, 22: .uint32, 23: .uint64,
    ]
}
