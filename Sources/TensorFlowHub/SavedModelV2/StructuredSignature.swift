import TFProto

/// The tensors of a saved concrete function's input or output structure, in the order the function
/// takes or returns them (`nest.flatten`: sequences in order, dicts by sorted key), each with the key a
/// caller uses for it.
struct StructuredSignature {
    struct Leaf: Equatable {
        /// The caller-facing key: the innermost dict key on the way to the tensor, else the argument
        /// name (with `_i` for each sequence index below it).
        let key: String
        let spec: TensorSpecProto
    }

    /// Where a non-tensor value was found, for errors.
    struct NonTensor: Error {
        let path: String
        let what: String
    }

    let leaves: [Leaf]

    /// The tensor inputs of `(args, kwargs)`: Python values (`training=False`, `None`) are baked into
    /// the concrete function and take no input; a composite tensor (ragged, sparse) is refused.
    ///
    /// - Parameter argumentNames: the positional parameter names (`FullArgSpec.args`, `self` removed).
    init(inputs: StructuredValue, argumentNames: [String]) throws(NonTensor) {
        var leaves: [Leaf] = []
        guard case .tuple(let pair) = inputs, pair.count == 2 else {
            throw NonTensor(path: "", what: "an input signature that is not an (args, kwargs) pair")
        }
        let positional: [StructuredValue]
        switch pair[0] {
        case .tuple(let values), .list(let values): positional = values
        default: throw NonTensor(path: "args", what: "positional arguments that are not a tuple")
        }
        for (index, value) in positional.enumerated() {
            let name = index < argumentNames.count ? argumentNames[index] : "args_\(index)"
            try Self.collect(value, key: name, path: "args[\(index)]", into: &leaves)
        }
        guard case .dict(let keywords) = pair[1] else {
            throw NonTensor(path: "kwargs", what: "keyword arguments that are not a dict")
        }
        for (name, value) in keywords.sorted(by: { $0.key < $1.key }) {
            try Self.collect(value, key: name, path: "kwargs['\(name)']", into: &leaves)
        }
        self.leaves = Self.unique(leaves)
    }

    /// The tensor outputs of an output structure: a single tensor is `default`, a sequence's tensors
    /// `output_<i>`, a dict's its keys.
    init(outputs: StructuredValue) throws(NonTensor) {
        var leaves: [Leaf] = []
        switch outputs {
        case .tensorSpec, .boundedTensorSpec:
            try Self.collect(outputs, key: "default", path: "", into: &leaves)
        case .tuple(let values), .list(let values):
            for (index, value) in values.enumerated() {
                try Self.collect(value, key: "output_\(index)", path: "[\(index)]", into: &leaves)
            }
        default:
            try Self.collect(outputs, key: "default", path: "", into: &leaves)
        }
        self.leaves = Self.unique(leaves)
    }

    private static func collect(_ value: StructuredValue, key: String, path: String, into leaves: inout [Leaf]) throws(NonTensor) {
        switch value {
        case .tensorSpec(let spec):
            leaves.append(Leaf(key: key, spec: spec))
        case .boundedTensorSpec(let bounded):
            leaves.append(Leaf(key: key, spec: TensorSpecProto(name: bounded.name, shape: bounded.shape, dtype: bounded.dtype)))
        case .typeSpec(let spec):
            throw NonTensor(path: path, what: "a composite tensor (\(spec.typeSpecClassName.isEmpty ? "type spec class \(spec.typeSpecClass)" : spec.typeSpecClassName)), not a dense tensor")
        case .tuple(let values), .list(let values):
            for (index, element) in values.enumerated() {
                try collect(element, key: "\(key)_\(index)", path: "\(path)[\(index)]", into: &leaves)
            }
        case .dict(let fields):
            for (name, element) in fields.sorted(by: { $0.key < $1.key }) {
                try collect(element, key: name, path: "\(path)['\(name)']", into: &leaves)
            }
        case .namedTuple(_, let values):
            for pair in values {
                try collect(pair.value, key: pair.key, path: "\(path).\(pair.key)", into: &leaves)
            }
        case .tensor, .numpy:
            throw NonTensor(path: path, what: "a constant tensor argument, which the saved function does not take as an input")
        case .unset, .none, .float64, .int64, .string, .bool, .tensorShape, .tensorDType:
            break  // A Python value: part of the trace, not an input.
        }
    }

    /// Keys made unique (`key`, `key_1`, ...) in order.
    private static func unique(_ leaves: [Leaf]) -> [Leaf] {
        var used: Set<String> = []
        return leaves.map { leaf in
            var key = leaf.key
            var suffix = 1
            while used.contains(key) {
                key = "\(leaf.key)_\(suffix)"
                suffix += 1
            }
            used.insert(key)
            return Leaf(key: key, spec: leaf.spec)
        }
    }
}

extension FunctionSpec {
    /// The positional parameter names (`FullArgSpec.args`, without `self` for a method).
    var argumentNames: [String] {
        guard case .list(let names)? = fullargspec?[field: "args"] else { return [] }
        let all = names.compactMap { if case .string(let name) = $0 { return name } else { return nil } }
        return isMethod ? Array(all.dropFirst()) : all
    }

    /// The value a concrete function was traced with for parameter `name` (positional or keyword),
    /// else its default; `nil` when the function has no such parameter.
    func tracedValue(of name: String, in inputs: StructuredValue?) -> StructuredValue? {
        guard case .tuple(let pair)? = inputs, pair.count == 2 else { return nil }
        let names = argumentNames
        if let index = names.firstIndex(of: name) {
            if case .tuple(let positional) = pair[0], index < positional.count { return positional[index] }
            if case .dict(let keywords) = pair[1], let value = keywords[name] { return value }
            // Defaults belong to the last parameters.
            if case .tuple(let defaults)? = fullargspec?[field: "defaults"] {
                let offset = names.count - defaults.count
                if index >= offset { return defaults[index - offset] }
            }
            return nil
        }
        if case .dict(let keywords) = pair[1] { return keywords[name] }
        return nil
    }
}
