import CImageCodecs
import Tensors

/// Bilinear resizing with half-pixel centres, as `tf.image.resize(method="bilinear", antialias=False)`
/// (TF's `ResizeBilinear` with `half_pixel_centers=True`) computes it, in float32.
///
/// Each output sample is `u + (l - u) * fy` with `u = tl + (tr - tl) * fx` and `l` likewise from the lower
/// source row, without fused multiply-adds (`resize_bilinear.c`).
public enum ImageResizer {
    static func taps(outSize: Int, inSize: Int) -> [cimg_tap] {
        let scale = Float(inSize) / Float(outSize)
        return (0..<outSize).map { i in
            let position = (Float(i) + 0.5) * scale - 0.5
            let floorPosition = position.rounded(.down)
            return cimg_tap(lower: Int32(max(Int(floorPosition), 0)),
                            upper: Int32(min(Int(position.rounded(.up)), inSize - 1)),
                            lerp: position - floorPosition)
        }
    }

    /// Calls `resize` with the row and column taps of an `inHeight x inWidth` to `height x width` resize
    /// and the scratch the C resizers need.
    static func withTaps(
        inHeight: Int, inWidth: Int, height: Int, width: Int, channels: Int,
        _ resize: (UnsafePointer<cimg_tap>, UnsafePointer<cimg_tap>, UnsafeMutableRawPointer) -> Void
    ) {
        let ys = taps(outSize: height, inSize: inHeight), xs = taps(outSize: width, inSize: inWidth)
        let scratch = UnsafeMutableRawPointer.allocate(
            byteCount: max(1, cimg_resize_scratch_bytes(inWidth, width, channels)), alignment: MemoryLayout<Int>.alignment)
        defer { scratch.deallocate() }
        ys.withUnsafeBufferPointer { ys in
            xs.withUnsafeBufferPointer { xs in resize(ys.baseAddress!, xs.baseAddress!, scratch) }
        }
    }

    /// Resizes a `[height, width, channels]` or `[batch, height, width, channels]` float32 tensor (NHWC).
    public static func resizeBilinear(_ image: Tensor, height outHeight: Int, width outWidth: Int) -> Tensor {
        precondition(image.elementType == .float32 && (image.shape.rank == 3 || image.shape.rank == 4))
        precondition(outHeight > 0 && outWidth > 0)
        let batched = image.shape.rank == 4
        let dims = batched ? image.shape.dimensions : [1] + image.shape.dimensions
        let (batch, inHeight, inWidth, channels) = (dims[0], dims[1], dims[2], dims[3])
        let outShape: Shape = batched ? [batch, outHeight, outWidth, channels] : [outHeight, outWidth, channels]
        if inHeight == outHeight && inWidth == outWidth { return image }
        return image.withUnsafeBufferPointer(as: Float.self) { input in
            Tensor(shape: outShape, of: Float.self) { output in
                guard let source = input.baseAddress, let destination = output.baseAddress, channels > 0 else { return }
                withTaps(inHeight: inHeight, inWidth: inWidth, height: outHeight, width: outWidth, channels: channels) {
                    ys, xs, scratch in
                    for b in 0..<batch {
                        cimg_resize_bilinear_f32(
                            source + b * inHeight * inWidth * channels, inWidth, channels, 1, outHeight, outWidth, ys, xs,
                            scratch, destination + b * outHeight * outWidth * channels)
                    }
                }
            }
        }
    }
}
