// MARK: - What an op is, declared once at its registration

/// What the planner and the scheduler may assume about an op. Declared with the op's `OpDefinition`
/// (and nowhere else): batch separability, folding and rewrites read these, never op names.
public struct OpTraits: Sendable, Hashable {
    /// How the examples on axis 0 of the op's inputs reach its outputs.
    public enum Examples: Sendable, Hashable {
        /// Rows may meet (or nothing is known): a plan holding the op is not cut into micro-batches.
        case mixed
        /// Row `i` of output 0 depends only on row `i` of input 0; the other inputs are parameters
        /// (convolutions, pools, activations, `BiasAdd`, `Softmax`).
        case firstInput
        /// As `firstInput` when the `is_training` attribute is false (batch norm with moving statistics).
        case firstInputUnlessTraining
        /// Broadcasting element-wise: batched inputs at the output's rank, others broadcast over axis 0.
        case elementwise
        /// `ConcatV2`: every part batched, joined on an axis other than 0 (last input: the axis).
        case concatenation
        /// `tfhub.ConcatSums`: as `concatenation`, every part and summand at the same rank.
        case concatenatedSums
        /// `Split`: input 1 batched, cut on an axis other than 0 (input 0); every output carries the batch.
        case split
        /// `Pad`/`MirrorPad`: input 0 batched, no padding on axis 0 (input 1: the paddings).
        case padding
        /// `tfhub.PadSliceSubsample`: no padding, slicing or striding on axis 0.
        case subsample
        /// A reduction over constant axes (input 1) that exclude axis 0.
        case reduction
        /// `MatMul` with `transpose_a` false: rows of `a` are examples.
        case matrixRows
    }

    /// How rows flow through the op.
    public var examples: Examples
    /// Whether results may differ between runs with equal inputs (random ops) or the op changes state
    /// (assignments): never evaluated at plan time, never merged with a twin.
    public var isStateful: Bool
    /// Whether output `i` is input `i` unchanged (`Identity`, `StopGradient`): rewrites for inference
    /// drop such nodes, the graph as written keeps them (a gradient may differ, as for `StopGradient`).
    public var forwardsInputs: Bool

    public init(examples: Examples = .mixed, isStateful: Bool = false, forwardsInputs: Bool = false) {
        self.examples = examples
        self.isStateful = isStateful
        self.forwardsInputs = forwardsInputs
    }

    /// No assumptions.
    public static let general = OpTraits()
    /// Per-example in input 0 (`.firstInput`).
    public static let perExample = OpTraits(examples: .firstInput)
    /// Broadcasting element-wise (`.elementwise`).
    public static let elementwise = OpTraits(examples: .elementwise)
    /// Forwards its inputs (`Identity`): per example, droppable by inference rewrites.
    public static let forwarding = OpTraits(examples: .firstInput, forwardsInputs: true)
    /// Results differ between runs (random ops).
    public static let stateful = OpTraits(isStateful: true)
}

/// An op as a plan step knows it: its name (a TensorFlow op name, or `tfhub.*` for ops that only the
/// interpreter's rewrites create) and its traits.
public struct OpIdentity: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public let traits: OpTraits

    public var description: String { name }
}
