import Foundation
import Tensors

/// Element-moving kernels for any element type (dense or string): slicing, transposing, padding,
/// concatenating, splitting. Shapes and strides are row-major and counted in elements; callers
/// (the interpreter's op builders) validate every index before calling, so the kernels only compute.
public enum ArrayKernels {}

// MARK: - Strided views

/// A walk over `shape` reading `source[sourceOffset + Σ i_k * sourceStrides[k]]` and writing
/// `destination[destinationOffset + Σ i_k * destinationStrides[k]]`. Strides may be negative (reversed
/// slices) or zero (broadcast).
struct StridedWalk {
    var shape: [Int]
    var sourceStrides: [Int]
    var destinationStrides: [Int]
    var sourceOffset: Int
    var destinationOffset: Int

    /// Drops size-1 axes and merges neighbours that are contiguous in both source and destination, so
    /// runs along the innermost axis get as long as possible.
    func simplified() -> StridedWalk {
        var s: [Int] = [], src: [Int] = [], dst: [Int] = []
        for axis in shape.indices where shape[axis] != 1 {
            if let last = s.indices.last,
               src[last] == sourceStrides[axis] * shape[axis],
               dst[last] == destinationStrides[axis] * shape[axis] {
                s[last] *= shape[axis]
                src[last] = sourceStrides[axis]
                dst[last] = destinationStrides[axis]
            } else {
                s.append(shape[axis])
                src.append(sourceStrides[axis])
                dst.append(destinationStrides[axis])
            }
        }
        return StridedWalk(shape: s, sourceStrides: src, destinationStrides: dst,
                           sourceOffset: sourceOffset, destinationOffset: destinationOffset)
    }

    /// Calls `body(sourceIndex, destinationIndex, count)` for each run along the innermost axis
    /// (a scalar walk is one run of one element).
    func forEachRun(_ body: (_ source: Int, _ destination: Int, _ count: Int) -> Void) {
        if shape.contains(0) { return }
        guard let inner = shape.last else {
            body(sourceOffset, destinationOffset, 1)
            return
        }
        let outerRank = shape.count - 1
        var index = [Int](repeating: 0, count: outerRank)
        var source = sourceOffset
        var destination = destinationOffset
        while true {
            body(source, destination, inner)
            var axis = outerRank - 1
            while axis >= 0 {
                index[axis] += 1
                source += sourceStrides[axis]
                destination += destinationStrides[axis]
                if index[axis] < shape[axis] { break }
                source -= sourceStrides[axis] * shape[axis]
                destination -= destinationStrides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
            if axis < 0 { return }
        }
    }

    /// Copies elements of `elementSize` bytes from `source` to `destination` along the walk.
    func copy(elementSize: Int, from source: UnsafeRawPointer, to destination: UnsafeMutableRawPointer) {
        let walk = simplified()
        let innerSource = walk.sourceStrides.last ?? 1
        let innerDestination = walk.destinationStrides.last ?? 1
        walk.forEachRun { s, d, count in
            if innerSource == 1, innerDestination == 1 {
                memcpy(destination + d * elementSize, source + s * elementSize, count * elementSize)
                return
            }
            switch elementSize {
            case 4: Self.run(UInt32.self, source, s, innerSource, destination, d, innerDestination, count)
            case 8: Self.run(UInt64.self, source, s, innerSource, destination, d, innerDestination, count)
            case 1: Self.run(UInt8.self, source, s, innerSource, destination, d, innerDestination, count)
            case 2: Self.run(UInt16.self, source, s, innerSource, destination, d, innerDestination, count)
            default:
                for k in 0..<count {
                    memcpy(destination + (d + k * innerDestination) * elementSize,
                           source + (s + k * innerSource) * elementSize, elementSize)
                }
            }
        }
    }

    @inline(__always)
    private static func run<T>(
        _: T.Type, _ source: UnsafeRawPointer, _ s: Int, _ sourceStride: Int,
        _ destination: UnsafeMutableRawPointer, _ d: Int, _ destinationStride: Int, _ count: Int
    ) {
        let from = source.assumingMemoryBound(to: T.self)
        let to = destination.assumingMemoryBound(to: T.self)
        for k in 0..<count { to[d + k * destinationStride] = from[s + k * sourceStride] }
    }

    /// Copies string elements along the walk.
    func copy(from source: [[UInt8]], to destination: inout [[UInt8]]) {
        let walk = simplified()
        let innerSource = walk.sourceStrides.last ?? 1
        let innerDestination = walk.destinationStrides.last ?? 1
        walk.forEachRun { s, d, count in
            for k in 0..<count { destination[d + k * innerDestination] = source[s + k * innerSource] }
        }
    }
}

// MARK: - Copying between tensors

extension ArrayKernels {
    /// A new tensor of `outputShape` whose element at index `i` is
    /// `input[offset + Σ i_k * strides[k]]` (strides in elements, possibly negative or zero).
    /// Every addressed element must lie inside `input`.
    public static func gather(
        _ input: Tensor, offset: Int, strides: [Int], outputShape: Shape, recycler: StorageRecycler? = nil
    ) -> Tensor {
        precondition(strides.count == outputShape.rank, "one stride per output axis")
        let walk = StridedWalk(shape: outputShape.dimensions, sourceStrides: strides,
                               destinationStrides: outputShape.strides, sourceOffset: offset, destinationOffset: 0)
        return produce(input.elementType, outputShape, zeroed: false, recycler: recycler) { output in
            copy(walk, from: input, into: &output)
        }
    }

    /// Writes `input` into `output` along `walk` (destination indices in `output`).
    static func copy(_ walk: StridedWalk, from input: Tensor, into output: inout TensorBuffer) {
        switch output {
        case .dense(let destination):
            guard let source = input.storage else { preconditionFailure("copying a string tensor into dense storage") }
            walk.copy(elementSize: input.elementType.byteSize ?? 1,
                      from: UnsafeRawPointer(source.baseAddress), to: destination.baseAddress)
        case .strings(var destination):
            guard let source = input.strings else { preconditionFailure("copying a dense tensor into strings") }
            output = .strings([])
            walk.copy(from: source, to: &destination)
            output = .strings(destination)
        }
    }
}

// MARK: - Output buffers

/// The elements of a tensor being produced.
enum TensorBuffer {
    case dense(TensorStorage)
    case strings([[UInt8]])
}

extension ArrayKernels {
    /// Makes a tensor of `type` and `shape` whose elements `body` writes. With `zeroed`, elements start
    /// as zero (empty strings); otherwise `body` must write every element. Dense memory comes from
    /// `recycler` when given.
    static func produce(
        _ type: ElementType, _ shape: Shape, zeroed: Bool, recycler: StorageRecycler? = nil,
        _ body: (inout TensorBuffer) -> Void
    ) -> Tensor {
        let count = shape.elementCount
        if type == .string {
            var buffer = TensorBuffer.strings(Array(repeating: [], count: count))
            body(&buffer)
            guard case .strings(let strings) = buffer else { preconditionFailure("string buffer replaced") }
            return Tensor(shape: shape, strings: strings)
        }
        let byteCount = count * (type.byteSize ?? 1)
        let storage = zeroed ? TensorStorage(byteCount: byteCount, recycler: recycler)
            : TensorStorage(uninitializedByteCount: byteCount, recycler: recycler)
        var buffer = TensorBuffer.dense(storage)
        body(&buffer)
        return Tensor(elementType: type, shape: shape, storage: storage)
    }
}
