import CImageCodecs
import Foundation
import Tensors

/// Decodes JPEG (libjpeg-turbo) and PNG (libpng) files into RGB float tensors, the way TensorFlow's
/// `tf.io.decode_image(channels=3)` followed by `tf.image.convert_image_dtype(tf.float32)` does.
public enum ImageDecoder {
    /// The largest image accepted by default, in pixels (width x height): 2^25 (e.g. 8192 x 4096), whose
    /// float32 RGB tensor takes 384 MiB. Larger files are refused from their header, before any pixel
    /// buffer is allocated (a 1.5 MB JPEG can declare 10 000 x 10 000 pixels: 1.2 GB as floats).
    public static let defaultPixelLimit = 1 << 25

    public enum Format: String, Sendable {
        case jpeg, png
    }

    /// The format of `bytes`, from its signature, or `nil` if it is neither JPEG nor PNG.
    public static func format(of bytes: [UInt8]) -> Format? {
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        return nil
    }

    /// Decodes an image to a `[height, width, 3]` float32 tensor with values in [0, 1].
    ///
    /// 8-bit samples are scaled by `Float(1/255)`, 16-bit PNG samples by `Float(1/65535)` (as
    /// `convert_image_dtype` does); gray is replicated to RGB, palettes are expanded and alpha is dropped
    /// without compositing.
    public static func decode(
        _ bytes: [UInt8], source: String = "<memory>", pixelLimit: Int = defaultPixelLimit
    ) throws -> Tensor {
        try withDecodedPixels(of: bytes, source: source, pixelLimit: pixelLimit) { image, pixels in
            let height = Int(image.height), width = Int(image.width)
            let count = height * width * 3
            return Tensor(shape: [height, width, 3], of: Float.self) { out in
                if image.bits_per_sample == 16 {
                    let samples = pixels.assumingMemoryBound(to: UInt16.self)
                    let scale = Float(1.0 / 65535.0)
                    for i in 0..<count { out[i] = Float(samples[i]) * scale }
                } else {
                    let samples = pixels.assumingMemoryBound(to: UInt8.self)
                    let scale = Float(1.0 / 255.0)
                    for i in 0..<count { out[i] = Float(samples[i]) * scale }
                }
            }
        }
    }

    /// Reads and decodes an image file; errors name the file.
    public static func decode(contentsOf url: URL, pixelLimit: Int = defaultPixelLimit) throws -> Tensor {
        try decode(readFile(url), source: url.path, pixelLimit: pixelLimit)
    }

    /// The bytes of an image file; an unreadable file is an `ImageError` naming it.
    static func readFile(_ url: URL) throws -> [UInt8] {
        do { return [UInt8](try Data(contentsOf: url)) } catch {
            throw ImageError(source: url.path, reason: "cannot read: \(error.localizedDescription)")
        }
    }

    /// Decodes `bytes` (JPEG or PNG, sniffed) with libjpeg-turbo or libpng and hands `body` the decoded
    /// image and its interleaved RGB samples (8 or 16 bits, `image.bits_per_sample`), which live only
    /// during the call. Errors name `source`.
    static func withDecodedPixels<Result>(
        of bytes: [UInt8], source: String, pixelLimit: Int,
        _ body: (cimg_image, UnsafeMutableRawPointer) throws -> Result
    ) throws -> Result {
        guard let format = format(of: bytes) else {
            throw ImageError(source: source, reason: "unknown image format (expected JPEG or PNG)")
        }
        var image = cimg_image()
        let status = bytes.withUnsafeBufferPointer { buffer in
            switch format {
            case .jpeg: return cimg_decode_jpeg(buffer.baseAddress, buffer.count, pixelLimit, &image)
            case .png: return cimg_decode_png(buffer.baseAddress, buffer.count, pixelLimit, &image)
            }
        }
        defer { cimg_free(&image) }
        guard status == 0, let pixels = image.pixels else {
            let message = withUnsafeBytes(of: image.error) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            throw ImageError(source: source, reason: message.isEmpty ? "\(format) decoding failed" : message)
        }
        return try body(image, pixels)
    }
}
