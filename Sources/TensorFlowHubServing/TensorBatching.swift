import Tensors

/// Joins tensors along their first (batch) dimension and splits them back: how the requests of one
/// batch share a single module call.
enum TensorBatching {
    /// `parts` joined along dimension 0. Every part has the same element type and the same dimensions
    /// after the first (the batcher only groups such requests).
    static func concatenate(_ parts: [Tensor]) -> Tensor {
        precondition(!parts.isEmpty, "nothing to concatenate")
        if parts.count == 1 { return parts[0] }
        let first = parts[0]
        let rows = parts.reduce(0) { $0 + ($1.shape.dimensions.first ?? 1) }
        let shape = Shape([rows] + first.shape.dimensions.dropFirst())
        if first.elementType == .string {
            return Tensor(shape: shape, strings: parts.flatMap { $0.strings ?? [] })
        }
        let byteCount = parts.reduce(0) { $0 + $1.withUnsafeBytes(\.count) }
        let storage = TensorStorage(uninitializedByteCount: byteCount)
        var offset = 0
        for part in parts {
            part.withUnsafeBytes { source in
                storage.mutableRawBuffer.baseAddress!.advanced(by: offset)
                    .copyMemory(from: source.baseAddress!, byteCount: source.count)
                offset += source.count
            }
        }
        return Tensor(elementType: first.elementType, shape: shape, storage: storage)
    }

    /// Rows `range` of `tensor` (dimension 0), copied.
    static func rows(_ range: Range<Int>, of tensor: Tensor) -> Tensor {
        let dims = tensor.shape.dimensions
        let rowElements = dims.dropFirst().reduce(1, *)
        let shape = Shape([range.count] + dims.dropFirst())
        if tensor.elementType == .string {
            let strings = tensor.strings ?? []
            return Tensor(shape: shape, strings: Array(strings[(range.lowerBound * rowElements)..<(range.upperBound * rowElements)]))
        }
        let size = tensor.elementType.byteSize ?? 1
        let storage = TensorStorage(uninitializedByteCount: range.count * rowElements * size)
        tensor.withUnsafeBytes { source in
            if storage.byteCount > 0 {
                storage.mutableRawBuffer.baseAddress!.copyMemory(
                    from: source.baseAddress!.advanced(by: range.lowerBound * rowElements * size),
                    byteCount: storage.byteCount)
            }
        }
        return Tensor(elementType: tensor.elementType, shape: shape, storage: storage)
    }
}
