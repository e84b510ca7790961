import Kernels
import Tensors

// MARK: - Values at plan time

/// The plan-time type of a value flowing along an edge: element type and fully known shape.
/// A variable handle (`VarHandleOp` output) has `isVariableHandle` set; its type is the variable's.
public struct ValueType: Hashable, Sendable, CustomStringConvertible {
    public var elementType: ElementType
    public var shape: Shape
    public var isVariableHandle: Bool

    public init(_ elementType: ElementType, _ shape: Shape, isVariableHandle: Bool = false) {
        self.elementType = elementType
        self.shape = shape
        self.isVariableHandle = isVariableHandle
    }

    public var description: String { (isVariableHandle ? "resource " : "") + "\(elementType) \(shape)" }

    /// Whether `tensor` has exactly this type and shape.
    func matches(_ tensor: Tensor) -> Bool { tensor.elementType == elementType && tensor.shape == shape }
}

/// A planned kernel call: computes a step's outputs from its inputs with the run's kernel options
/// (threads, pool, instruction set). Runs at run time only; may run on several threads at once.
typealias KernelRun = @Sendable (_ inputs: [Tensor], _ options: KernelOptions) throws -> [Tensor]

/// What a builder returns: the node's outputs and the step that computes them.
struct PlannedOp: Sendable {
    enum Kind: Sendable {
        /// An ordinary computation.
        case compute(KernelRun)
        /// Values known at plan time (`Const`).
        case constant([Tensor])
        /// The value of a variable bound by node name at run time (`VariableV2`, `VarHandleOp`).
        case variable
        /// The node's only output is its input `index`, unchanged (a `Split` into one part): no step; readers
        /// read the input's value.
        case forward(index: Int)
    }

    var outputs: [ValueType]
    var kind: Kind
    /// Estimated work of one run in multiply-adds (or comparable element operations), for scheduling;
    /// `nil`: the output element count.
    var estimatedCost: Int?
    /// The same computation writing into outputs the run provides (`KernelWrite`), when the op has one:
    /// such steps' results can live in the run's arena.
    var write: KernelWrite?

    /// A step whose kernel takes the run's kernel options.
    init(outputs: [ValueType], estimatedCost: Int? = nil, run: @escaping KernelRun) {
        self.outputs = outputs
        self.kind = .compute(run)
        self.estimatedCost = estimatedCost
    }

    /// A step that needs no kernel options (copies, reshapes, small integer math).
    init(outputs: [ValueType], estimatedCost: Int? = nil, run: @escaping @Sendable ([Tensor]) throws -> [Tensor]) {
        self.outputs = outputs
        self.kind = .compute { inputs, _ in try run(inputs) }
        self.estimatedCost = estimatedCost
    }

    /// A step whose kernel writes into outputs the run provides; its allocating form is derived.
    init(outputs: [ValueType], estimatedCost: Int? = nil, write: @escaping KernelWrite) {
        self.outputs = outputs
        self.kind = .compute(allocatingRun(write, outputs: outputs))
        self.estimatedCost = estimatedCost
        self.write = write
    }

    /// The node's output is input `index` as it is.
    static func forwarding(_ index: Int, type: ValueType) -> PlannedOp {
        var op = PlannedOp(outputs: [type]) { inputs in [inputs[index]] }
        op.kind = .forward(index: index)
        return op
    }

    init(constants: [Tensor]) {
        self.outputs = constants.map { ValueType($0.elementType, $0.shape) }
        self.kind = .constant(constants)
    }

    init(variable type: ValueType) {
        self.outputs = [type]
        self.kind = .variable
    }

    /// A step that returns its first `types.count` inputs unchanged (`Identity` and friends).
    static func passThrough(_ types: [ValueType]) -> PlannedOp {
        let count = types.count
        return PlannedOp(outputs: types) { inputs in Array(inputs.prefix(count)) }
    }
}

// MARK: - The node being planned

/// Everything a builder may look at: the node, its merged attributes, its inputs' types and the
/// values of inputs the planner already knows (constants and constant-folded results).
struct PlanNode: Sendable {
    let name: String
    let op: String
    let attributes: Attributes
    /// Tensors that plan-time rewrites attach to the nodes they create (a fused convolution's folded
    /// filter and bias), by name; empty for nodes of the graph as written.
    let parameters: [String: Tensor]
    /// Data inputs, in order.
    let inputs: [ValueType]
    /// `constants[i]` is input `i`'s value when it is known at plan time.
    let constants: [Tensor?]

