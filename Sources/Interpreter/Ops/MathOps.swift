import Kernels
import Tensors

// MARK: - Element-wise math, reductions and random ops

/// Broadcasting binary ops, AddN, unary math, Sum/Mean/Max reductions and seeded RandomUniform.
func mathOps() -> [OpDefinition] {
    let binaries: [(String, BinaryOperation)] = [
        ("Add", .add), ("AddV2", .add), ("Sub", .subtract), ("Mul", .multiply), ("RealDiv", .divide),
        ("Maximum", .maximum), ("Minimum", .minimum),
    ]
    let unaries: [(String, UnaryOperation)] = [("Rsqrt", .rsqrt), ("Sqrt", .sqrt), ("Square", .square), ("Floor", .floor)]
    let reductions: [(String, ReductionOperation)] = [("Sum", .sum), ("Mean", .mean), ("Max", .max)]
    let reductionDefaults: [String: AttributeValue] = ["keep_dims": .bool(false), "Tidx": .type(DataTypeCode(rawValue: 3))]
    return binaries.map { name, op in OpDefinition(name, traits: .elementwise) { try binaryOp($0, op) } }
        + unaries.map { name, op in OpDefinition(name, traits: .perExample) { try unaryOp($0, op) } }
        + reductions.map { name, op in
            OpDefinition(name, defaults: reductionDefaults, traits: OpTraits(examples: .reduction)) { try reductionOp($0, op) }
        }
        + [
            OpDefinition("AddN", traits: .elementwise) { try addNOp($0) },
            OpDefinition("RandomUniform", defaults: ["seed": .int(0), "seed2": .int(0)], traits: .stateful) {
                try randomUniformOp($0)
            },
        ]
}

// MARK: - Element-wise

private func binaryOp(_ node: PlanNode, _ operation: BinaryOperation) throws -> PlannedOp {
    try node.requireInputCount(2)
    let x = try node.input(0), y = try node.input(1)
    guard operation.supports(x.elementType) else { throw node.badType(input: 0, expected: "a type \(node.op) supports here") }
    guard y.elementType == x.elementType else { throw node.badType(input: 1, expected: "\(x.elementType) (type of x)") }
    let shape = try kernelCall(node) { try broadcastShape(x.shape, y.shape) }
    if x.elementType == .float32 {
        return PlannedOp(outputs: [ValueType(.float32, shape)]) { io, options in
            try binary(operation, io.input(0), io.input(1), into: io.floats(0), options: options)
        }
    }
    return PlannedOp(outputs: [ValueType(x.elementType, shape)]) { inputs, options in
        [try binary(operation, inputs[0], inputs[1], options: options)]
    }
}

/// Relu, Relu6 and the unary math ops.
func unaryOp(_ node: PlanNode, _ operation: UnaryOperation) throws -> PlannedOp {
    try node.requireInputCount(1)
    let x = try node.input(0)
    guard operation.supports(x.elementType) else { throw node.badType(input: 0, expected: "a type \(node.op) supports here") }
    if x.elementType == .float32 {
        return PlannedOp(outputs: [x]) { io, options in try unary(operation, io.input(0), into: io.floats(0), options: options) }
    }
    return PlannedOp(outputs: [x]) { inputs, options in [try unary(operation, inputs[0], options: options)] }
}

private func addNOp(_ node: PlanNode) throws -> PlannedOp {
    try node.requireInputCount(atLeast: 1)
    let first = try node.input(0)
    guard BinaryOperation.add.supports(first.elementType) else { throw node.badType(input: 0, expected: "a numeric type") }
    for i in node.inputs.indices {
        let t = try node.input(i)
        guard t.elementType == first.elementType else { throw node.badType(input: i, expected: "\(first.elementType)") }
        guard t.shape == first.shape else { throw node.badShape(input: i, expected: "\(first.shape) (shape of input 0)") }
    }
    return PlannedOp(outputs: [first]) { inputs, options in [try addN(inputs, options: options)] }
}

// MARK: - Reductions

private func reductionOp(_ node: PlanNode, _ operation: ReductionOperation) throws -> PlannedOp {
    try node.requireInputCount(2)
    let input = try node.input(0, ofTypes: [.float32, .float64, .int32, .int64])
    let axes = try node.constantInts(1, role: "reduction indices")
    let keepDims = try node.attributes.bool("keep_dims")
    let rank = input.shape.rank
    var seen = Set<Int>()
    for axis in axes {
        let normalized = try node.normalizedAxis(axis, rank: max(rank, 1), role: "reduction index")
        guard seen.insert(normalized).inserted else { throw node.invalid("reduction indices contain axis \(normalized) twice") }
    }
    let axisSet = try kernelCall(node) { try normalizedAxes(axes, rank: rank) }
    let shape = reducedShape(input.shape, axes: axisSet, keepDims: keepDims)
    return PlannedOp(outputs: [ValueType(input.elementType, shape)]) { inputs in
        [try reduce(operation, inputs[0], axes: axes, keepDims: keepDims)]
    }
}

// MARK: - Random

/// TensorFlow's stateful RandomUniform: run `options.runIndex` of the plan draws what TF's run of that
/// number draws (the Philox counter advances by `256 * count` per run).
private func randomUniformOp(_ node: PlanNode) throws -> PlannedOp {
    try node.requireInputCount(1)
    let dims = try node.constantInts(0, role: "shape")
    guard node.inputs[0].shape.rank == 1 else { throw node.badShape(input: 0, expected: "a 1-D shape") }
    guard dims.allSatisfy({ $0 >= 0 }), Shape(dims).checkedElementCount != nil else {
        throw node.invalid("shape \(dims) must have non-negative dimensions of addressable size")
    }
    let dtype = try node.attributes.elementType("dtype")
    guard dtype == .float32 || dtype == .float64 else {
        throw node.invalidAttribute("dtype", expected: "float32 or float64", found: "\(dtype)")
    }
    let seed = try node.attributes.int("seed"), seed2 = try node.attributes.int("seed2")
    let shape = Shape(dims)
    return PlannedOp(outputs: [ValueType(dtype, shape)]) { (_: [Tensor], options: KernelOptions) in
        [try randomUniform(shape: shape, elementType: dtype, seed: Int64(seed), seed2: Int64(seed2),
                           counterOffset: options.runIndex &* 256 &* UInt64(shape.elementCount))]
    }
}
