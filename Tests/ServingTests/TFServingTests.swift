import Foundation
import ImageInput
import TensorFlowHub
import TensorFlowHubServing
import Tensors
import Testing
import TestSupport

/// TF Serving REST over real loopback HTTP, compared bit for bit with the in-process `Module` call.
@Suite struct TFServingTests {
    @Test func rowFormatPredictEqualsTheInProcessCall() async throws {
        let images = try fixtureImages(batch: 2)
        let expected = try slimModule(["images": images])["default"]!.scalars(as: Float.self)
        try await withServer { port, _ in
            let reply = try await LoopbackHTTP.send(
                "POST", port: port, path: "/v1/models/nasnet:predict",
                body: try jsonBody(["instances": nestedJSON(images)]))
            #expect(reply.status == 200, "\(reply.text)")
            let predictions = try #require((try reply.json() as? [String: Any])?["predictions"] as? [[Any]])
            #expect(predictions.count == 2)
            #expect(predictions.allSatisfy { $0.count == 192 })
            #expect(sameBits(floats(predictions), expected))
        }
    }

    @Test func columnarFormatWithSignatureAndVersionReturnsEveryOutput() async throws {
        let images = try fixtureImages(batch: 1)
        let expected = try slimModule(["images": images], signature: "image_feature_vector")
        try await withServer { port, _ in
            let reply = try await LoopbackHTTP.send(
                "POST", port: port, path: "/v1/models/nasnet/versions/1:predict",
                body: try jsonBody([
                    "signature_name": "image_feature_vector", "inputs": ["images": nestedJSON(images)],
                ]))
            #expect(reply.status == 200, "\(reply.text)")
            let outputs = try #require((try reply.json() as? [String: Any])?["outputs"] as? [String: Any])
            #expect(Set(outputs.keys) == ["default", "feature_map"])
            #expect(sameBits(floats(outputs["default"]), expected["default"]!.scalars(as: Float.self)))
            #expect(sameBits(floats(outputs["feature_map"]), expected["feature_map"]!.scalars(as: Float.self)))
            let map = try #require(outputs["feature_map"] as? [[[[Any]]]])
            #expect(map.count == 1 && map[0].count == 2 && map[0][0].count == 2 && map[0][0][0].count == 192)
        }
    }

    @Test func base64ImagesAreDecodedAndResizedAsEmbedDoes() async throws {
        let files = ["rgb.jpg", "rgba.png"].map { Fixtures.url("images/\($0)") }
        let decoded = try files.map { url -> Tensor in
            let image = try ImageDecoder.decode(contentsOf: url)
            let resized = ImageResizer.resizeBilinear(image, height: 40, width: 40)
            return resized.reshaped(to: Shape([1, 40, 40, 3]))
        }
        let batch = Tensor(shape: [2, 40, 40, 3], scalars: decoded.flatMap { $0.scalars(as: Float.self) })
        let expected = try slimModule(["images": batch])["default"]!.scalars(as: Float.self)
        try await withServer { port, _ in
            let instances = try files.map { ["b64": try Data(contentsOf: $0).base64EncodedString()] }
            let reply = try await LoopbackHTTP.send(
                "POST", port: port, path: "/v1/models/nasnet:predict", body: try jsonBody(["instances": instances]))
            #expect(reply.status == 200, "\(reply.text)")
            let predictions = (try reply.json() as? [String: Any])?["predictions"]
            #expect(sameBits(floats(predictions), expected))
        }
    }

    @Test func statusAndMetadataDescribeTheModel() async throws {
        try await withServer { port, _ in
            let status = try await LoopbackHTTP.send("GET", port: port, path: "/v1/models/nasnet")
            #expect(status.status == 200)
            let versions = try #require((try status.json() as? [String: Any])?["model_version_status"] as? [[String: Any]])
            #expect(versions.count == 1)
            #expect(versions.first?["version"] as? String == "1")
            #expect(versions.first?["state"] as? String == "AVAILABLE")

            let versioned = try await LoopbackHTTP.send("GET", port: port, path: "/v1/models/nasnet/versions/1")
            #expect(versioned.status == 200)

            let metadata = try await LoopbackHTTP.send("GET", port: port, path: "/v1/models/nasnet/metadata")
            #expect(metadata.status == 200)
            let root = try #require(try metadata.json() as? [String: Any])
            let defs = ((root["metadata"] as? [String: Any])?["signature_def"] as? [String: Any])?["signature_def"] as? [String: Any]
            #expect(Set((defs ?? [:]).keys) == ["default", "image_feature_vector"])
            let images = (((defs?["default"] as? [String: Any])?["inputs"] as? [String: Any])?["images"] as? [String: Any])
            #expect(images?["dtype"] as? String == "DT_FLOAT")
            let dims = ((images?["tensor_shape"] as? [String: Any])?["dim"] as? [[String: Any]])?.compactMap { $0["size"] as? String }
            #expect(dims == ["-1", "40", "40", "3"])
        }
    }
}
