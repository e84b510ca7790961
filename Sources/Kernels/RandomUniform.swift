import Tensors

/// RandomUniform: values in [0, 1) exactly as TensorFlow's CPU kernel draws them for attributes `seed` and
/// `seed2` (both zero means "non-deterministic": a random pair is drawn, as TensorFlow does).
///
/// TensorFlow's stateful op reserves `256 * count` counter steps per run, so run `r` (from 0) of the same op
/// starts at `counterOffset = r * 256 * count`; the elements are filled in groups of four float32 (two
/// float64) per Philox call.
public func randomUniform(
    shape: Shape, elementType: ElementType = .float32, seed: Int64, seed2: Int64, counterOffset: UInt64 = 0
) throws -> Tensor {
    guard let count = shape.checkedElementCount, count < 1 << 40 else {
        throw KernelError.parameter(name: "shape", expected: "non-negative dimensions of addressable size", found: "\(shape)")
    }
    var seedLow = UInt64(bitPattern: seed), seedHigh = UInt64(bitPattern: seed2)
    if seed == 0 && seed2 == 0 {
        var rng = SystemRandomNumberGenerator()
        seedLow = rng.next()
        seedHigh = rng.next()
    }
    var generator = Philox4x32(seedLow: seedLow, seedHigh: seedHigh)
    generator.skip(counterOffset)
    switch elementType {
    case .float32:
        return Tensor(shape: shape, of: Float.self) { out in
            var i = 0
            while i < count {
                let w = generator.next()
                let words = [w.0, w.1, w.2, w.3]
                for j in 0..<min(4, count - i) { out[i + j] = uint32ToFloat(words[j]) }
                i += 4
            }
        }
    case .float64:
        return Tensor(shape: shape, of: Double.self) { out in
            var i = 0
            while i < count {
                let w = generator.next()
                out[i] = uint64ToDouble(w.0, w.1)
                if i + 1 < count { out[i + 1] = uint64ToDouble(w.2, w.3) }
                i += 2
            }
        }
    default:
        throw KernelError.elementType(operand: "dtype", expected: "float32 or float64", found: elementType)
    }
}
