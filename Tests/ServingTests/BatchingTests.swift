import Foundation
import TensorFlowHub
import TensorFlowHubServing
import Tensors
import Testing
import TestSupport

/// A binary-tensor v2 request for `images` (`[batch, 40, 40, 3]`), outputs in binary.
private func binaryInfer(port: Int, images: Tensor) async throws -> HTTPReply {
    let raw = images.withUnsafeBytes { Array($0) }
    let header = try jsonBody([
        "inputs": [[
            "name": "images", "datatype": "FP32", "shape": images.shape.dimensions,
            "parameters": ["binary_data_size": raw.count],
        ]],
        "parameters": ["binary_data_output": true],
    ] as [String: Any])
    return try await LoopbackHTTP.send(
        "POST", port: port, path: "/v2/models/nasnet/infer", body: header + raw,
        headers: ["Inference-Header-Content-Length": String(header.count)])
}

/// The float32 output of a binary reply.
private func binaryOutput(_ reply: HTTPReply) -> [Float] {
    guard let length = reply.headers["inference-header-content-length"].flatMap(Int.init) else { return [] }
    return reply.body[length...].withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
}

/// A metric's value from the Prometheus text, e.g. `tfhub_batch_requests_sum`.
private func metric(_ text: String, _ name: String) -> Double? {
    for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
        return Double(line.split(separator: " ").last ?? "")
    }
    return nil
}

/// The first `count` images of the 8-image fixture, each a `[1, 40, 40, 3]` request, and the `default`
/// output a call of its own gives each.
private func singleImageRequests(_ count: Int) throws -> (rows: [Tensor], expected: [[Float]]) {
    let eight = try fixtureImages(batch: 8)
    let rows = (0..<count).map { i in
        Tensor(shape: [1, 40, 40, 3], scalars: Array(eight.scalars(as: Float.self)[(i * 4800)..<((i + 1) * 4800)]))
    }
    return (rows, try rows.map { try slimModule(["images": $0])["default"]!.scalars(as: Float.self) })
}

/// Sends every row as its own binary request, all at once; the replies by row index.
private func inferConcurrently(port: Int, rows: [Tensor]) async throws -> [Int: HTTPReply] {
    try await withThrowingTaskGroup(of: (Int, HTTPReply).self) { group in
        for (i, row) in rows.enumerated() {
            group.addTask { (i, try await binaryInfer(port: port, images: row)) }
        }
        var replies: [Int: HTTPReply] = [:]
        for try await (i, reply) in group { replies[i] = reply }
        return replies
    }
}

@Suite struct BatchingTests {
    @Test func concurrentRequestsRunAsOneBatchAndEachGetsItsOwnRows() async throws {
        let (rows, expected) = try singleImageRequests(4)
        var configuration = ServingConfiguration()
        configuration.numBatchThreads = 1  // one batch at a time, up to maxBatchSize rows
        configuration.maxBatchSize = 4
        configuration.batchTimeoutMicros = 20_000_000  // the batch is full long before: it runs at the 4th request
        try await withServer(configuration) { port, _ in
            let replies = try await inferConcurrently(port: port, rows: rows)
            for i in 0..<4 {
                let reply = try #require(replies[i])
                #expect(reply.status == 200, "\(reply.text)")
                let got = Tensor(shape: [1, 192], scalars: binaryOutput(reply))
                #expect(relativeError(got, Tensor(shape: [1, 192], scalars: expected[i])) <= 1e-5, "request \(i)")
            }
            let metrics = try await LoopbackHTTP.send("GET", port: port, path: "/metrics").text
            #expect(metric(metrics, "tfhub_batch_requests_count") == 1, "\(metrics)")
            #expect(metric(metrics, "tfhub_batch_requests_sum") == 4)
            #expect(metric(metrics, "tfhub_batch_size_sum") == 4)
            #expect(metrics.contains("tfhub_requests_total{endpoint=\"v2_infer\",code=\"200\"} 4"), "\(metrics)")
            #expect(metrics.contains("tfhub_request_duration_seconds_bucket"))
            #expect(metrics.contains("tfhub_queue_depth 0"))
        }
    }

    /// The first batch waits for the timeout; once two requests came together, the next two run as
    /// soon as both are there (clients answered together come back together), long before the timeout.
    @Test func aBatchRunsOnceItHasAsManyRowsAsThePreviousOne() async throws {
        let eight = try fixtureImages(batch: 8)
        let row = Tensor(shape: [1, 40, 40, 3], scalars: Array(eight.scalars(as: Float.self)[0..<4800]))
        var configuration = ServingConfiguration()
        configuration.numBatchThreads = 1
        configuration.maxBatchSize = 4
        configuration.batchTimeoutMicros = 3_000_000
        try await withServer(configuration) { port, _ in
            func pair() async throws -> (seconds: Double, statuses: [Int]) {
                let start = Date()
                async let a = binaryInfer(port: port, images: row)
                async let b = binaryInfer(port: port, images: row)
                let statuses = try await [a.status, b.status]
                return (Date().timeIntervalSince(start), statuses)
            }
            let first = try await pair()
            #expect(first.statuses == [200, 200])
            #expect(first.seconds >= 2.9, "the first batch of two waits for the 3 s timeout (max 4 rows)")
            let second = try await pair()
            #expect(second.statuses == [200, 200])
            #expect(second.seconds < 2.0, "two rows like the previous batch: no wait for the timeout (\(second.seconds) s)")
            let metrics = try await LoopbackHTTP.send("GET", port: port, path: "/metrics").text
            #expect(metric(metrics, "tfhub_batch_requests_count") == 2, "\(metrics)")
            #expect(metric(metrics, "tfhub_batch_size_sum") == 4)
        }
    }

