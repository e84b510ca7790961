import Foundation
import Logging
import TensorFlowHub
import TensorFlowHubServing
import Tensors
import Testing
import TestSupport

/// A TF Serving row-format predict of `images` on model `nasnet`.
private func predict(port: Int, images: Tensor) async throws -> HTTPReply {
    try await LoopbackHTTP.send(
        "POST", port: port, path: "/v1/models/nasnet:predict", body: try jsonBody(["instances": nestedJSON(images)]))
}

/// Draining (issue 16): after SIGTERM (`shutDown()` here), readiness answers 503 and TF Serving's status
/// says UNLOADING while the listener stays open and answers every request, a new one included; the
/// listener closes only once no request is in flight. No clock: the first request waits in a batch of
/// two until the second, sent after draining began, fills it.
@Test func drainingIsNotReadyWhileRequestsFinishThenTheListenerCloses() async throws {
    let two = try fixtureImages(batch: 2)
    let values = two.scalars(as: Float.self)
    let rows = (0..<2).map { i in Tensor(shape: [1, 40, 40, 3], scalars: Array(values[(i * 4800)..<((i + 1) * 4800)])) }
    let expected = try #require(try slimModule(["images": two])["default"]).scalars(as: Float.self)

    var logger = Logger(label: "tfhub.serve.test")
    logger.logLevel = .critical
    var configuration = ServingConfiguration(host: "127.0.0.1", port: 0)
    configuration.maxBatchSize = 2
    configuration.batchTimeoutMicros = 600_000_000  // never reached: the second request fills the batch
    let server = ModelServer(
        repository: ModelRepository([ServedModel(name: "nasnet", version: 1, module: slimModule)]),
        configuration: configuration, logger: logger)
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    let running = Task {
        defer { continuation.finish() }
        try await server.run(handlingSignals: false) { _, port in continuation.yield(port) }
    }
    defer { running.cancel() }
    var iterator = ports.makeAsyncIterator()
    let port = try #require(await iterator.next(), "the server stopped before listening")

    #expect(try await LoopbackHTTP.send("GET", port: port, path: "/v2/health/ready").status == 200)
    let first = Task { try await predict(port: port, images: rows[0]) }
    var polls = 0
    while server.queueDepth < 1, polls < 6000 {  // until it waits in the batch (bounded)
        try await Task.sleep(for: .milliseconds(10))
        polls += 1
    }
    #expect(server.queueDepth == 1)

    server.shutDown()
    #expect(server.isDraining)
    let ready = try await LoopbackHTTP.send("GET", port: port, path: "/v2/health/ready")
    #expect(ready.status == 503)
    #expect(ready.errorMessage?.contains("draining") == true, "\(ready.text)")
    #expect(try await LoopbackHTTP.send("GET", port: port, path: "/v2/models/nasnet/ready").status == 503)
    #expect(try await LoopbackHTTP.send("GET", port: port, path: "/v2/models/nasnet/versions/1/ready").status == 503)
    #expect(try await LoopbackHTTP.send("GET", port: port, path: "/v2/models/other/ready").status == 404)
    #expect(try await LoopbackHTTP.send("GET", port: port, path: "/v2/health/live").status == 200)
    let status = try await LoopbackHTTP.send("GET", port: port, path: "/v1/models/nasnet")
    let versions = (try status.json() as? [String: Any])?["model_version_status"] as? [[String: Any]]
    #expect(versions?.first?["state"] as? String == "UNLOADING", "\(status.text)")

    // The listener is still open: a request sent now is answered, and fills the first one's batch.
    let second = try await predict(port: port, images: rows[1])
    let firstReply = try await first.value
    for (i, reply) in [firstReply, second].enumerated() {
        #expect(reply.status == 200, "\(reply.text)")
        let predictions = floats((try reply.json() as? [String: Any])?["predictions"])
        #expect(sameBits(predictions, Array(expected[(i * 192)..<((i + 1) * 192)])), "request \(i)")
    }

    // Nothing in flight: the listener closes and `run` returns; a new connection is refused.
    try await running.value
    await #expect(throws: (any Error).self) {
        _ = try await LoopbackHTTP.send("GET", port: port, path: "/v2/health/live")
    }
}
