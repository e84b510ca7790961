import Foundation
import ImageInput
import TensorFlowHub
import TensorFlowHubServing
import Tensors
import Testing
import TestSupport

/// The Open Inference Protocol v2 and the binary tensor extension over real loopback HTTP.
@Suite struct InferenceProtocolTests {
    @Test func jsonTensorsInferEqualsTheInProcessCall() async throws {
        let images = try fixtureImages(batch: 2)
        let expected = try slimModule(["images": images])["default"]!
        try await withServer { port, _ in
            let request: [String: Any] = [
                "id": "req-7",
                "inputs": [[
                    "name": "images", "datatype": "FP32", "shape": [2, 40, 40, 3],
                    "data": images.scalars(as: Float.self).map(Double.init),
                ]],
            ]
            let reply = try await LoopbackHTTP.send(
                "POST", port: port, path: "/v2/models/nasnet/infer", body: try jsonBody(request))
            #expect(reply.status == 200, "\(reply.text)")
            #expect(reply.headers["inference-header-content-length"] == nil)
            let root = try #require(try reply.json() as? [String: Any])
            #expect(root["model_name"] as? String == "nasnet")
            #expect(root["model_version"] as? String == "1")
            #expect(root["id"] as? String == "req-7")
            let output = try #require((root["outputs"] as? [[String: Any]])?.first)
            #expect(output["name"] as? String == "default")
            #expect(output["datatype"] as? String == "FP32")
            #expect((output["shape"] as? [Int]) == [2, 192])
            #expect(sameBits(floats(output["data"]), expected.scalars(as: Float.self)))
        }
    }

    /// A TF2 SavedModel has no `default` signature: a request that names none gets `serving_default`, as
    /// from TF Serving, on both protocols, and its model metadata describes that signature.
    @Test func aTF2SavedModelServesServingDefault() async throws {
        let module = try Module(url: Fixtures.url("savedmodel2/nasnet_small/savedmodel"))
        let images = try fixtureImages(batch: 2)
        let expected = try module(["input_1": images], signature: "serving_default")["global_average_pooling2d"]!
        let repository = ModelRepository([ServedModel(name: "tf2", version: 1, module: module)])
        try await withServer(repository: repository) { port, _ in
            let metadata = try #require(try await LoopbackHTTP.send("GET", port: port, path: "/v2/models/tf2").json() as? [String: Any])
            #expect(((metadata["inputs"] as? [[String: Any]])?.first?["name"] as? String) == "input_1", "\(metadata)")
            let v2 = try await LoopbackHTTP.send("POST", port: port, path: "/v2/models/tf2/infer", body: try jsonBody([
                "inputs": [["name": "input_1", "datatype": "FP32", "shape": [2, 40, 40, 3],
                            "data": images.scalars(as: Float.self).map(Double.init)]],
            ]))
            #expect(v2.status == 200, "\(v2.text)")
            let output = try #require(((try v2.json() as? [String: Any])?["outputs"] as? [[String: Any]])?.first)
            #expect(output["name"] as? String == "global_average_pooling2d")
            #expect(sameBits(floats(output["data"]), expected.scalars(as: Float.self)))
            let rest = try await LoopbackHTTP.send("POST", port: port, path: "/v1/models/tf2:predict", body: try jsonBody([
                "inputs": nestedJSON(images),
            ]))
            #expect(rest.status == 200, "\(rest.text)")
            #expect(sameBits(floats((try rest.json() as? [String: Any])?["outputs"]), expected.scalars(as: Float.self)))
        }
    }

