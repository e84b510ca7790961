import Tensors

// MARK: - Concatenation, stacking, splitting, padding, filling

extension ArrayKernels {
    /// Joins `inputs` along `axis` (in `0..<rank`). All inputs share the element type, the rank, and
    /// every dimension except `axis`.
    public static func concatenate(_ inputs: [Tensor], axis: Int, recycler: StorageRecycler? = nil) -> Tensor {
        precondition(!inputs.isEmpty, "concatenating no tensors")
        var outputShape = inputs[0].shape
        outputShape[axis] = inputs.reduce(0) { $0 + $1.shape[axis] }
        let outputStrides = outputShape.strides
        return produce(inputs[0].elementType, outputShape, zeroed: false, recycler: recycler) { output in
            var position = 0
            for input in inputs {
                let walk = StridedWalk(
                    shape: input.shape.dimensions, sourceStrides: input.shape.strides,
                    destinationStrides: outputStrides, sourceOffset: 0,
                    destinationOffset: position * outputStrides[axis])
                copy(walk, from: input, into: &output)
                position += input.shape[axis]
            }
        }
    }

    /// Stacks equally shaped `inputs` along a new axis `axis` (in `0...rank`): TensorFlow's `Pack`.
    public static func stack(_ inputs: [Tensor], axis: Int) -> Tensor {
        let expanded = inputs.map { input -> Tensor in
            var dims = input.shape.dimensions
            dims.insert(1, at: axis)
            return input.reshaped(to: Shape(dims))
        }
        return concatenate(expanded, axis: axis)
    }

    /// Cuts `input` along `axis` into pieces of the given `sizes` (which sum to the axis length).
    public static func split(_ input: Tensor, axis: Int, sizes: [Int]) -> [Tensor] {
        let strides = input.shape.strides
        var start = 0
        return sizes.map { size in
            var shape = input.shape
            shape[axis] = size
            defer { start += size }
            return gather(input, offset: start * strides[axis], strides: strides, outputShape: shape)
        }
    }

    /// Pads `input` with zeros (empty strings, `false`): `paddings[k]` elements before and after axis
    /// `k`, all non-negative.
    public static func pad(_ input: Tensor, paddings: [(before: Int, after: Int)], recycler: StorageRecycler? = nil) -> Tensor {
        precondition(paddings.count == input.shape.rank, "one padding pair per axis")
        let outputShape = Shape(zip(input.shape.dimensions, paddings).map { $0 + $1.before + $1.after })
        let outputStrides = outputShape.strides
        let offset = zip(paddings, outputStrides).reduce(0) { $0 + $1.0.before * $1.1 }
        let walk = StridedWalk(shape: input.shape.dimensions, sourceStrides: input.shape.strides,
                               destinationStrides: outputStrides, sourceOffset: 0, destinationOffset: offset)
        return produce(input.elementType, outputShape, zeroed: true, recycler: recycler) { output in
            copy(walk, from: input, into: &output)
        }
    }

    /// A tensor of `shape` with every element equal to the one element of `value`.
    public static func fill(_ shape: Shape, with value: Tensor) -> Tensor {
        precondition(value.elementCount == 1, "fill value must have one element")
        return gather(value, offset: 0, strides: Array(repeating: 0, count: shape.rank), outputShape: shape)
    }

    /// `input` with its axes permuted: output axis `k` is input axis `permutation[k]`.
    public static func transpose(_ input: Tensor, permutation: [Int]) -> Tensor {
        let strides = input.shape.strides
        let outputShape = Shape(permutation.map { input.shape[$0] })
        return gather(input, offset: 0, strides: permutation.map { strides[$0] }, outputShape: outputShape)
    }
}
