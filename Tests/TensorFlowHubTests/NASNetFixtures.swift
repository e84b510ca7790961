import Foundation
import Tensors
import TensorFlowHub
import TestSupport

/// The reduced NASNet-A hub modules written by `Tests/Fixtures/nasnet/make_nasnet.py` with TF 2.21 and
/// tensorflow_hub 0.15, and TF's outputs for them.
enum NASNetFixture: String, CaseIterable, CustomStringConvertible, Sendable {
    case slimV1 = "slim_v1_small"
    case slimV3 = "slim_v3_small"
    case keras = "keras_small"

    var description: String { rawValue }
    var folder: URL { Fixtures.url("nasnet/\(rawValue)") }
    var moduleURL: URL { folder.appendingPathComponent("module") }

    func inputs(batch: Int) throws -> Tensor {
        try NumpyFile.read(folder.appendingPathComponent("inputs_b\(batch).npy"))
    }

    /// TF's output `file` (e.g. `default_b2_train.npy`).
    func reference(_ file: String) throws -> Tensor {
        try NumpyFile.read(folder.appendingPathComponent(file))
    }
}

/// Every combination the fixtures hold: module style x tag set x batch size.
struct NASNetCase: CustomStringConvertible, Sendable {
    let fixture: NASNetFixture
    let train: Bool
    let batch: Int

    var tags: Set<String> { train ? ["train"] : [] }
    var tagSuffix: String { train ? "train" : "notags" }
    var description: String { "\(fixture) \(train ? "{train}" : "{}") batch \(batch)" }

    static let all: [NASNetCase] = NASNetFixture.allCases.flatMap { fixture in
        [false, true].flatMap { train in [1, 2, 8].map { NASNetCase(fixture: fixture, train: train, batch: $0) } }
    }
}

/// Loaded modules, shared by the tests (loading is the slow part of a reduced fixture).
enum LoadedModules {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var cache: [String: Module] = [:]

    static func module(_ fixture: NASNetFixture, tags: Set<String>) throws -> Module {
        let key = "\(fixture.rawValue)|\(tags.sorted())"
        if let module = lock.withLock({ cache[key] }) { return module }
        let module = try Module(url: fixture.moduleURL, tags: tags)
        lock.withLock { cache[key] = module }
        return module
    }
}
