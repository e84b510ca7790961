import Foundation
import TestSupport

/// A bundle written by TensorFlow 2.21 under `Tests/Fixtures/bundle/<name>/`, with the values TF's own
/// reader returned for each key (`values.json`, written by `generate.py`).
struct BundleFixture {
    struct Tensor: Decodable {
        let dtype: Int32
        let shape: [Int]
        /// Little-endian element bytes, base64 (absent for strings).
        let data: String?
        /// Each string element's bytes, base64 (strings only).
        let strings: [String]?

        var bytes: [UInt8] { data.flatMap { Data(base64Encoded: $0) }.map { Array($0) } ?? [] }
        var stringValues: [[UInt8]] { (strings ?? []).map { Data(base64Encoded: $0).map { Array($0) } ?? [] } }
    }

    struct Manifest: Decodable {
        let prefix: String
        let files: [String]
        let tensors: [String: Tensor]
    }

    /// Every fixture bundle TF wrote (the corrupt ones live under `corrupt/`).
    static let names = ["dtypes", "saver", "sharded", "policy", "bigendian", "manyblocks"]

    let name: String
    let manifest: Manifest

    init(_ name: String) throws {
        self.name = name
        let data = try Data(contentsOf: Self.folder(name).appendingPathComponent("values.json"))
        manifest = try JSONDecoder().decode(Manifest.self, from: data)
    }

    static func folder(_ name: String) -> URL {
        Fixtures.url("bundle").appendingPathComponent(name)
    }

    var prefix: URL { Self.folder(name).appendingPathComponent(manifest.prefix) }
}
