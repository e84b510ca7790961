import Interpreter
import Tensors
import TFProto

// MARK: - GraphDef planning and running

enum GraphTarget {
    static func run(_ bytes: UnsafeRawBufferPointer) {
        guard let graphDef = try? GraphDef(serializedBytes: bytes),
              let graph = try? Graph(graphDef: graphDef, limits: SavedModelTarget.graphLimits)
        else { return }
        let placeholders = graphDef.node.filter { $0.op == "Placeholder" || $0.op == "PlaceholderWithDefault" }
        let fed = placeholders.prefix(8).map(\.name)
        let fetched = graphDef.node.suffix(4).map(\.name)
        plan(graph, inputs: fed, fetches: fetched, types: Dictionary(
            placeholders.map { ($0.name, feedType($0)) }, uniquingKeysWith: { first, _ in first }), execute: true)
        // Each fetch alone too: one failing fetch must not hide the planning of the others.
        for name in fetched.prefix(2) {
            plan(graph, inputs: fed, fetches: [name + ":0"])
        }
    }

    /// Plans `fetches` with every name in `inputs` fed (by `types`, else float32 [1, 2, 2, 3]). With
    /// `execute`, plans with and without the plan-time rewrites, runs both on the same feeds, and
    /// requires the two to agree on every output's type and shape (values may differ in rounding).
    static func plan(
        _ graph: Graph, inputs: [String], fetches: [String], types: [String: ValueType] = [:], execute: Bool = false
    ) {
        var feeds: [String: ValueType] = [:]
        for name in inputs {
            let node = name.split(separator: ":").first.map(String.init) ?? name
            feeds[name] = types[node] ?? ValueType(.float32, [1, 2, 2, 3])
        }
        guard execute else {
            _ = try? graph.plan(feeds: feeds, fetches: fetches)
            return
        }
        let values = feeds.mapValues(sampleTensor)
        var outcomes: [[String]?] = []
        for optimize in [true, false] {
            let options = PlanOptions(threads: 1, optimize: optimize)
            let outputs = try? graph.plan(feeds: feeds, fetches: fetches, options: options).run(feeds: values)
            outcomes.append(outputs.map { $0.map { "\($0.elementType) \($0.shape)" } })
        }
        if let rewritten = outcomes[0], let plain = outcomes[1], rewritten != plain {
            fatalError("plan-time rewrites changed the outputs of \(fetches): \(rewritten) versus \(plain)")
        }
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

    /// Deterministic values of `type`: small numbers around zero, a few negative, bools alternating.
    static func sampleTensor(_ type: ValueType) -> Tensor {
        let count = type.shape.elementCount
        switch type.elementType {
        case .string:
            return Tensor(shape: type.shape, strings: (0..<count).map { Array("s\($0 % 3)".utf8) })
        case .float32:
            return Tensor(shape: type.shape, of: Float.self) { out in
                for i in out.indices { out[i] = Float(i % 7) * 0.25 - 0.5 }
            }
        case .float64:
            return Tensor(shape: type.shape, of: Double.self) { out in
                for i in out.indices { out[i] = Double(i % 7) * 0.25 - 0.5 }
            }
        case .bool:
            return Tensor(shape: type.shape, of: Bool.self) { out in
                for i in out.indices { out[i] = i % 2 == 0 }
            }
        default:
            let size = type.elementType.byteSize ?? 1
            let storage = TensorStorage(uninitializedByteCount: count * size)
            let bytes = storage.mutableRawBuffer
            for i in 0..<bytes.count { bytes[i] = i % size == 0 ? UInt8((i / size) % 5) : 0 }
            return Tensor(elementType: type.elementType, shape: type.shape, storage: storage)
        }
    }

    static let elementTypes: [Int32: ElementType] = [
        1: .float32, 2: .float64, 3: .int32, 4: .uint8, 5: .int16, 6: .int8, 7: .string, 9: .int64,
        10: .bool, 17: .uint16, 22: .uint32, 23: .uint64,
    ]
}
