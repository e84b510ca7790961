import TFProto

// MARK: - Checking built-in defaults against TensorFlow's op registry

extension Graph {
    /// Differences between the interpreter's built-in attribute defaults (used when a graph comes
    /// without a `stripped_op_list`) and the defaults of `opList` (e.g. TensorFlow's own OpDefs), one
    /// line per difference; ops that `opList` lacks are reported too. Empty when they agree.
    public static func builtInDefaultMismatches(comparedWith opList: OpList) -> [String] {
        let reference = Dictionary(opList.op.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var problems: [String] = []
        for (name, definition) in OpRegistry.standard.definitions.sorted(by: { $0.key < $1.key }) {
            guard let op = reference[name] else {
                problems.append("\(name): not in the op list")
                continue
            }
            let expected = op.attrDefaults.mapValues(AttributeValue.init)
            for attribute in Set(expected.keys).union(definition.defaults.keys).sorted() {
                switch (definition.defaults[attribute], expected[attribute]) {
                case (nil, _?):
                    problems.append("\(name).\(attribute): TensorFlow has a default, the interpreter none")
                case (_?, nil):
                    problems.append("\(name).\(attribute): the interpreter has a default, TensorFlow none")
                case let (ours?, theirs?) where !ours.sameValue(as: theirs):
                    problems.append("\(name).\(attribute): interpreter \(ours.summary), TensorFlow \(theirs.summary)")
                default:
                    break
                }
            }
        }
        return problems
    }
}

extension AttributeValue {
    /// Value equality for the kinds defaults use (tensor and function values never compare equal).
    func sameValue(as other: AttributeValue) -> Bool {
        switch (self, other) {
        case let (.int(a), .int(b)): return a == b
        case let (.float(a), .float(b)): return a == b
        case let (.bool(a), .bool(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.type(a), .type(b)): return a == b
        case let (.shape(a), .shape(b)): return a == b
        case let (.list(a), .list(b)):
            return a.ints == b.ints && a.floats == b.floats && a.bools == b.bools && a.strings == b.strings
                && a.types == b.types && a.shapes == b.shapes && a.tensors.isEmpty && b.tensors.isEmpty
                && a.functions == b.functions
        case (.unset, .unset): return true
        default: return false
        }
    }

    var summary: String {
        switch self {
        case .int(let i): return "\(i)"
        case .float(let f): return "\(f)"
        case .bool(let b): return "\(b)"
        case .string(let s): return "\"\(String(decoding: s, as: UTF8.self))\""
        case .type(let t): return t.description
        case .shape(let s): return s.description
        case .list(let l):
            return "list(ints: \(l.ints), floats: \(l.floats), strings: \(l.strings.count), types: \(l.types))"
        default: return kindName
        }
    }
}
