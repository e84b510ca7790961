import Foundation
import ImageInput
import Tensors
import Testing
import TestSupport

private struct Entry: Decodable {
    let file: String
    let ok: Bool
    let decoded: String?
    let resized: String?
}

private struct Manifest: Decodable {
    let images: [String: Entry]
}

private let manifest: Manifest = {
    let data = try! Data(contentsOf: Fixtures.url("images/manifest.json"))
    return try! JSONDecoder().decode(Manifest.self, from: data)
}()

private let readable = manifest.images.values.filter(\.ok).map(\.file).sorted()
private let unreadable = manifest.images.values.filter { !$0.ok }.map(\.file).sorted()

@Test(arguments: readable)
func decodesLikeTensorFlow(file: String) throws {
    let entry = try #require(manifest.images[file])
    let ours = try ImageDecoder.decode(contentsOf: Fixtures.url("images/\(file)"))
    let tf = try NumpyFile.read(Fixtures.url("images/\(try #require(entry.decoded))"))
    #expect(ours.shape == tf.shape)
    // Same libjpeg-turbo/libpng settings and the same float scaling: identical values.
    #expect(maxAbsDifference(ours, tf) == 0)
}

@Test(arguments: readable)
func resizesLikeTensorFlow(file: String) throws {
    let entry = try #require(manifest.images[file])
    let tfDecoded = try NumpyFile.read(Fixtures.url("images/\(try #require(entry.decoded))"))
    let tfResized = try NumpyFile.read(Fixtures.url("images/\(try #require(entry.resized))"))
    let ours = ImageResizer.resizeBilinear(tfDecoded, height: 13, width: 17)
    #expect(ours.shape == tfResized.shape)
    #expect(maxAbsDifference(ours, tfResized) <= 1e-6)
}

@Test(arguments: unreadable)
func refusesWhatTensorFlowRefuses(file: String) throws {
    let url = Fixtures.url("images/\(file)")
    let error = try #require(throws: ImageError.self) { try ImageDecoder.decode(contentsOf: url) }
    #expect(error.source == url.path)
    #expect(!error.reason.isEmpty)
}

@Test func refusesImagesOverThePixelLimit() throws {
    let url = Fixtures.url("images/rgb.jpg")
    #expect(throws: ImageError.self) { try ImageDecoder.decode(contentsOf: url, pixelLimit: 100) }
}

/// A 10 000 x 10 000 PNG of a few kilobytes (issue 18, defect 3: it used to cost 1.5 GB in `embed`)
/// is refused by the default cap from its header, before any pixel buffer is allocated.
@Test func aSmallFileDeclaringAHugeImageIsRefusedByTheDefaultCap() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("huge-\(UUID().uuidString).png")
    defer { try? FileManager.default.removeItem(at: url) }
    let script = """
        import struct, sys, zlib
        w = h = 10000
        raw = zlib.compress((b"\\x00" + b"\\x00" * (w // 8)) * h, 9)
        def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
        png = b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0)) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
        open(sys.argv[1], "wb").write(png)
        """
    let python = Process()
    python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    python.arguments = ["python3", "-c", script, url.path]
    try python.run()
    python.waitUntilExit()
    #expect(python.terminationStatus == 0)
    let size = try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int)
    #expect(size < 100_000)
    let error = try #require(throws: ImageError.self) { try ImageDecoder.decode(contentsOf: url) }
    #expect(error.reason.contains("10000"), "\(error.reason)")
    #expect(ImageDecoder.defaultPixelLimit * 3 * 4 <= 400 << 20, "the float tensor of an accepted image stays under ~400 MB")
}
