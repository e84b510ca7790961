import Foundation
import ImageInput
import Tensors

/// The examples of each training step: step `i` takes positions `[i * batch, i * batch + batch)` of the
/// example stream, which runs through the examples epoch after epoch; each epoch in sorted order, or
/// (shuffled) in a permutation drawn from the seed and the epoch number.
public struct TrainingSchedule: Sendable {
    public let examples: [ImageFolderDataset.Example]
    public let batchSize: Int
    public let shuffles: Bool
    public let seed: UInt64

    public init(examples: [ImageFolderDataset.Example], batchSize: Int, shuffles: Bool, seed: UInt64) {
        self.examples = examples
        self.batchSize = batchSize
        self.shuffles = shuffles
        self.seed = seed
    }

    /// Steps in one pass over the examples (the last batch wraps into the next epoch).
    public var stepsPerEpoch: Int { (examples.count + batchSize - 1) / batchSize }

    /// The epoch (0-based) that step `step` starts in.
    public func epoch(ofStep step: Int) -> Int { step * batchSize / max(examples.count, 1) }

    /// The examples of step `step` (0-based).
    public func batch(_ step: Int) -> [ImageFolderDataset.Example] {
        var cachedEpoch = -1
        var order: [Int] = []
        return (0..<batchSize).map { offset in
            let position = step * batchSize + offset
            let epoch = position / examples.count
            if epoch != cachedEpoch {
                order = permutation(epoch: epoch)
                cachedEpoch = epoch
            }
            return examples[order[position % examples.count]]
        }
    }

    private func permutation(epoch: Int) -> [Int] {
        var order = Array(examples.indices)
        guard shuffles else { return order }
        var generator = SplitMix64(seed: seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(epoch + 1))
        order.shuffle(using: &generator)
        return order
    }
}

/// Decodes examples into a batch of the module's image size, with optional augmentation (a random
/// horizontal flip and a random crop of 80-100 % of each side, as `make_image_classifier`'s flip and
/// crop), drawn from a seed so a run can be repeated.
public struct ImageBatchLoader: Sendable {
    public let height: Int
    public let width: Int
    public let augments: Bool
    public let pixelLimit: Int

    public init(height: Int, width: Int, augments: Bool, pixelLimit: Int = ImageDecoder.defaultPixelLimit) {
        self.height = height
        self.width = width
        self.augments = augments
        self.pixelLimit = pixelLimit
    }

    /// `[examples.count, height, width, 3]` float32 in [0, 1] (NHWC): each image decoded, cropped and
    /// flipped when augmenting, and resized bilinearly as `tfhub embed` resizes.
    public func load(_ examples: [ImageFolderDataset.Example], seed: UInt64) throws -> Tensor {
        var generator = SplitMix64(seed: seed)
        let plane = height * width * 3
        let images = try examples.map { example -> Tensor in
            var image = try ImageDecoder.decode(contentsOf: example.url, pixelLimit: pixelLimit)
            if augments { image = augment(image, using: &generator) }
            return ImageResizer.resizeBilinear(image, height: height, width: width)
        }
        return Tensor(shape: [examples.count, height, width, 3], of: Float.self) { out in
            for (index, image) in images.enumerated() {
                image.withUnsafeBufferPointer(as: Float.self) { pixels in
                    for i in 0..<plane { out[index * plane + i] = pixels[i] }
                }
            }
        }
    }

    /// A random crop (each side 80-100 % of the image's) and, with probability 1/2, a horizontal flip
    /// of a `[height, width, 3]` image.
    func augment(_ image: Tensor, using generator: inout SplitMix64) -> Tensor {
        let (inHeight, inWidth) = (image.shape[0], image.shape[1])
        let fraction = Double.random(in: 0.8...1.0, using: &generator)
        let cropHeight = max(1, Int((Double(inHeight) * fraction).rounded()))
        let cropWidth = max(1, Int((Double(inWidth) * fraction).rounded()))
        let top = Int.random(in: 0...(inHeight - cropHeight), using: &generator)
        let left = Int.random(in: 0...(inWidth - cropWidth), using: &generator)
        let flips = Bool.random(using: &generator)
        return Tensor(shape: [cropHeight, cropWidth, 3], of: Float.self) { out in
            image.withUnsafeBufferPointer(as: Float.self) { pixels in
                for y in 0..<cropHeight {
                    for x in 0..<cropWidth {
                        let sourceX = left + (flips ? cropWidth - 1 - x : x)
                        for c in 0..<3 { out[(y * cropWidth + x) * 3 + c] = pixels[((top + y) * inWidth + sourceX) * 3 + c] }
                    }
                }
            }
        }
    }
}

/// SplitMix64: a small seeded generator, so that shuffling and augmentation repeat for a seed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
