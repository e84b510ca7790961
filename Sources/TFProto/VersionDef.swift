internal import CTFProtos

// MARK: - VersionDef

/// Version stamps of a graph or checkpoint (`tensorflow.VersionDef`, versions.proto).
///
/// `producer` is the TF GraphDef version that wrote the data (TF 2.21 writes 2474; 2018 modules
/// hold numbers near 26-27); a reader must be at least `minConsumer` and not in `badConsumers`.
public struct VersionDef: Hashable, Sendable {
    public var producer: Int32
    public var minConsumer: Int32
    public var badConsumers: [Int32]

    public init(producer: Int32 = 0, minConsumer: Int32 = 0, badConsumers: [Int32] = []) {
        self.producer = producer
        self.minConsumer = minConsumer
        self.badConsumers = badConsumers
    }
}

extension VersionDef: ProtoMessage {
    public static let protoMessageName = "tensorflow.VersionDef"
    public static let _cDescriptor = cDescriptor(tensorflow__version_def__init)
    public init(_cMessage raw: UnsafeRawPointer) { self.init(cStruct(raw, as: Tensorflow__VersionDef.self)) }

    init(_ c: Tensorflow__VersionDef) {
        self.init(
            producer: c.producer, minConsumer: c.min_consumer,
            badConsumers: swiftArray(c.n_bad_consumers, c.bad_consumers))
    }
}
