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
