import Foundation
import HubResolver
import Testing

// MARK: - SHA-1 against published vectors and Python's hashlib

@Suite struct SHA1Tests {
    /// FIPS 180 examples, the classic pangram, and the handle from tf-hub-format.md section 2.6.
    @Test(arguments: [
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        ("The quick brown fox jumps over the lazy dog", "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"),
        ("https://tfhub.dev/google/imagenet/mobilenet_v2_100_224/feature_vector/1",
         "e23751975d8304461650459778e453d44e7298d6"),
    ])
    func knownVectors(input: String, digest: String) {
        #expect(SHA1.hexDigest(of: input) == digest)
    }

    @Test func oneMillionA() {
        #expect(SHA1.hexDigest(of: [UInt8](repeating: 0x61, count: 1_000_000)) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    /// Every length from 0 to 200 bytes (all padding cases), plus non-ASCII text, against hashlib.
    @Test func matchesPythonHashlibAcrossBlockBoundaries() throws {
        var inputs = (0...200).map { String(repeating: "x", count: $0) }
        inputs.append("https://example.com/módulo/ü?q=ß")
        let script = """
            import hashlib, sys
            for line in sys.stdin.read().split("\\n")[:-1]:
                print(hashlib.sha1(line.encode("utf-8")).hexdigest())
            """
        let expected = try runPython(script, input: inputs.map { $0 + "\n" }.joined())
            .split(separator: "\n").map(String.init)
        #expect(expected.count == inputs.count)
        for (input, digest) in zip(inputs, expected) {
            #expect(SHA1.hexDigest(of: input) == digest, "length \(input.utf8.count)")
        }
    }
}

/// Runs a Python 3 snippet (standard library only) and returns its standard output; gives up after
/// `timeout` seconds.
func runPython(_ script: String, arguments: [String] = [], input: String = "", environment: [String: String]? = nil,
               timeout: Double = 60) throws -> String {
    try withScratch { scratch in
        let inputFile = scratch.sub("stdin")
        let outputFile = scratch.sub("stdout")
        try Data(input.utf8).write(to: inputFile)
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        if let environment { process.environment = environment }
        process.standardInput = try FileHandle(forReadingFrom: inputFile)
        process.standardOutput = try FileHandle(forWritingTo: outputFile)
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw CocoaError(.executableLoad)
        }
        return try String(contentsOf: outputFile, encoding: .utf8)
    }
}
