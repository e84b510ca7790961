import Tensors

/// Bilinear resizing with half-pixel centres, as `tf.image.resize(method="bilinear", antialias=False)`
/// (TF's `ResizeBilinear` with `half_pixel_centers=True`) computes it, in float32.
public enum ImageResizer {
    struct Tap {
        var lower: Int
        var upper: Int
        var lerp: Float
    }

    static func taps(outSize: Int, inSize: Int) -> [Tap] {
        let scale = Float(inSize) / Float(outSize)
        return (0..<outSize).map { i in
            let position = (Float(i) + 0.5) * scale - 0.5
            let floorPosition = position.rounded(.down)
            return Tap(lower: max(Int(floorPosition), 0),
                       upper: min(Int(position.rounded(.up)), inSize - 1),
                       lerp: position - floorPosition)
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
        let ys = taps(outSize: outHeight, inSize: inHeight)
        let xs = taps(outSize: outWidth, inSize: inWidth)
        return image.withUnsafeBufferPointer(as: Float.self) { input in
            Tensor(shape: outShape, of: Float.self) { output in
                let inRow = inWidth * channels
                var o = 0
                for b in 0..<batch {
                    let plane = b * inHeight * inRow
                    for y in ys {
                        let top = plane + y.lower * inRow, bottom = plane + y.upper * inRow
                        for x in xs {
                            let left = x.lower * channels, right = x.upper * channels
                            for c in 0..<channels {
                                let topLeft = input[top + left + c], topRight = input[top + right + c]
                                let bottomLeft = input[bottom + left + c], bottomRight = input[bottom + right + c]
                                let upper = topLeft + (topRight - topLeft) * x.lerp
                                let lower = bottomLeft + (bottomRight - bottomLeft) * x.lerp
                                output[o] = upper + (lower - upper) * y.lerp
                                o += 1
                            }
                        }
                    }
                }
            }
        }
    }
}
