import Foundation
import TensorFlowHub
import TensorFlowHubServing
import Tensors
import Testing
import TestSupport

/// TF Serving's model config file (several models), read and served.
@Suite struct ModelConfigTests {
    @Test func readsNamesAndBasePaths() throws {
        let text = """
            # two models
            model_config_list {
              config {
                name: 'nasnet'
                base_path: "/models/nasnet/"
                model_platform: "tensorflow"
              }
              config: { name: "small" base_path: "small" }
            }
            """
        let configs = try ModelConfigFile.parse(text, relativeTo: URL(fileURLWithPath: "/etc/tfhub"))
        #expect(configs == [
            ModelConfig(name: "nasnet", basePath: "/models/nasnet/"),
            ModelConfig(name: "small", basePath: "/etc/tfhub/small"),
        ])
    }

    @Test(arguments: [
        ("model_config_list { config { name: \"a\" base_path: \"/a\" model_version_policy { latest { num_versions: 2 } } } }",
         "'model_version_policy' is not supported"),
        ("model_config_list { config { name: \"a\" } }", "config 'a' has no base_path"),
        ("model_config_list { config { base_path: \"/a\" } }", "a config has no name"),
        ("model_config_list { config { name: \"a\" base_path: \"/a\" } config { name: \"a\" base_path: \"/b\" } }", "configured twice"),
        ("model_config_list { config { name: \"a\n base_path: \"/a\" } }", "unterminated string"),
        ("model_config_list { config { name: \"a\" base_path: \"/a\" }", "missing '}'"),
        ("model_config_list { config { name: \"a\" base_path: \"/a\" model_platform: \"pytorch\" } }", "pytorch"),
        ("", "no model configured"),
    ])
    func refusesWhatItCannotServe(text: String, complaint: String) {
        do {
            _ = try ModelConfigFile.parse(text, source: "models.config")
            Issue.record("accepted: \(text)")
        } catch let error as ModelConfigError {
            #expect(error.description.contains(complaint), "\(error)")
            #expect(error.description.hasPrefix("models.config:"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func severalModelsAreServedByName() async throws {
        let images = try fixtureImages(batch: 1)
        let expected = try slimModule(["images": images])["default"]!.scalars(as: Float.self)
        let repository = ModelRepository([
            ServedModel(name: "nasnet", version: 3, module: slimModule),
            ServedModel(name: "copy", version: 1, module: slimModule),
        ])
        try await withServer(repository: repository) { port, _ in
            for (name, version) in [("nasnet", "3"), ("copy", "1")] {
                let reply = try await LoopbackHTTP.send(
                    "POST", port: port, path: "/v1/models/\(name):predict", body: try jsonBody(["inputs": nestedJSON(images)]))
                #expect(reply.status == 200, "\(reply.text)")
                #expect(sameBits(floats((try reply.json() as? [String: Any])?["outputs"]), expected))
                let model = try await LoopbackHTTP.send("GET", port: port, path: "/v2/models/\(name)").json() as? [String: Any]
                #expect(model?["versions"] as? [String] == [version])
            }
            let unknown = try await LoopbackHTTP.send("GET", port: port, path: "/v1/models/other")
            #expect(unknown.status == 404)
            #expect(unknown.errorMessage?.contains("copy, nasnet") == true, "\(unknown.text)")
        }
    }
}
