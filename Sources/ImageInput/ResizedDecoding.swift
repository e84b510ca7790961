import CImageCodecs
import Foundation
import Tensors

extension ImageDecoder {
    /// Decodes an image file and resizes it to `height x width` RGB floats written at `destination`
    /// (`height * width * 3` floats, HWC), with the same values as
    /// `ImageResizer.resizeBilinear(decode(contentsOf: url), height:width:)`, without the full-size float
    /// image: each sample is scaled to [0, 1] (as `decode` does) only where the bilinear taps read it.
    /// For `tfhub embed`, which writes each image into its place in a batch tensor.
    public static func decodeResized(
        contentsOf url: URL, height: Int, width: Int, pixelLimit: Int = defaultPixelLimit,
        into destination: UnsafeMutablePointer<Float>
    ) throws {
        try withDecodedPixels(of: readFile(url), source: url.path, pixelLimit: pixelLimit) { image, pixels in
            let source = (height: Int(image.height), width: Int(image.width))
            if image.bits_per_sample == 16 {
                ImageResizer.resizeBilinear(
                    samples: pixels.assumingMemoryBound(to: UInt16.self), scale: Float(1.0 / 65535.0),
                    inHeight: source.height, inWidth: source.width, height: height, width: width, into: destination)
            } else {
                ImageResizer.resizeBilinear(
                    samples: pixels.assumingMemoryBound(to: UInt8.self), scale: Float(1.0 / 255.0),
                    inHeight: source.height, inWidth: source.width, height: height, width: width, into: destination)
            }
        }
    }
}

extension ImageResizer {
    /// Bilinear resizing (half-pixel centres, as `resizeBilinear`) of integer RGB samples that are
    /// scaled to floats as they are read (`Float(sample) * scale`, as `ImageDecoder.decode` scales them),
    /// so the result equals decoding to floats first and resizing those, bit for bit.
    static func resizeBilinear<Sample: BinaryInteger>(
        samples: UnsafePointer<Sample>, scale: Float, inHeight: Int, inWidth: Int, height: Int, width: Int,
        into output: UnsafeMutablePointer<Float>
    ) {
        let channels = 3, inRow = inWidth * channels
        @inline(__always) func value(_ index: Int) -> Float { Float(samples[index]) * scale }
        if inHeight == height && inWidth == width {
            for i in 0..<(height * width * channels) { output[i] = value(i) }
            return
        }
        let ys = taps(outSize: height, inSize: inHeight)
        let xs = taps(outSize: width, inSize: inWidth)
        var o = 0
        for y in ys {
            let top = y.lower * inRow, bottom = y.upper * inRow
            for x in xs {
                let left = x.lower * channels, right = x.upper * channels
                for c in 0..<channels {
                    let topLeft = value(top + left + c), topRight = value(top + right + c)
                    let bottomLeft = value(bottom + left + c), bottomRight = value(bottom + right + c)
                    let upper = topLeft + (topRight - topLeft) * x.lerp
                    let lower = bottomLeft + (bottomRight - bottomLeft) * x.lerp
                    output[o] = upper + (lower - upper) * y.lerp
                    o += 1
                }
            }
        }
    }
}
