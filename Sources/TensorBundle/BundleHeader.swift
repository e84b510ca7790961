import TFProto

/// The checked contents of the bundle header, the `BundleHeaderProto` stored under the empty key.
struct BundleHeader: Sendable {
    /// This reader's consumer version (`kTensorBundleVersion`).
    static let consumerVersion: Int32 = 1
    /// The oldest producer this reader accepts (`kTensorBundleMinProducer`).
    static let minProducer: Int32 = 0

    let numShards: Int
    /// Whether tensor bytes were written big-endian (`endianness == BIG`); protobufs are unaffected.
    let isBigEndian: Bool

    /// Decodes the header value and applies TensorFlow's `CheckVersions(version, 1, 0)`.
    init(serialized: UnsafeRawBufferPointer, file: String) throws {
        let proto: BundleHeaderProto
        do {
            proto = try BundleHeaderProto(serializedBytes: serialized)
        } catch {
            throw BundleError.badHeader(file: file, detail: "BundleHeaderProto does not decode: \(error)")
        }
        let version = proto.version
        guard version.producer >= Self.minProducer, version.minConsumer <= Self.consumerVersion,
              !version.badConsumers.contains(Self.consumerVersion)
        else {
            throw BundleError.unsupportedVersion(
                file: file, producer: version.producer, minConsumer: version.minConsumer,
                badConsumers: version.badConsumers)
        }
        guard proto.numShards >= 1 else {
            throw BundleError.badHeader(file: file, detail: "num_shards is \(proto.numShards), expected at least 1")
        }
        numShards = Int(proto.numShards)
        switch proto.endianness.rawValue {
        case 0: isBigEndian = false
        case 1: isBigEndian = true
        case let other: throw BundleError.badHeader(file: file, detail: "endianness \(other), expected 0 or 1")
        }
    }

}
