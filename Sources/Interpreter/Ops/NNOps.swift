import Foundation
import Kernels
import Synchronization
import Tensors

// MARK: - Neural-network ops (convolutions, pools, batch norm, activations, matmul, softmax)

/// Convolutions, pools, batch norm, activations, BiasAdd, MatMul and Softmax over NHWC float32 tensors.
/// Constant filters and matrices are packed once at plan time; others (variables) once per distinct value.
func nnOps() -> [OpDefinition] {
    let nhwc: [String: AttributeValue] = ["data_format": .string(Array("NHWC".utf8))]
    let convDefaults = nhwc.merging([
        "explicit_paddings": .list(AttributeList()),
        "dilations": .list(AttributeList(ints: [1, 1, 1, 1])),
    ]) { a, _ in a }
    let batchNormDefaults = nhwc.merging([
        "epsilon": .float(0.0001), "exponential_avg_factor": .float(1), "is_training": .bool(true),
    ]) { a, _ in a }
    let batchNorm = OpTraits(examples: .firstInputUnlessTraining)
    return [
        OpDefinition("Conv2D", defaults: convDefaults.merging(["use_cudnn_on_gpu": .bool(true)]) { a, _ in a },
                     traits: .perExample) { try conv2DOp($0) },
        OpDefinition("DepthwiseConv2dNative", defaults: convDefaults, traits: .perExample) { try depthwiseOp($0) },
        OpDefinition("AvgPool", defaults: nhwc, traits: .perExample) { try poolOp($0, mode: .average) },
        OpDefinition("MaxPool", defaults: nhwc.merging([
            "T": .type(DataTypeCode(rawValue: 1)), "explicit_paddings": .list(AttributeList()),
        ]) { a, _ in a }, traits: .perExample) { try poolOp($0, mode: .max) },
        OpDefinition("FusedBatchNorm", defaults: batchNormDefaults, traits: batchNorm) { try batchNormOp($0, outputCount: 5) },
        OpDefinition("FusedBatchNormV2", defaults: batchNormDefaults, traits: batchNorm) { try batchNormOp($0, outputCount: 5) },
        OpDefinition("FusedBatchNormV3", defaults: batchNormDefaults, traits: batchNorm) { try batchNormOp($0, outputCount: 6) },
        OpDefinition("Relu", traits: .perExample) { try unaryOp($0, .relu) },
        OpDefinition("Relu6", traits: .perExample) { try unaryOp($0, .relu6) },
        OpDefinition("BiasAdd", defaults: nhwc, traits: .perExample) { try biasAddOp($0) },
        OpDefinition("MatMul", defaults: [
            "transpose_a": .bool(false), "transpose_b": .bool(false), "grad_a": .bool(false), "grad_b": .bool(false),
        ], traits: OpTraits(examples: .matrixRows)) { try matMulOp($0) },
        OpDefinition("Softmax", traits: .perExample) { node in
            try node.requireInputCount(1)
            let logits = try node.input(0, ofTypes: [.float32])
            guard logits.shape.rank >= 1 else { throw node.badShape(input: 0, expected: "rank >= 1") }
            return PlannedOp(outputs: [logits]) { inputs in [try softmax(inputs[0])] }
        },
        OpDefinition("LogSoftmax", traits: .perExample) { node in
            try node.requireInputCount(1)
            let logits = try node.input(0, ofTypes: [.float32])
            guard logits.shape.rank >= 1 else { throw node.badShape(input: 0, expected: "rank >= 1") }
            return PlannedOp(outputs: [logits]) { inputs in [try logSoftmax(inputs[0])] }
        },
    ]
}

// MARK: - Convolutions

private func conv2DOp(_ node: PlanNode) throws -> PlannedOp {
    let (input, filter) = try convolutionInputs(node)
    let window = try windowAttributes(node, sizes: nil, explicitAllowed: true)
    let geometry = try kernelCall(node) {
        try Conv2DGeometry(inputShape: input.shape, filterShape: filter.shape, strides: window.strides,
                           dilations: window.dilations, padding: window.padding)
    }
    let packed = try node.constants[1].map { f in try kernelCall(node) { try PackedMatrix(convolutionFilter: f) } }
    let cache = PackedMatrixCache()
    let output = ValueType(.float32, geometry.outputShape)
    return PlannedOp(outputs: [output], estimatedCost: convolutionCost(output, filter: filter.shape)) { io, options in
        let filter = try packed ?? cache.packed(io.input(1)) { try PackedMatrix(convolutionFilter: $0) }
        try conv2D(io.input(0), filter: filter, geometry: geometry, into: io.floats(0), options: options)
    }
}

