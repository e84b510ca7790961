import Tensors

// MARK: - Plans whose examples never meet

/// Decides, while a plan is built, whether it treats axis 0 of its feeds as independent examples: every
/// fed value has the same size `N > 1` on axis 0, every computed value is "batched" (axis 0 of size
/// `N`, row `i` depending only on row `i` of the feeds), and every step is an op whose registered traits
/// (`OpTraits.examples`) say it works per example (convolutions, pools, inference batch norm,
/// element-wise ops with constants broadcast over the batch, concat/split/reduce over other axes). Such a plan gives the same rows when its feeds are
/// cut into micro-batches along axis 0, which `Graph.run` does (`PlanOptions.microBatch`) to keep the
/// working set in cache. Conservative: any other op, a variable, or a batch-dependent attribute (batch
/// norm in training mode, reductions over axis 0) makes the plan inseparable.
struct BatchSeparability {
    let batch: Int
    private(set) var isSeparable: Bool
    private var batched: Set<Int> = []

    init(feeds: [(slot: Int, type: ValueType)]) {
        let sizes = Set(feeds.map { $0.type.shape.rank >= 1 ? $0.type.shape[0] : -1 })
        batch = sizes.count == 1 ? sizes.first ?? -1 : -1
        isSeparable = batch > 1 && feeds.allSatisfy { $0.type.elementType != .string && !$0.type.isVariableHandle }
        batched = Set(feeds.map(\.slot))
    }

    /// Records a planned node whose outputs took slots `outputs` (a forwarding node's: its input's slot).
    mutating func record(
        _ node: GraphNode, traits: OpTraits, attributes: Attributes, inputs: [Int], inputTypes: [ValueType],
        inputConstants: [Tensor?], outputs: [Int], outputTypes: [ValueType], outputsAreConstant: Bool
    ) {
        guard isSeparable, !outputsAreConstant else { return }
        let batchedInputs = inputs.indices.filter { batched.contains(inputs[$0]) }
        // A computed input that is not batched (a variable, a batch-norm statistic) cannot be split.
        for (index, slot) in inputs.enumerated() where inputConstants[index] == nil && !batched.contains(slot) {
            isSeparable = false
            return
        }
        guard !batchedInputs.isEmpty,
              perExample(traits.examples, attributes, batchedInputs: batchedInputs, inputTypes: inputTypes,
                         constants: inputConstants)
        else {
            isSeparable = false
            return
        }
        // Output 0 (and every output of splits) carries the batch; other outputs (batch-norm
        // statistics) stay unbatched, so any reader makes the plan inseparable.
        let carrying = traits.examples == .split ? outputTypes.indices : 0..<1
        for index in carrying {
            guard index < outputTypes.count, outputTypes[index].shape.rank >= 1, outputTypes[index].shape[0] == batch else {
                isSeparable = false
                return
            }
            guard index < outputs.count else {
                isSeparable = false
                return
            }
            batched.insert(outputs[index])
        }
    }

    /// Whether the fetched slots all carry the batch.
    func fetchesAreBatched(_ slots: [Int]) -> Bool { isSeparable && slots.allSatisfy { batched.contains($0) } }

    // MARK: - Rules per trait

    private func perExample(
        _ examples: OpTraits.Examples, _ attributes: Attributes, batchedInputs: [Int], inputTypes: [ValueType],
        constants: [Tensor?]
    ) -> Bool {
        func rank(_ i: Int) -> Int { inputTypes[i].shape.rank }
        func nonZeroAxis(_ axis: Int, rank: Int) -> Bool { rank > 0 && (axis % rank + rank) % rank != 0 }
        func ints(_ i: Int) -> [Int]? {
            guard let value = constants[i] else { return nil }
            switch value.elementType {
            case .int32: return value.scalars(as: Int32.self).map(Int.init)
            case .int64: return value.scalars(as: Int64.self).compactMap { Int(exactly: $0) }
            default: return nil
            }
        }
        switch examples {
        case .mixed:
            return false
        case .firstInput:
            return batchedInputs == [0]
        case .firstInputUnlessTraining:
            return batchedInputs == [0] && (try? attributes.bool("is_training")) == false
        case .elementwise:
            // Constants broadcast over the batch: lower rank, or size 1 on axis 0 at full rank.
            let outputRank = inputTypes.map(\.shape.rank).max() ?? 0
            return inputTypes.indices.allSatisfy { i in
                batchedInputs.contains(i)
                    ? rank(i) == outputRank
                    : rank(i) < outputRank || inputTypes[i].shape[0] == 1
            }
        case .concatenation:
            guard let axis = ints(inputTypes.count - 1)?.first else { return false }
            let values = 0..<(inputTypes.count - 1)
            return values.allSatisfy { batchedInputs.contains($0) } && nonZeroAxis(axis, rank: rank(0))
        case .concatenatedSums:
            // Parts and summands all batched at the same rank (no summand broadcast over the batch).
            guard let axis = ints(inputTypes.count - 1)?.first else { return false }
            let values = 0..<(inputTypes.count - 1)
            return values.allSatisfy { batchedInputs.contains($0) && rank($0) == rank(0) } && nonZeroAxis(axis, rank: rank(0))
        case .split:
            guard batchedInputs == [1], let axis = ints(0)?.first else { return false }
            return nonZeroAxis(axis, rank: rank(1))
        case .padding:
            guard batchedInputs == [0], let paddings = ints(1), paddings.count >= 2 else { return false }
            return paddings[0] == 0 && paddings[1] == 0
        case .subsample:
            guard batchedInputs == [0], let pads = try? attributes.ints("paddings"), let begin = try? attributes.ints("begin"),
                  let end = try? attributes.ints("end"), let strides = try? attributes.ints("slice_strides"),
                  let pool = try? attributes.ints("pool_strides"), let beginMask = try? attributes.int("begin_mask"),
                  let endMask = try? attributes.int("end_mask"), pads.count == 8, begin.count == 4, end.count == 4,
                  strides.count == 4, pool.count == 4
            else { return false }
            return pads[0] == 0 && pads[1] == 0 && strides[0] == 1 && pool[0] == 1
                && (beginMask & 1 != 0 || begin[0] == 0) && (endMask & 1 != 0 || end[0] >= batch)
        case .reduction:
            guard batchedInputs == [0], let axes = ints(1) else { return false }
            return axes.allSatisfy { nonZeroAxis($0, rank: rank(0)) }
        case .matrixRows:
            return batchedInputs == [0] && (try? attributes.bool("transpose_a")) == false
        }
    }
}
