import Foundation
import TensorFlowHub
import TensorFlowHubServing
import Tensors
import Testing
import TestSupport

/// Each bad request gets a clear 4xx with `{"error": ...}`, and the server goes on serving.
@Suite struct BadInputTests {
    struct Case: Sendable, CustomStringConvertible {
        let description: String
        let method: String
        let path: String
        let body: String
        let status: Int
        /// A word the error message must contain.
        let mentions: String
    }

    static let oneImage = "[" + Array(repeating: "[" + Array(repeating: "[0.5,0.5,0.5]", count: 40).joined(separator: ",") + "]", count: 40).joined(separator: ",") + "]"

    static let cases: [Case] = [
        Case(description: "malformed JSON", method: "POST", path: "/v1/models/nasnet:predict", body: "{\"instances\": [", status: 400, mentions: "JSON"),
        Case(description: "neither instances nor inputs", method: "POST", path: "/v1/models/nasnet:predict", body: "{\"x\": 1}", status: 400, mentions: "instances"),
        Case(description: "wrong shape", method: "POST", path: "/v1/models/nasnet:predict", body: "{\"instances\": [[1, 2, 3]]}", status: 400, mentions: "shape"),
        Case(description: "ragged instances", method: "POST", path: "/v1/models/nasnet:predict", body: "{\"instances\": [[[1, 2], [3]]]}", status: 400, mentions: "ragged"),
        Case(description: "strings for floats", method: "POST", path: "/v1/models/nasnet:predict", body: "{\"inputs\": {\"images\": [[[[true]]]]}}", status: 400, mentions: "float32"),
        Case(description: "unknown input", method: "POST", path: "/v1/models/nasnet:predict", body: "{\"inputs\": {\"pixels\": 1}}", status: 400, mentions: "pixels"),
        Case(description: "not an image", method: "POST", path: "/v1/models/nasnet:predict", body: "{\"instances\": [{\"b64\": \"aGVsbG8=\"}]}", status: 400, mentions: "image"),
        Case(description: "unknown model", method: "POST", path: "/v1/models/resnet:predict", body: "{\"instances\": [\(oneImage)]}", status: 404, mentions: "resnet"),
        Case(description: "unknown version", method: "POST", path: "/v1/models/nasnet/versions/7:predict", body: "{\"instances\": [\(oneImage)]}", status: 404, mentions: "7"),
        Case(description: "unknown signature", method: "POST", path: "/v1/models/nasnet:predict", body: "{\"signature_name\": \"logits\", \"instances\": [\(oneImage)]}", status: 404, mentions: "logits"),
        Case(description: "unsupported verb", method: "POST", path: "/v1/models/nasnet:classify", body: "{}", status: 400, mentions: "classify"),
        Case(description: "an instance without an input", method: "POST", path: "/v1/models/nasnet:predict", body: "{\"instances\": [{\"images\": \(oneImage)}, {}]}", status: 400, mentions: "1 of 2 instances"),
        Case(description: "v2 missing input", method: "POST", path: "/v2/models/nasnet/infer", body: "{\"inputs\": []}", status: 400, mentions: "images"),
        Case(description: "no such endpoint", method: "GET", path: "/v3/models", body: "", status: 404, mentions: "/v3/models"),
        Case(description: "unknown version status", method: "GET", path: "/v1/models/nasnet/versions/2", body: "", status: 404, mentions: "version"),
        Case(description: "v2 wrong datatype", method: "POST", path: "/v2/models/nasnet/infer", body: "{\"inputs\": [{\"name\": \"images\", \"datatype\": \"INT32\", \"shape\": [1, 1, 1, 3], \"data\": [1, 2, 3]}]}", status: 400, mentions: "FP32"),
        Case(description: "v2 data and shape disagree", method: "POST", path: "/v2/models/nasnet/infer", body: "{\"inputs\": [{\"name\": \"images\", \"datatype\": \"FP32\", \"shape\": [1, 40, 40, 3], \"data\": [1, 2, 3]}]}", status: 400, mentions: "elements"),
        Case(description: "v2 wrong shape", method: "POST", path: "/v2/models/nasnet/infer", body: "{\"inputs\": [{\"name\": \"images\", \"datatype\": \"FP32\", \"shape\": [1, 1, 1, 3], \"data\": [1, 2, 3]}]}", status: 400, mentions: "shape"),
        Case(description: "v2 unknown model", method: "POST", path: "/v2/models/resnet/infer", body: "{\"inputs\": []}", status: 404, mentions: "resnet"),
        Case(description: "v2 FP16", method: "POST", path: "/v2/models/nasnet/infer", body: "{\"inputs\": [{\"name\": \"images\", \"datatype\": \"FP16\", \"shape\": [1], \"data\": [1]}]}", status: 400, mentions: "FP16"),
        Case(description: "too many elements", method: "POST", path: "/v2/models/nasnet/infer", body: "{\"inputs\": [{\"name\": \"images\", \"datatype\": \"FP32\", \"shape\": [100000, 40, 40, 3], \"data\": []}]}", status: 400, mentions: "elements"),
        Case(description: "binary size past the body", method: "POST", path: "/v2/models/nasnet/infer", body: "{\"inputs\": [{\"name\": \"images\", \"datatype\": \"FP32\", \"shape\": [1, 40, 40, 3], \"parameters\": {\"binary_data_size\": 19200}}]}", status: 400, mentions: "binary_data_size"),
    ]

