import Tensors

/// Emits the nodes of a gradient computation: every node gets a fresh name under `prefix`, shapes are
/// written as constants (the forward pass's types are all known), and attributes are TensorFlow's, so
/// the result is planned and run like any other graph.
struct GradientBuilder {
    let prefix: String
    let types: [TensorName: ValueType]
    /// Forward tensors whose values are known at plan time (axes, shapes).
    let constants: [TensorName: Tensor]
    private(set) var nodes: [GraphNode] = []
    private var counter = 0

    init(prefix: String, types: [TensorName: ValueType], constants: [TensorName: Tensor]) {
        self.prefix = prefix
        self.types = types
        self.constants = constants
    }

    /// The plan-time value of an int32/int64 forward tensor.
    func constantInts(_ tensor: TensorName) -> [Int]? {
        guard let value = constants[tensor] else { return nil }
        switch value.elementType {
        case .int32: return value.scalars(as: Int32.self).map(Int.init)
        case .int64: return value.scalars(as: Int64.self).map { Int(clamping: $0) }
        default: return nil
        }
    }

    /// The planned type of a forward tensor or of an emitted one.
    func type(of tensor: TensorName) -> ValueType? { types[tensor] ?? emittedTypes[tensor] }
    private var emittedTypes: [TensorName: ValueType] = [:]

    /// Adds a node and returns its output 0 (or `output`), with `type` recorded for later rules.
    @discardableResult
    mutating func emit(
        _ op: String, _ inputs: [TensorName], _ attributes: [String: AttributeValue] = [:], for forward: String,
        types outputTypes: [ValueType]
    ) -> TensorName {
        counter += 1
        let name = "\(prefix)/\(forward)/\(op)_\(counter)"
        nodes.append(GraphNode(name: name, op: op, inputs: inputs.map { .data($0) }, attributes: attributes))
        for (index, type) in outputTypes.enumerated() { emittedTypes[TensorName(node: name, output: index)] = type }
        return TensorName(node: name)
    }

    /// A `Const` holding `tensor`.
    mutating func constant(_ tensor: Tensor, for forward: String) -> TensorName {
        emit("Const", [], ["dtype": .type(DataTypeCode(tensor.elementType)), "value": .tensor(TensorLiteral(tensor))],
             for: forward, types: [ValueType(tensor.elementType, tensor.shape)])
    }

    /// An int32 vector constant (shapes, axes, sizes).
    mutating func ints(_ values: [Int], for forward: String) -> TensorName {
        constant(Tensor(shape: [values.count], scalars: values.map { Int32($0) }), for: forward)
    }

    mutating func reshape(_ tensor: TensorName, to shape: Shape, for forward: String) -> TensorName {
        guard type(of: tensor)?.shape != shape else { return tensor }
        let dims = ints(shape.dimensions, for: forward)
        return emit("Reshape", [tensor, dims], ["T": .type(DataTypeCode(.float32)), "Tshape": .type(DataTypeCode(.int32))],
                    for: forward, types: [ValueType(.float32, shape)])
    }

    /// The sum of `parts` (all of one float32 type): the part itself, or `AddN`.
    mutating func sum(_ parts: [TensorName], for forward: String) -> TensorName {
        guard parts.count > 1, let type = type(of: parts[0]) else { return parts[0] }
        return emit("AddN", parts, ["T": .type(DataTypeCode(.float32)), "N": .int(Int64(parts.count))],
                    for: forward, types: [type])
    }

    /// `dy` summed over the axes along which a value of `shape` was broadcast to `dy`'s shape, then
    /// reshaped to `shape` (NumPy rules: leading axes added, size-1 axes stretched).
    mutating func unbroadcast(_ dy: TensorName, to shape: Shape, for forward: String) -> TensorName {
        guard let full = type(of: dy)?.shape, full != shape else { return dy }
        let offset = full.rank - shape.rank
        var axes: [Int] = []
        for axis in 0..<full.rank {
            let own = axis - offset
            if own < 0 || (shape[own] == 1 && full[axis] != 1) { axes.append(axis) }
        }
        guard !axes.isEmpty else { return reshape(dy, to: shape, for: forward) }
        var reducedDims = full.dimensions
        for axis in axes { reducedDims[axis] = 1 }
        let axisTensor = ints(axes, for: forward)
        let summed = emit("Sum", [dy, axisTensor], [
            "T": .type(DataTypeCode(.float32)), "Tidx": .type(DataTypeCode(.int32)), "keep_dims": .bool(true),
        ], for: forward, types: [ValueType(.float32, Shape(reducedDims))])
        return reshape(summed, to: shape, for: forward)
    }

    /// A float32 tensor of `shape` filled with `value`.
    mutating func filled(_ value: Float, shape: Shape, for forward: String) -> TensorName {
        constant(Tensor(shape: shape, scalars: [Float](repeating: value, count: shape.elementCount)), for: forward)
    }
}
