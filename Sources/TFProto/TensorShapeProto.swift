internal import CTFProtos

// MARK: - TensorShapeProto

/// A tensor shape (`tensorflow.TensorShapeProto`, tensor_shape.proto).
///
/// Three states: unknown rank (`unknownRank == true`, `dim` empty), known rank with some unknown
/// sizes (`size == -1`), fully known. An empty `dim` with `unknownRank == false` is a scalar.
public struct TensorShapeProto: Hashable, Sendable {
    /// One dimension; `size == -1` means unknown. `name` is optional and rarely set.
    public struct Dim: Hashable, Sendable {
        public var size: Int64
        public var name: String
        public init(size: Int64, name: String = "") {
            self.size = size
            self.name = name
        }
    }

    /// Dimensions, outermost first (NHWC for image activations).
    public var dim: [Dim]
    /// True when even the rank is unknown; then `dim` is empty.
    public var unknownRank: Bool

    public init(dim: [Dim] = [], unknownRank: Bool = false) {
        self.dim = dim
        self.unknownRank = unknownRank
    }

    /// Convenience: a known-rank shape from sizes (-1 for unknown sizes).
    public init(dims: [Int64]) {
        self.init(dim: dims.map { Dim(size: $0) })
    }

    /// The sizes, outermost first (-1 where unknown); `nil` when the rank is unknown.
    public var dims: [Int64]? { unknownRank ? nil : dim.map(\.size) }

    /// Number of dimensions; `nil` when unknown.
    public var rank: Int? { unknownRank ? nil : dim.count }

    /// True when the rank and every size are known (no -1, no unknown rank).
    public var isFullyDefined: Bool { !unknownRank && dim.allSatisfy { $0.size >= 0 } }
}

extension TensorShapeProto: ProtoMessage {
    public static let protoMessageName = "tensorflow.TensorShapeProto"
    public static let _cDescriptor = cDescriptor(tensorflow__tensor_shape_proto__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__TensorShapeProto.self)) }

    init(_ c: Tensorflow__TensorShapeProto) {
        self.init(
            dim: swiftMessages(c.n_dim, c.dim) { Dim(size: $0.size, name: swiftString($0.name)) },
            unknownRank: c.unknown_rank != 0)
    }
}

extension TensorShapeProto.Dim: ProtoMessage {
    public static let protoMessageName = "tensorflow.TensorShapeProto.Dim"
    public static let _cDescriptor = cDescriptor(tensorflow__tensor_shape_proto__dim__init)
    public init(_cMessage raw: UnsafeRawPointer) {
        let c = cStruct(raw, as: Tensorflow__TensorShapeProto__Dim.self)
        self.init(size: c.size, name: swiftString(c.name))
    }
}
