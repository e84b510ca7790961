import Foundation
import TensorFlowHub
import TensorFlowHubServing
import Tensors
import Testing
import TestSupport

/// `--model-base-path`: the highest `DIR/<version>/` is served, and a higher one appearing under load is
/// swapped in with no failed request.
@Suite struct VersionSwapTests {
    @Test func latestVersionFolderIsFound() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("tfhub-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: base) }
        #expect(throws: ModelSourceError.self) { try ModelBasePath.latest(in: base.path) }
        for name in ["1", "10", "2", "tmp", "03"] {
            try FileManager.default.createDirectory(at: base.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        let latest = try ModelBasePath.latest(in: base.path)
        #expect(latest.version == 10)
        #expect(latest.directory == base.appendingPathComponent("10").resolvingSymlinksInPath().path)
        #expect(try ModelBasePath.versions(in: base.path) == [1, 2, 10])
    }

    @Test func aNewVersionIsSwappedInUnderLoadWithoutAFailedRequest() async throws {
        let module = Fixtures.url("nasnet/slim_v1_small/module")
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("tfhub-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: base) }
        try FileManager.default.createSymbolicLink(at: base.appendingPathComponent("1"), withDestinationURL: module)

        let images = try fixtureImages(batch: 1)
        let expected = try slimModule(["images": images])["default"]!.scalars(as: Float.self)
        let body = try jsonBody(["inputs": nestedJSON(images)])
        let repository = ModelRepository([ServedModel(name: "nasnet", version: 1, module: slimModule)])
        let watcher = ModelVersionWatcher(
            basePath: base.path, name: "nasnet", pollInterval: .milliseconds(50), load: { try Module(handle: $0) })
        try await withServer(repository: repository, watchers: [watcher]) { port, _ in
            try FileManager.default.createSymbolicLink(at: base.appendingPathComponent("2"), withDestinationURL: module)
            // Two clients send requests until version 2 answers (bounded: 400 requests each at most).
            let replies = try await withThrowingTaskGroup(of: [(HTTPReply, String?)].self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        var replies: [(HTTPReply, String?)] = []
                        for _ in 0..<400 {
                            let reply = try await LoopbackHTTP.send(
                                "POST", port: port, path: "/v2/models/nasnet/infer",
                                body: try jsonBody([
                                    "inputs": [[
                                        "name": "images", "datatype": "FP32", "shape": [1, 40, 40, 3],
                                        "data": images.scalars(as: Float.self).map(Double.init),
                                    ]],
                                ]))
                            let version = (try? reply.json() as? [String: Any])?["model_version"] as? String
                            replies.append((reply, version))
                            if version == "2" { break }
                        }
                        return replies
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(replies.allSatisfy { $0.0.status == 200 }, "\(replies.map(\.0.status))")
            #expect(replies.contains { $0.1 == "2" }, "version 2 was never served")
            #expect(replies.allSatisfy { sameBits(floats(((try? $0.0.json() as? [String: Any])?["outputs"] as? [[String: Any]])?.first?["data"]), expected) })

            let status = try await LoopbackHTTP.send("GET", port: port, path: "/v1/models/nasnet")
            let versions = ((try status.json() as? [String: Any])?["model_version_status"] as? [[String: Any]])?.compactMap { $0["version"] as? String }
            #expect(versions == ["2"])
            let old = try await LoopbackHTTP.send("POST", port: port, path: "/v1/models/nasnet/versions/1:predict", body: body)
            #expect(old.status == 404)
            let new = try await LoopbackHTTP.send("POST", port: port, path: "/v1/models/nasnet/versions/2:predict", body: body)
            #expect(new.status == 200)
        }
    }
}