    @Test func binaryTensorsInAndOut() async throws {
        let images = try fixtureImages(batch: 1)
        let expected = try slimModule(["images": images], signature: "image_feature_vector")
        try await withServer { port, _ in
            let raw = images.withUnsafeBytes { Array($0) }
            let header = try jsonBody([
                "inputs": [[
                    "name": "images", "datatype": "FP32", "shape": [1, 40, 40, 3],
                    "parameters": ["binary_data_size": raw.count],
                ]],
                "outputs": [
                    ["name": "feature_map", "parameters": ["binary_data": true]],
                    ["name": "default", "parameters": ["binary_data": false]],
                ],
                "parameters": ["signature_name": "image_feature_vector"],
            ] as [String: Any])
            let reply = try await LoopbackHTTP.send(
                "POST", port: port, path: "/v2/models/nasnet/versions/1/infer", body: header + raw,
                headers: ["Inference-Header-Content-Length": String(header.count), "Content-Type": "application/octet-stream"])
            #expect(reply.status == 200, "\(reply.text)")
            let length = try #require(reply.headers["inference-header-content-length"].flatMap(Int.init))
            let root = try #require(try JSONSerialization.jsonObject(with: Data(reply.body[..<length])) as? [String: Any])
            let outputs = try #require(root["outputs"] as? [[String: Any]])
            #expect(outputs.map { $0["name"] as? String } == ["feature_map", "default"])
            let map = expected["feature_map"]!
            let size = (outputs[0]["parameters"] as? [String: Any])?["binary_data_size"] as? Int
            #expect(size == map.elementCount * 4)
            #expect(Array(reply.body[length...]) == map.withUnsafeBytes { Array($0) })
            #expect(sameBits(floats(outputs[1]["data"]), expected["default"]!.scalars(as: Float.self)))
        }
    }

    @Test func jpegBytesTensorFeedsAnImageInput() async throws {
        let file = Fixtures.url("images/rgb.jpg")
        let image = ImageResizer.resizeBilinear(try ImageDecoder.decode(contentsOf: file), height: 40, width: 40)
        let expected = try slimModule(["images": image.reshaped(to: [1, 40, 40, 3])])["default"]!
        try await withServer { port, _ in
            let bytes = Array(try Data(contentsOf: file))
            let element = (0..<4).map { UInt8(truncatingIfNeeded: bytes.count >> (8 * $0)) } + bytes
            let header = try jsonBody([
                "inputs": [["name": "images", "datatype": "BYTES", "shape": [1], "parameters": ["binary_data_size": element.count]]],
                "parameters": ["binary_data_output": true],
            ] as [String: Any])
            let reply = try await LoopbackHTTP.send(
                "POST", port: port, path: "/v2/models/nasnet/infer", body: header + element,
                headers: ["Inference-Header-Content-Length": String(header.count)])
            #expect(reply.status == 200, "\(reply.text)")
            let length = try #require(reply.headers["inference-header-content-length"].flatMap(Int.init))
            #expect(Array(reply.body[length...]) == expected.withUnsafeBytes { Array($0) })
        }
    }

    @Test func healthServerAndModelMetadata() async throws {
        try await withServer { port, _ in
            for path in ["/v2/health/live", "/v2/health/ready", "/v2/models/nasnet/ready", "/v2/models/nasnet/versions/1/ready"] {
                let reply = try await LoopbackHTTP.send("GET", port: port, path: path)
                #expect(reply.status == 200, "\(path): \(reply.text)")
            }
            let server = try #require(try await LoopbackHTTP.send("GET", port: port, path: "/v2").json() as? [String: Any])
            #expect((server["extensions"] as? [String])?.contains("binary_tensor_data") == true)
            let model = try #require(try await LoopbackHTTP.send("GET", port: port, path: "/v2/models/nasnet").json() as? [String: Any])
            #expect(model["name"] as? String == "nasnet")
            #expect(model["versions"] as? [String] == ["1"])
            let input = (model["inputs"] as? [[String: Any]])?.first
            #expect(input?["name"] as? String == "images")
            #expect(input?["datatype"] as? String == "FP32")
            #expect(input?["shape"] as? [Int] == [-1, 40, 40, 3])
            let missing = try await LoopbackHTTP.send("GET", port: port, path: "/v2/models/other/ready")
            #expect(missing.status == 404)
        }
    }
}