/// `DepthwiseConv2dNative`, and `tfhub.ReluDepthwiseConv2D` (the same attributes, of `relu(input)`).
func depthwiseOp(_ node: PlanNode, inputActivation: FusedActivation = .none) throws -> PlannedOp {
    let (input, filter) = try convolutionInputs(node)
    let window = try windowAttributes(node, sizes: nil, explicitAllowed: true)
    let geometry = try kernelCall(node) {
        try DepthwiseGeometry(inputShape: input.shape, filterShape: filter.shape, strides: window.strides,
                              dilations: window.dilations, padding: window.padding)
    }
    let output = ValueType(.float32, geometry.outputShape)
    // A constant filter is checked for NaN and infinities once, not on every run.
    let filterIsFinite = node.constants[1].map(isAllFinite)
    return PlannedOp(outputs: [output], estimatedCost: windowedCost(output, taps: 25)) { io, options in
        try depthwiseConv2D(io.input(0), filter: io.input(1), geometry: geometry, inputActivation: inputActivation,
                            filterIsFinite: filterIsFinite, into: io.floats(0), options: options)
    }
}

func convolutionInputs(_ node: PlanNode) throws -> (ValueType, ValueType) {
    try node.requireInputCount(2)
    try requireNHWC(node)
    _ = try node.typeAttribute("T", matchesInput: 0)
    let input = try node.input(0, rank: 4, ofTypes: [.float32])
    let filter = try node.input(1, rank: 4, ofTypes: [.float32])
    guard filter.shape[2] == input.shape[3] else {
        throw node.badShape(input: 1, expected: "filter in-channels (dimension 2) equal to the input's \(input.shape[3])")
    }
    return (input, filter)
}

// MARK: - Pools

private func poolOp(_ node: PlanNode, mode: PoolingMode) throws -> PlannedOp {
    try node.requireInputCount(1)
    try requireNHWC(node)
    let input = try node.input(0, rank: 4, ofTypes: [.float32])
    let window = try windowAttributes(node, sizes: "ksize", explicitAllowed: mode == .max)
    let geometry = try kernelCall(node) {
        try PoolGeometry(inputShape: input.shape, window: window.sizes, strides: window.strides, padding: window.padding)
    }
    let output = ValueType(.float32, geometry.outputShape)
    return PlannedOp(outputs: [output], estimatedCost: windowedCost(output, taps: 9)) { io, options in
        try pool2D(io.input(0), mode: mode, geometry: geometry, into: io.floats(0), options: options)
    }
}

// MARK: - Window attributes

struct WindowAttributes {
    var sizes = (1, 1)
    var strides = (1, 1)
    var dilations = (1, 1)
    var padding = Padding.valid
}

/// Reads `strides`, `padding`, `explicit_paddings`, and `dilations` (convolutions) or `sizes` (pools);
/// four-element NHWC lists whose batch and channel entries must be 1.
func windowAttributes(_ node: PlanNode, sizes: String?, explicitAllowed: Bool) throws -> WindowAttributes {
    var result = WindowAttributes()
    func spatialPair(_ name: String) throws -> (Int, Int) {
        let values = try node.attributes.ints(name)
        guard values.count == 4, values[0] == 1, values[3] == 1, values[1] >= 1, values[2] >= 1 else {
            throw node.invalidAttribute(name, expected: "[1, h, w, 1] with h, w >= 1", found: "\(values)")
        }
        return (values[1], values[2])
    }
    result.strides = try spatialPair("strides")
    if let sizes { result.sizes = try spatialPair(sizes) } else { result.dilations = try spatialPair("dilations") }
    let choices = explicitAllowed ? ["SAME", "VALID", "EXPLICIT"] : ["SAME", "VALID"]
    switch try node.attributes.string("padding", oneOf: choices) {
    case "SAME": result.padding = .same
    case "VALID": result.padding = .valid
    default:
        let pads = try node.attributes.ints("explicit_paddings")
        guard pads.count == 8, pads[0] == 0, pads[1] == 0, pads[6] == 0, pads[7] == 0, pads.allSatisfy({ $0 >= 0 }) else {
            throw node.invalidAttribute("explicit_paddings", expected: "8 non-negative values, zero for batch and channels",
                                        found: "\(pads)")
        }
        result.padding = .explicit(top: pads[2], bottom: pads[3], left: pads[4], right: pads[5])
    }
    return result
}

func requireNHWC(_ node: PlanNode) throws {
    _ = try node.attributes.string("data_format", oneOf: ["NHWC"])
}

/// Runs a kernel-layer validation, turning its error into a planning error naming the node.
func kernelCall<R>(_ node: PlanNode, _ body: () throws -> R) throws -> R {
    do { return try body() } catch let error as Kernels.KernelError {
        throw node.invalid(error.description)
    }
}

// MARK: - Batch norm

