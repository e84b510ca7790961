import Tensors

// MARK: - Gradients of activations, BiasAdd and L2Loss

/// `ReluGrad` / `Relu6Grad`: `gradients * (0 < features)` (and `features < 6` for ReLU6), a product as in
/// TensorFlow's kernel: a NaN feature gives 0 for a finite gradient, a NaN or infinite gradient gives NaN
/// where the feature is inactive.
///
/// - Parameters: `gradients` and `features` float32 of one shape.
public func activationGradient(
    _ gradients: Tensor, features: Tensor, upperBound: Float? = nil, options: KernelOptions = .singleThreaded
) throws -> Tensor {
    try checkShape(gradients, features.shape, "gradients")
    try checkShape(features, gradients.shape, "features")
    return Tensor(shape: gradients.shape, of: Float.self, recycler: options.recycler) { out in
        gradients.withUnsafeBufferPointer(as: Float.self) { g in
            features.withUnsafeBufferPointer(as: Float.self) { f in
                forEachChunk(of: out.count, options: options, minimumChunk: parallelElementThreshold) { range, _ in
                    if let upperBound {
                        for i in range { out[i] = g[i] * (f[i] > 0 && f[i] < upperBound ? 1 : 0) }
                    } else {
                        for i in range { out[i] = g[i] * (f[i] > 0 ? 1 : 0) }
                    }
                }
            }
        }
    }
}

/// `BiasAddGrad` (NHWC, channels last): the sum of `outputGradient` over every axis but the last.
public func biasAddGradient(_ outputGradient: Tensor) throws -> Tensor {
    guard outputGradient.elementType == .float32 else {
        throw KernelError.elementType(operand: "out_backprop", expected: "float32", found: outputGradient.elementType)
    }
    guard outputGradient.shape.rank >= 2 else {
        throw KernelError.rank(operand: "out_backprop", expected: ">= 2", found: outputGradient.shape.rank)
    }
    let channels = outputGradient.shape[outputGradient.shape.rank - 1]
    return Tensor(shape: [channels], of: Float.self) { out in
        outputGradient.withUnsafeBufferPointer(as: Float.self) { g in
            var sums = [Double](repeating: 0, count: channels)
            let rows = channels == 0 ? 0 : g.count / channels
            for row in 0..<rows {
                let base = row * channels
                for c in 0..<channels { sums[c] += Double(g[base + c]) }
            }
            for c in 0..<channels { out[c] = Float(sums[c]) }
        }
    }
}

/// `L2Loss`: `sum(t ** 2) / 2`, a float32 scalar.
public func l2Loss(_ t: Tensor) throws -> Tensor {
    guard t.elementType == .float32 else { throw KernelError.elementType(operand: "t", expected: "float32", found: t.elementType) }
    let sum = t.withUnsafeBufferPointer(as: Float.self) { x in x.reduce(0.0) { $0 + Double($1) * Double($1) } }
    return Tensor(shape: [], scalars: [Float(sum / 2)])
}

// MARK: - Strided scatter (the gradient of a strided slice)

/// A float32 tensor of `shape` holding zeros except at the strided block `offset + Σ i_a * strides[a]`
/// (`i` over `blockShape`), which receives `values` in row-major order: `StridedSliceGrad`.
public func stridedScatter(
    _ values: Tensor, into shape: Shape, offset: Int, strides: [Int], blockShape: Shape, recycler: StorageRecycler? = nil
) throws -> Tensor {
    guard values.elementType == .float32, values.shape.elementCount == blockShape.elementCount else {
        throw KernelError.parameter(name: "dy", expected: "float32 with \(blockShape.elementCount) elements",
                                    found: "\(values.elementType) \(values.shape)")
    }
    return Tensor(shape: shape, of: Float.self, recycler: recycler) { out in
        out.initialize(repeating: 0)
        let count = blockShape.elementCount
        guard count > 0 else { return }
        values.withUnsafeBufferPointer(as: Float.self) { v in
            let dims = blockShape.dimensions
            var position = [Int](repeating: 0, count: dims.count)
            var target = offset
            for i in 0..<count {
                out[target] += v[i]
                var axis = dims.count - 1
                while axis >= 0 {
                    position[axis] += 1
                    target += strides[axis]
                    if position[axis] < dims[axis] { break }
                    target -= strides[axis] * dims[axis]
                    position[axis] = 0
                    axis -= 1
                }
            }
        }
    }
}
