import Foundation
import Logging
import TensorFlowHub
import TensorFlowHubServing
import Tensors
import Testing
import TestSupport

/// The small NASNet-style fixture module (40 x 40 images, 192 features), loaded once.
let slimModule: Module = {
    do {
        return try Module(handle: Fixtures.url("nasnet/slim_v1_small/module").path)
    } catch {
        fatalError("cannot load the slim_v1_small fixture: \(error)")
    }
}()

/// `[batch, 40, 40, 3]` float32 inputs from the fixture (batch 1, 2 or 8).
func fixtureImages(batch: Int) throws -> Tensor {
    try NumpyFile.read(Fixtures.url("nasnet/slim_v1_small/inputs_b\(batch).npy"))
}

/// Runs `body` with a `ModelServer` serving `slimModule` as model `nasnet` version 1 on 127.0.0.1, on
/// the port the system picked; the server is stopped afterwards.
func withServer<R>(
    _ configuration: ServingConfiguration = ServingConfiguration(port: 0),
    repository: ModelRepository? = nil, watchers: [ModelVersionWatcher] = [],
    _ body: (Int, ModelServer) async throws -> R
) async throws -> R {
    var logger = Logger(label: "tfhub.serve.test")
    logger.logLevel = .critical
    var configuration = configuration
    configuration.host = "127.0.0.1"
    configuration.port = 0
    let server = ModelServer(
        repository: repository ?? ModelRepository([ServedModel(name: "nasnet", version: 1, module: slimModule)]),
        configuration: configuration, logger: logger, watchers: watchers)
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    let task = Task {
        defer { continuation.finish() }
        try await server.run(handlingSignals: false) { _, port in continuation.yield(port) }
    }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next() else {
        _ = try await task.value
        throw LoopbackHTTP.Failure(description: "the server stopped before listening")
    }
    do {
        let result = try await body(port, server)
        task.cancel()
        _ = try? await task.value
        return result
    } catch {
        task.cancel()
        _ = try? await task.value
        throw error
    }
}

/// JSON numbers (nested arrays of any depth) as float32, row-major.
func floats(_ json: Any?) -> [Float] {
    if let array = json as? [Any] { return array.flatMap { floats($0) } }
    if let number = json as? NSNumber { return [Float(number.doubleValue)] }
    return []
}

/// Whether two float arrays hold the same bits.
func sameBits(_ a: [Float], _ b: [Float]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
}

/// A tensor as nested JSON arrays (for request bodies).
func nestedJSON(_ tensor: Tensor) -> Any {
    let values = tensor.scalars(as: Float.self)
    func nest(_ dims: ArraySlice<Int>, _ start: Int) -> Any {
        guard let count = dims.first else { return Double(values[start]) }
        let stride = dims.dropFirst().reduce(1, *)
        return (0..<count).map { nest(dims.dropFirst(), start + $0 * stride) }
    }
    return nest(tensor.shape.dimensions[...], 0)
}

func jsonBody(_ object: Any) throws -> [UInt8] { Array(try JSONSerialization.data(withJSONObject: object)) }
