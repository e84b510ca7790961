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
        try decodeResized(readFile(url), source: url.path, height: height, width: width, pixelLimit: pixelLimit,
                          into: destination)
    }

    /// `decodeResized(contentsOf:...)` of a file's bytes (`source` names it in errors), e.g. an image
    /// a request carries, written into its row of a batch.
    public static func decodeResized(
        _ bytes: [UInt8], source: String = "<memory>", height: Int, width: Int, pixelLimit: Int = defaultPixelLimit,
        into destination: UnsafeMutablePointer<Float>
    ) throws {
        try withDecodedPixels(of: bytes, source: source, pixelLimit: pixelLimit) { image, pixels in
            let source = (height: Int(image.height), width: Int(image.width))
            ImageResizer.withTaps(
                inHeight: source.height, inWidth: source.width, height: height, width: width, channels: 3
            ) { ys, xs, scratch in
                if image.bits_per_sample == 16 {
                    cimg_resize_bilinear_u16(
                        pixels.assumingMemoryBound(to: UInt16.self), source.width, 3, Float(1.0 / 65535.0), height, width,
                        ys, xs, scratch, destination)
                } else {
                    cimg_resize_bilinear_u8(
                        pixels.assumingMemoryBound(to: UInt8.self), source.width, 3, Float(1.0 / 255.0), height, width,
                        ys, xs, scratch, destination)
                }
            }
        }
    }
}
