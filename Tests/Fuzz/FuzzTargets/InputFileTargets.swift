import ImageInput
import Tensors

// MARK: - Files the CLI reads: .npy inputs and images

enum InputFileTargets {
    static func npy(_ bytes: UnsafeRawBufferPointer) {
        guard let tensor = try? NumpyFile.decode([UInt8](bytes)),
              let encoded = try? NumpyFile.encode(tensor),
              let again = try? NumpyFile.decode(encoded)
        else { return }
        // A decoded array must survive a round trip unchanged.
        if again.shape != tensor.shape || again.elementType != tensor.elementType {
            fatalError("npy round trip changed \(tensor.elementType) \(tensor.shape) to \(again.elementType) \(again.shape)")
        }
    }

    static func image(_ bytes: UnsafeRawBufferPointer) {
        guard let image = try? ImageDecoder.decode([UInt8](bytes), pixelLimit: 1 << 20) else { return }
        _ = ImageResizer.resizeBilinear(image, height: 8, width: 8)
    }
}
