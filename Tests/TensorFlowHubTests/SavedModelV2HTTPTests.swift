import Foundation
import HubResolver
import Tensors
import TensorFlowHub
import Testing
import TestSupport

// MARK: - A TF2 SavedModel over HTTP, through the hub cache

/// `Tests/Fixtures/resolver/http_server.py` serving `root` on 127.0.0.1 (`/modules/<file>`), logging
/// every request path to `root/requests.log`.
private final class LoopbackServer {
    let port: Int
    let log: URL
    private let process = Process()
    private let input = Pipe()

    init(root: URL) throws {
        log = root.appendingPathComponent("requests.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Fixtures.url("resolver/http_server.py").path, root.path, log.path]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line is "PORT <n>" (the server exits when its stdin closes).
        var line = Data()
        while !line.contains(0x0A) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
            process.terminate()
            throw ServerDidNotStart(output: text)
        }
        self.port = port
    }

    struct ServerDidNotStart: Error { let output: String }

    var requests: [String] {
        ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}

/// `folder`'s files (not the folder itself) as a .tar.gz, as tfhub.dev serves modules.
private func makeArchive(of folder: URL, at archive: URL) throws {
    let tar = Process()
    tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    tar.arguments = ["tar", "czf", archive.path, "-C", folder.path, "."]
    try tar.run()
    tar.waitUntilExit()
    #expect(tar.terminationStatus == 0)
}

/// tfhub.dev's TF2 modules are .tar.gz archives of the SavedModel folder: resolved over HTTP into the
/// hub cache (key: SHA-1 of the handle, `?tf-hub-format=compressed` requested), loaded as a TF2
/// SavedModel, and read from the cache without a second download.
@Test func aTF2SavedModelArchiveOverHTTPIsCachedAndRuns() throws {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tf2-http-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let fixture = try #require(SavedModelV2Fixture.small.first { $0.description == "resnet_small" })
    try makeArchive(of: fixture.savedModel, at: scratch.appendingPathComponent("resnet_small.tar.gz"))
    let server = try LoopbackServer(root: scratch)
    defer { server.stop() }

    let handle = "http://127.0.0.1:\(server.port)/modules/resnet_small.tar.gz"
    let resolver = ModuleResolver(cacheDirectory: scratch.appendingPathComponent("cache"), environment: [:])
    let module = try Module(handle: handle, resolver: resolver)
    #expect(module.format == .savedModelV2)
    #expect(module.directory.standardizedFileURL.path == resolver.cacheFolder(for: handle)?.standardizedFileURL.path)
    #expect(FileManager.default.fileExists(atPath: module.directory.appendingPathComponent("saved_model.pb").path))
    #expect(!FileManager.default.fileExists(atPath: module.directory.appendingPathComponent("tfhub_module.pb").path))
    let images = formulaImages(batch: 1, size: try fixture.imageSize)
    #expect(relativeError(try module(images), try fixture.reference("call", batch: 1)) <= 1e-4)
    #expect(server.requests == ["/modules/resnet_small.tar.gz?tf-hub-format=compressed"])

    let again = try Module(handle: handle, resolver: resolver)
    #expect(again.directory == module.directory)
    #expect(server.requests.count == 1, "\(server.requests)")
    #expect(resolver.cacheEntries().count == 1)
}