    /// With two batch threads, requests that come together run as micro-batches side by side: no call holds
    /// more rows than the module's micro-batch (2), none waits for the 20 s timeout, and each request gets
    /// the bits a call of its own gives.
    @Test func withTwoBatchThreadsRequestsRunInMicroBatchesSideBySide() async throws {
        let (rows, expected) = try singleImageRequests(8)
        var configuration = ServingConfiguration()
        configuration.numBatchThreads = 2
        configuration.maxBatchSize = 8
        configuration.batchTimeoutMicros = 20_000_000
        try await withServer(configuration) { port, _ in
            let start = Date()
            let replies = try await inferConcurrently(port: port, rows: rows)
            #expect(Date().timeIntervalSince(start) < 15, "a micro-batch does not wait for the 20 s timeout")
            for i in 0..<8 {
                let reply = try #require(replies[i])
                #expect(reply.status == 200, "\(reply.text)")
                #expect(sameBits(binaryOutput(reply), expected[i]), "request \(i)")
            }
            let metrics = try await LoopbackHTTP.send("GET", port: port, path: "/metrics").text
            let calls = try #require(metric(metrics, "tfhub_batch_size_count"), "\(metrics)")
            #expect(metric(metrics, "tfhub_batch_size_sum") == 8)
            #expect(calls >= 4, "8 rows in calls of at most 2 rows: \(metrics)")
            #expect(metric(metrics, "tfhub_batch_size_bucket{le=\"2.0\"}") == calls, "\(metrics)")
        }
    }

    @Test func aFullQueueAnswers503WithRetryAfterAndTheServerRecovers() async throws {
        let images = try fixtureImages(batch: 8)
        var configuration = ServingConfiguration()
        configuration.maxBatchSize = 1
        configuration.batchTimeoutMicros = 0
        configuration.maxQueueSize = 1
        try await withServer(configuration) { port, _ in
            let replies = try await withThrowingTaskGroup(of: HTTPReply.self) { group in
                for _ in 0..<12 { group.addTask { try await binaryInfer(port: port, images: images) } }
                return try await group.reduce(into: [HTTPReply]()) { $0.append($1) }
            }
            #expect(replies.allSatisfy { $0.status == 200 || $0.status == 503 }, "\(replies.map(\.status))")
            let refused = replies.filter { $0.status == 503 }
            #expect(!refused.isEmpty, "12 requests at once into a queue of 1: some must be refused")
            #expect(refused.allSatisfy { $0.headers["retry-after"] == "1" })
            #expect(refused.allSatisfy { $0.errorMessage?.contains("queue is full") == true })
            #expect(replies.contains { $0.status == 200 })
            let after = try await binaryInfer(port: port, images: images)
            #expect(after.status == 200)
        }
    }

    @Test func requestsWithDifferentRowShapesAreNotMixed() async throws {
        // Two signatures cannot share a call; each request still gets its own signature's outputs.
        let one = try fixtureImages(batch: 1)
        let plain = try slimModule(["images": one])["default"]!.scalars(as: Float.self)
        let map = try slimModule(["images": one], signature: "image_feature_vector")["feature_map"]!.scalars(as: Float.self)
        var configuration = ServingConfiguration()
        configuration.maxBatchSize = 2
        configuration.batchTimeoutMicros = 200_000
        try await withServer(configuration) { port, _ in
            async let first = LoopbackHTTP.send(
                "POST", port: port, path: "/v1/models/nasnet:predict", body: try jsonBody(["inputs": nestedJSON(one)]))
            async let second = LoopbackHTTP.send(
                "POST", port: port, path: "/v1/models/nasnet:predict",
                body: try jsonBody(["signature_name": "image_feature_vector", "inputs": nestedJSON(one)]))
            let (a, b) = try await (first, second)
            #expect(a.status == 200 && b.status == 200)
            #expect(sameBits(floats((try a.json() as? [String: Any])?["outputs"]), plain))
            let outputs = (try b.json() as? [String: Any])?["outputs"] as? [String: Any]
            #expect(sameBits(floats(outputs?["feature_map"]), map))
        }
    }
}

@Suite struct DeadlineTests {
    @Test func aRequestNotStartedWithinItsDeadlineIs504AndALaterDeadlineRuns() async throws {
        let images = try fixtureImages(batch: 1)
        let expected = try slimModule(["images": images])["default"]!.scalars(as: Float.self)
        var configuration = ServingConfiguration()
        configuration.maxBatchSize = 64
        configuration.batchTimeoutMicros = 1_000_000  // a lone request waits 1 s for company
        configuration.requestTimeoutMicros = 1_000    // ... but may wait 1 ms
        try await withServer(configuration) { port, _ in
            func infer(timeout: Int?) async throws -> HTTPReply {
                var request: [String: Any] = [
                    "inputs": [[
                        "name": "images", "datatype": "FP32", "shape": [1, 40, 40, 3],
                        "data": images.scalars(as: Float.self).map(Double.init),
                    ]],
                ]
                if let timeout { request["parameters"] = ["timeout": timeout] }
                return try await LoopbackHTTP.send("POST", port: port, path: "/v2/models/nasnet/infer", body: try jsonBody(request))
            }
            let late = try await infer(timeout: nil)
            #expect(late.status == 504, "\(late.text)")
            #expect(late.errorMessage?.contains("1000 microseconds") == true, "\(late.text)")
            let patient = try await infer(timeout: 30_000_000)
            #expect(patient.status == 200, "\(patient.text)")
            let output = ((try patient.json() as? [String: Any])?["outputs"] as? [[String: Any]])?.first
            #expect(sameBits(floats(output?["data"]), expected))
        }
    }
}
