import Tensors

// MARK: - Running a separable plan in micro-batches

extension Graph {
    /// Runs `plan` (made for `batch` examples, `plan.separableBatch == batch`) as consecutive runs of
    /// plans made for at most `options.microBatch` examples, and stacks their rows. Returns `nil` (the
    /// caller runs `plan` whole) when a micro-batch plan's outputs do not have the full plan's types with
    /// the smaller batch, which a separable plan always has, or when the graph refuses the smaller feeds
    /// (a placeholder declaring the batch size).
    func runInMicroBatches(
        _ plan: ExecutionPlan, batch: Int, feeds: [String: Tensor], fetches: [String], variables: any VariableStore,
        options: PlanOptions, profile: PlanProfile?
    ) throws -> [Tensor]? {
        let fullTypes = plan.fetchTypes
        guard fullTypes.allSatisfy({ $0.elementType != .string && $0.shape.rank >= 1 && $0.shape[0] == batch }),
              feeds.values.allSatisfy({ $0.elementType != .string && $0.shape.rank >= 1 && $0.shape[0] == batch })
        else { return nil }
        let size = options.microBatch
        let outputs = fullTypes.map { TensorStorage(uninitializedByteCount: byteCount($0.shape, $0.elementType)) }
        var start = 0
        while start < batch {
            let count = min(size, batch - start)
            var part: [String: Tensor] = [:]
            for (name, tensor) in feeds { part[name] = rows(of: tensor, start: start, count: count, batch: batch) }
            guard let microPlan = try? self.plan(
                feeds: part.mapValues { ValueType($0.elementType, $0.shape) }, fetches: fetches, options: options)
            else { return nil }
            let results = try microPlan.run(feeds: part, variables: variables, profile: profile)
            for (index, result) in results.enumerated() {
                var expected = fullTypes[index].shape.dimensions
                expected[0] = count
                guard result.elementType == fullTypes[index].elementType, result.shape.dimensions == expected else { return nil }
                let rowBytes = byteCount(fullTypes[index].shape, fullTypes[index].elementType) / batch
                result.withUnsafeBytes { source in
                    if let base = source.baseAddress, source.count > 0 {
                        (outputs[index].baseAddress + start * rowBytes).copyMemory(from: base, byteCount: source.count)
                    }
                }
            }
            start += count
        }
        return zip(fullTypes, outputs).map { Tensor(elementType: $0.elementType, shape: $0.shape, storage: $1) }
    }

    private func byteCount(_ shape: Shape, _ type: ElementType) -> Int { shape.elementCount * (type.byteSize ?? 0) }

    /// Rows `start ..< start + count` of a dense tensor with `batch` rows on axis 0 (a copy).
    private func rows(of tensor: Tensor, start: Int, count: Int, batch: Int) -> Tensor {
        var dimensions = tensor.shape.dimensions
        dimensions[0] = count
        let shape = Shape(dimensions)
        let rowBytes = byteCount(tensor.shape, tensor.elementType) / batch
        let storage = TensorStorage(uninitializedByteCount: rowBytes * count)
        tensor.withUnsafeBytes { source in
            if let base = source.baseAddress, rowBytes * count > 0 {
                storage.baseAddress.copyMemory(from: base + start * rowBytes, byteCount: rowBytes * count)
            }
        }
        return Tensor(elementType: tensor.elementType, shape: shape, storage: storage)
    }
}
