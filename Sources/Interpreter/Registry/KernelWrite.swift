import Kernels
import Tensors

// MARK: - Kernels that write into outputs the run provides

/// A planned kernel call that writes a step's outputs into tensors the run provides (of the planned types;
/// their memory is a slice of the run's arena, or fresh) instead of allocating them: a plan run allocates
/// nothing per step for such steps (`ArenaLayout`). Every element of every output must be written. Runs at
/// run time only; may run on several threads at once.
typealias KernelWrite = @Sendable (_ io: StepIO, _ options: KernelOptions) throws -> Void

/// A step's operands as its `KernelWrite` sees them: the input tensors, and the output tensors it fills
/// (each published only once the kernel returns). Points into the run's values; valid during the call.
struct StepIO {
    let values: UnsafeMutablePointer<Tensor?>
    let inputSlots: UnsafeBufferPointer<Int>
    let outputSlots: UnsafeBufferPointer<Int>

    var inputCount: Int { inputSlots.count }

    /// Input `index` (the run checked that it is there).
    func input(_ index: Int) -> Tensor { values[inputSlots[index]].unsafelyUnwrapped }

    /// Every input, in order.
    var inputs: [Tensor] { inputSlots.map { values[$0].unsafelyUnwrapped } }

    /// Output `index`: a tensor of the planned type whose memory the kernel writes.
    func output(_ index: Int) -> Tensor { values[outputSlots[index]].unsafelyUnwrapped }

    /// The first element of float32 output `index`.
    func floats(_ index: Int) -> UnsafeMutablePointer<Float> {
        output(index).storage.unsafelyUnwrapped.baseAddress.assumingMemoryBound(to: Float.self)
    }
}

extension ValueType {
    /// A tensor of this dense type with fresh, uninitialised memory (from `recycler` when it is given
    /// and the tensor is large enough), for a kernel to fill.
    func uninitializedTensor(recycler: StorageRecycler?) -> Tensor {
        let storage = TensorStorage(
            uninitializedByteCount: shape.elementCount * (elementType.byteSize ?? 0), recycler: recycler)
        return Tensor(elementType: elementType, shape: shape, storage: storage)
    }
}

/// Runs `write` as an allocating kernel: fresh outputs of `types`, filled and returned (constant folding,
/// and runs of plans without an arena).
func allocatingRun(_ write: @escaping KernelWrite, outputs types: [ValueType]) -> KernelRun {
    { inputs, options in
        let count = inputs.count + types.count
        let values = UnsafeMutablePointer<Tensor?>.allocate(capacity: count)
        values.initialize(repeating: nil, count: count)
        defer {
            values.deinitialize(count: count)
            values.deallocate()
        }
        for (index, input) in inputs.enumerated() { values[index] = input }
        let outputs = types.map { $0.uninitializedTensor(recycler: options.recycler) }
        for (index, output) in outputs.enumerated() { values[inputs.count + index] = output }
        let slots = Array(0..<count)
        try slots.withUnsafeBufferPointer { all in
            let io = StepIO(values: values, inputSlots: UnsafeBufferPointer(rebasing: all[..<inputs.count]),
                            outputSlots: UnsafeBufferPointer(rebasing: all[inputs.count...]))
            try write(io, options)
        }
        return outputs
    }
}