private func batchNormOp(_ node: PlanNode, outputCount: Int) throws -> PlannedOp {
    try node.requireInputCount(5)
    try requireNHWC(node)
    let x = try node.input(0, rank: 4, ofTypes: [.float32])
    let channels = x.shape[3]
    for i in 1...4 { _ = try node.input(i, ofTypes: [.float32]) }
    for i in 1...2 where node.inputs[i].shape != [channels] { throw node.badShape(input: i, expected: "[\(channels)]") }
    let training = try node.attributes.bool("is_training")
    let epsilon = try node.attributes.float("epsilon")
    let factor = try node.attributes.float("exponential_avg_factor")
    for i in 3...4 {
        let shape = node.inputs[i].shape
        guard shape == [channels] || (training && shape == [0]) else {
            throw node.badShape(input: i, expected: training ? "[\(channels)] or [0]" : "[\(channels)]")
        }
    }
    let vector = ValueType(.float32, [channels])
    var outputs = [x, vector, vector, vector, vector]
    if outputCount == 6 { outputs.append(ValueType(.float32, [0])) }
    let reserve3 = Tensor.zeros(.float32, shape: [0])
    return PlannedOp(outputs: outputs) { inputs, options in
        var results: [Tensor]
        if training {
            let r = try batchNormTraining(
                inputs[0], scale: inputs[1], offset: inputs[2], epsilon: epsilon, exponentialAverageFactor: factor,
                runningMean: inputs[3], runningVariance: inputs[4], options: options)
            results = [r.y, r.batchMean, r.batchVariance, r.savedMean, r.savedVariance]
        } else {
            let y = try batchNormInference(inputs[0], scale: inputs[1], offset: inputs[2], mean: inputs[3],
                                           variance: inputs[4], epsilon: epsilon, options: options)
            results = [y, inputs[3], inputs[4], inputs[3], inputs[4]]
        }
        if outputCount == 6 { results.append(reserve3) }
        return results
    }
}

// MARK: - Dense ops

private func biasAddOp(_ node: PlanNode) throws -> PlannedOp {
    try node.requireInputCount(2)
    try requireNHWC(node)
    let value = try node.input(0, ofTypes: [.float32])
    guard value.shape.rank >= 2 else { throw node.badShape(input: 0, expected: "rank >= 2") }
    _ = try node.input(1, rank: 1, ofTypes: [.float32])
    let channels = value.shape[value.shape.rank - 1]
    guard node.inputs[1].shape == [channels] else { throw node.badShape(input: 1, expected: "[\(channels)] (last dimension of value)") }
    return PlannedOp(outputs: [value]) { inputs, options in [try biasAdd(inputs[0], bias: inputs[1], options: options)] }
}

private func matMulOp(_ node: PlanNode) throws -> PlannedOp {
    try node.requireInputCount(2)
    let a = try node.input(0, rank: 2, ofTypes: [.float32])
    let b = try node.input(1, rank: 2, ofTypes: [.float32])
    let transposeA = try node.attributes.bool("transpose_a"), transposeB = try node.attributes.bool("transpose_b")
    let (m, k) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
    let (kb, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
    guard k == kb else { throw node.badShape(input: 1, expected: "inner dimension \(k) to match a") }
    let cache = PackedMatrixCache()
    return PlannedOp(outputs: [ValueType(.float32, [m, n])], estimatedCost: 1 + saturatingProduct(m, n, k)) { inputs, options in
        if transposeA {
            return [try matMul(inputs[0], inputs[1], transposeA: true, transposeB: transposeB, options: options)]
        }
        let packed = try cache.packed(inputs[1]) { try PackedMatrix(matrix: $0, transposed: transposeB) }
        return [try matMul(inputs[0], packed: packed, options: options)]
    }
}

// MARK: - Work estimates

// Scheduling weights, not exact counts: the dataflow scheduler was tuned with these (c65a2f6: batch 1
// on 2 threads ~2 % faster than by output size alone); exact window sizes scheduled worse and kept
// more activations alive at once.

/// A convolution's weight: output elements times input channels (exact for NASNet-A's 1x1 convolutions).
func convolutionCost(_ output: ValueType, filter: Shape) -> Int {
    1 + saturatingProduct(output.shape.elementCount, max(1, filter[2]))
}

/// A depthwise convolution's or pool's weight: output elements times a typical window (5x5, 3x3).
func windowedCost(_ output: ValueType, taps: Int) -> Int { 1 + saturatingProduct(output.shape.elementCount, taps) }

// MARK: - Packed weights

/// The packed form of the last weight tensor a run step saw. Variables keep their storage between runs,
/// so each distinct value is packed once; the source storage is retained so its identity stays unique.
/// Shared by the threads running the step, hence the lock.
final class PackedMatrixCache: Sendable {
    private let last = Mutex<(source: TensorStorage, packed: PackedMatrix)?>(nil)

    func packed(_ weights: Tensor, pack: (Tensor) throws -> PackedMatrix) throws -> PackedMatrix {
        // An arena view keeps its identity from run to run while its bytes change: never cached.
        guard let storage = weights.storage, !storage.isView else { return try pack(weights) }
        let hit: PackedMatrix? = last.withLock { $0?.source === storage ? $0?.packed : nil }
        if let hit { return hit }
        let fresh = try pack(weights)
        last.withLock { $0 = (storage, fresh) }
        return fresh
    }
}