    // MARK: Errors naming this node

    func invalid(_ reason: String) -> PlanningError { .invalidNode(node: name, op: op, reason: reason) }

    func invalidAttribute(_ attribute: String, expected: String, found: String) -> PlanningError {
        .invalidAttribute(node: name, op: op, attribute: attribute, expected: expected, found: found)
    }

    func badShape(input: Int, expected: String) -> PlanningError {
        .inputShape(node: name, op: op, input: input, expected: expected, found: inputs[input].shape)
    }

    func badType(input: Int, expected: String) -> PlanningError {
        .inputType(node: name, op: op, input: input, expected: expected, found: inputs[input].elementType)
    }

    // MARK: Input checks

    func requireInputCount(_ count: Int) throws {
        guard inputs.count == count else {
            throw PlanningError.inputCount(node: name, op: op, expected: "\(count)", found: inputs.count)
        }
    }

    func requireInputCount(atLeast count: Int) throws {
        guard inputs.count >= count else {
            throw PlanningError.inputCount(node: name, op: op, expected: "at least \(count)", found: inputs.count)
        }
    }

    /// Input `index`, checked to be a plain tensor (not a variable handle) of one of `types`
    /// (any type if `types` is empty).
    func input(_ index: Int, ofTypes types: [ElementType] = []) throws -> ValueType {
        guard index < inputs.count else {
            throw PlanningError.inputCount(node: name, op: op, expected: "more than \(index)", found: inputs.count)
        }
        let t = inputs[index]
        guard !t.isVariableHandle else { throw badType(input: index, expected: "a tensor, not a resource handle") }
        guard types.isEmpty || types.contains(t.elementType) else {
            throw badType(input: index, expected: types.map(\.description).joined(separator: " or "))
        }
        return t
    }

    /// Input `index`, checked to have rank `rank`.
    func input(_ index: Int, rank: Int, ofTypes types: [ElementType] = []) throws -> ValueType {
        let t = try input(index, ofTypes: types)
        guard t.shape.rank == rank else { throw badShape(input: index, expected: "rank \(rank)") }
        return t
    }

    /// The element type given by type attribute `attribute` (e.g. `T`), checked against input `index`.
    func typeAttribute(_ attribute: String, matchesInput index: Int) throws -> ElementType {
        let t = try attributes.elementType(attribute)
        let input = try input(index)
        guard input.elementType == t else { throw badType(input: index, expected: "\(t) (attribute \(attribute))") }
        return t
    }

    // MARK: Constant inputs

    /// The plan-time value of input `index`, which must be known (`role` names it in errors,
    /// e.g. "shape" or "axis").
    func constant(_ index: Int, role: String) throws -> Tensor {
        _ = try input(index)
        guard let value = constants[index] else {
            throw PlanningError.nonConstantInput(node: name, op: op, input: index, role: role)
        }
        return value
    }

    /// The plan-time value of an int32 or int64 input as `Int`s.
    func constantInts(_ index: Int, role: String) throws -> [Int] {
        let value = try constant(index, role: role)
        switch value.elementType {
        case .int32: return value.scalars(as: Int32.self).map(Int.init)
        case .int64:
            return try value.scalars(as: Int64.self).map { v in
                guard let i = Int(exactly: v) else { throw invalid("\(role) value \(v) out of range") }
                return i
            }
        default: throw badType(input: index, expected: "int32 or int64 (\(role))")
        }
    }

    /// The plan-time value of a scalar (or one-element) int32/int64 input.
    func constantInt(_ index: Int, role: String) throws -> Int {
        let values = try constantInts(index, role: role)
        guard values.count == 1 else { throw badShape(input: index, expected: "a scalar \(role)") }
        return values[0]
    }

    /// `axis` resolved against `rank` (negative counts from the end); `role` names it in errors.
    func normalizedAxis(_ axis: Int, rank: Int, role: String = "axis") throws -> Int {
        guard axis >= -rank, axis < rank else {
            throw invalid("\(role) \(axis) is out of range for rank \(rank) (expected [\(-rank), \(rank)))")
        }
        return axis < 0 ? axis + rank : axis
    }
}
