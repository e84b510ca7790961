import Foundation
import ImageInput
import Tensors
import Testing
import TestSupport

private let readableImages = ["rgb.jpg", "gray.jpg", "rgb_420_progressive.jpg", "rgb.png", "gray.png", "gray16.png",
                              "palette.png", "rgba.png"]

/// `decodeResized` (what `tfhub embed` runs) gives the values of decoding to floats and resizing those,
/// bit for bit: smaller, larger and equal sizes, 8- and 16-bit samples.
@Test(arguments: readableImages)
func decodingResizedEqualsDecodingThenResizing(file: String) throws {
    let url = Fixtures.url("images/\(file)")
    let decoded = try ImageDecoder.decode(contentsOf: url)
    let sizes = [(13, 17), (224, 224), (decoded.shape[0], decoded.shape[1]), (decoded.shape[0] * 2 + 1, 3)]
    for (height, width) in sizes {
        let expected = ImageResizer.resizeBilinear(decoded, height: height, width: width)
        var ours = [Float](repeating: .nan, count: height * width * 3 + 1)
        try ours.withUnsafeMutableBufferPointer {
            try ImageDecoder.decodeResized(contentsOf: url, height: height, width: width, into: $0.baseAddress!)
        }
        #expect(ours.last!.isNaN, "wrote past height * width * 3 floats")
        #expect(Array(ours.dropLast()) == expected.scalars(as: Float.self), "\(file) at \(height)x\(width)")
    }
}

@Test func decodingResizedRefusesWhatDecodingRefuses() throws {
    var buffer = [Float](repeating: 0, count: 3)
    for file in ["corrupt.jpg", "truncated.jpg", "truncated.png", "not_an_image.png"] {
        let url = Fixtures.url("images/\(file)")
        let error = try #require(throws: ImageError.self) {
            try buffer.withUnsafeMutableBufferPointer {
                try ImageDecoder.decodeResized(contentsOf: url, height: 1, width: 1, into: $0.baseAddress!)
            }
        }
        #expect(error.source == url.path)
    }
    #expect(throws: ImageError.self) {
        try buffer.withUnsafeMutableBufferPointer {
            try ImageDecoder.decodeResized(contentsOf: Fixtures.url("images/rgb.jpg"), height: 1, width: 1,
                                           pixelLimit: 100, into: $0.baseAddress!)
        }
    }
}