    @Test func everyBadRequestIsAnsweredAndTheServerKeepsServing() async throws {
        let images = try fixtureImages(batch: 1)
        let expected = try slimModule(["images": images])["default"]!.scalars(as: Float.self)
        let good = try jsonBody(["instances": nestedJSON(images)])
        try await withServer { port, _ in
            for bad in Self.cases {
                let reply = try await LoopbackHTTP.send(bad.method, port: port, path: bad.path, body: Array(bad.body.utf8))
                #expect(reply.status == bad.status, "\(bad): \(reply.status) \(reply.text)")
                let message = reply.errorMessage ?? ""
                #expect(message.contains(bad.mentions), "\(bad): \(reply.text)")
            }
            let reply = try await LoopbackHTTP.send("POST", port: port, path: "/v1/models/nasnet:predict", body: good)
            #expect(reply.status == 200)
            #expect(sameBits(floats((try reply.json() as? [String: Any])?["predictions"]), expected))
        }
    }

    @Test func anOversizedBodyIs413FromItsHeaderAndTheServerKeepsServing() async throws {
        var configuration = ServingConfiguration()
        configuration.maxBodyBytes = 100_000
        try await withServer(configuration) { port, _ in
            // A 1 GB body announced: refused from Content-Length, before it is sent.
            let huge = try await LoopbackHTTP.send(
                "POST", port: port, path: "/v1/models/nasnet:predict", body: Array("{\"instances\": [".utf8),
                declaredLength: 1 << 30)
            #expect(huge.status == 413)
            #expect(huge.errorMessage?.contains("100000") == true, "\(huge.text)")
            // A body that is sent and is too large.
            let body = Array(("{\"instances\": [" + String(repeating: "0.5,", count: 60_000) + "0.5]}").utf8)
            let sent = try await LoopbackHTTP.send("POST", port: port, path: "/v2/models/nasnet/infer", body: body)
            #expect(sent.status == 413)
            let live = try await LoopbackHTTP.send("GET", port: port, path: "/v2/health/live")
            #expect(live.status == 200)
        }
    }
}

/// A JPEG whose header declares 60000 x 60000 pixels (a decompression bomb): refused from its header
/// with a 400, and the server keeps serving.
@Test func aJPEGBombIs400AndTheServerKeepsServing() async throws {
    var bytes = Array(try Data(contentsOf: Fixtures.url("images/rgb.jpg")))
    let sof = try #require((0..<(bytes.count - 9)).first { bytes[$0] == 0xFF && (bytes[$0 + 1] == 0xC0 || bytes[$0 + 1] == 0xC2) })
    for offset in [sof + 5, sof + 7] {  // height, then width, big-endian
        bytes[offset] = 0xEA
        bytes[offset + 1] = 0x60
    }
    try await withServer { port, _ in
        let bomb = try await LoopbackHTTP.send(
            "POST", port: port, path: "/v1/models/nasnet:predict",
            body: try jsonBody(["instances": [["b64": Data(bytes).base64EncodedString()]]]))
        #expect(bomb.status == 400, "\(bomb.text)")
        #expect(bomb.errorMessage?.contains("exceeds the limit") == true, "\(bomb.text)")
        let live = try await LoopbackHTTP.send("GET", port: port, path: "/v2/health/ready")
        #expect(live.status == 200)
    }
}
