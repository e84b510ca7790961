internal import CTFProtos

// MARK: - TensorSliceProto

/// Which part of a partitioned variable a checkpoint entry holds (`tensorflow.TensorSliceProto`,
/// tensor_slice.proto): one extent per dimension of the full tensor.
public struct TensorSliceProto: Hashable, Sendable {
    /// The range `start ..< start + length` along one dimension; `length == nil` means the whole
    /// dimension (TF writes no length for a full extent).
    public struct Extent: Hashable, Sendable {
        public var start: Int64
        public var length: Int64?
        public init(start: Int64 = 0, length: Int64? = nil) {
            self.start = start
            self.length = length
        }
    }

    public var extent: [Extent]
    public init(extent: [Extent] = []) { self.extent = extent }
}

extension TensorSliceProto: ProtoMessage {
    public static let protoMessageName = "tensorflow.TensorSliceProto"
    public static let _cDescriptor = cDescriptor(tensorflow__tensor_slice_proto__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__TensorSliceProto.self)) }

    init(_ c: Tensorflow__TensorSliceProto) {
        self.init(extent: swiftMessages(c.n_extent, c.extent) { Extent($0) })
    }
}

extension TensorSliceProto.Extent: ProtoMessage {
    public static let protoMessageName = "tensorflow.TensorSliceProto.Extent"
    public static let _cDescriptor = cDescriptor(tensorflow__tensor_slice_proto__extent__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__TensorSliceProto__Extent.self)) }

    init(_ c: Tensorflow__TensorSliceProto__Extent) {
        let hasLength = c.has_length_hack_case == TENSORFLOW__TENSOR_SLICE_PROTO__EXTENT__HAS_LENGTH_HACK_LENGTH
        self.init(start: c.start, length: hasLength ? c.length : nil)
    }
}
