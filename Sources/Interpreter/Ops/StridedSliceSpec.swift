// MARK: - StridedSlice index arithmetic (TensorFlow's ValidateStridedSliceOp)

/// A resolved `StridedSlice`: per input axis a start, stride and length, plus the final shape after
/// shrinking axes and inserting new ones.
struct StridedSliceSpec: Equatable {
    var begins: [Int] = []
    var strides: [Int] = []
    /// Per input axis: the number of elements taken (shrunk axes take 1).
    var sizes: [Int] = []
    var finalShape: [Int] = []

    struct Masks {
        var begin = 0, end = 0, ellipsis = 0, newAxis = 0, shrinkAxis = 0
    }

    /// Resolves the sparse slice spec (`begin`, `end`, `strides` of equal length, bit masks) against an
    /// input of `shape`, with TF's clamping and negative-index rules. Throws a reason string on invalid
    /// specs.
    init(shape: [Int], begin: [Int], end: [Int], strides sparseStrides: [Int], masks: Masks) throws {
        let rank = shape.count
        // MARK: Sparse spec to dense spec
        var sparseDims = begin.count
        var ellipsis = masks.ellipsis
        if ellipsis & (ellipsis - 1) != 0 { throw SliceError("multiple ellipses in slice spec are not allowed") }
        guard sparseDims < Int.bitWidth - 2 else { throw SliceError("slice spec has too many dimensions") }
        // As TF: mask bits past the spec's length are ignored, so an ellipsis bit there does not count
        // and the implicit ellipsis after the given dimensions is added (found by fuzz-graph: with
        // `ellipsis_mask` 16 and an empty spec, no axis was covered and the run trapped).
        if ellipsis & ((1 << sparseDims) - 1) == 0 {
            ellipsis = 1 << sparseDims
            sparseDims += 1
        }
        var newAxesAfterEllipsis = 0
        var seenEllipsis = false
        for i in 0..<sparseDims {
            if seenEllipsis, masks.newAxis & (1 << i) != 0 { newAxesAfterEllipsis += 1 }
            if ellipsis & (1 << i) != 0 { seenEllipsis = true }
        }

        enum Gather { case axis(Int), newAxis, shrink }
        var gathers: [Gather] = []
        var denseBegin = [Int](repeating: 0, count: rank)
        var denseEnd = [Int](repeating: 0, count: rank)
        var denseStrides = [Int](repeating: 1, count: rank)
        var beginMasked = [Bool](repeating: false, count: rank)
        var endMasked = [Bool](repeating: false, count: rank)
        var shrink = [Bool](repeating: false, count: rank)
        var full = 0
        for i in 0..<sparseDims {
            let bit = 1 << i
            if ellipsis & bit != 0 {
                let next = min(rank - (sparseDims - i) + 1 + newAxesAfterEllipsis, rank)
                while full < next {
                    beginMasked[full] = true
                    endMasked[full] = true
                    gathers.append(.axis(full))
                    full += 1
                }
            } else if masks.newAxis & bit != 0 {
                gathers.append(.newAxis)
            } else {
                guard full < rank else {
                    throw SliceError("index \(i) of the slice spec is out of range for input rank \(rank)")
                }
                denseBegin[full] = begin[i]
                denseEnd[full] = end[i]
                denseStrides[full] = sparseStrides[i]
                beginMasked[full] = masks.begin & bit != 0
                endMasked[full] = masks.end & bit != 0
                if masks.shrinkAxis & bit != 0 {
                    shrink[full] = true
                    gathers.append(.shrink)
                } else {
                    gathers.append(.axis(full))
                }
                full += 1
            }
        }

        // The ellipsis expands to every axis the spec leaves out, so all of them are covered.
        guard full == rank else {
            throw SliceError("the slice spec covers \(full) of the input's \(rank) dimensions")
        }

        // MARK: Per-axis ranges
        for axis in 0..<rank {
            let dim = shape[axis]
            let stride = denseStrides[axis]
            guard stride != 0 else { throw SliceError("strides[\(axis)] must be non-zero") }
            var first: Int
            var size: Int
            if shrink[axis] {
                guard stride > 0 else { throw SliceError("only stride 1 allowed on non-range indexing") }
                first = denseBegin[axis] < 0 ? dim + denseBegin[axis] : denseBegin[axis]
                guard first >= 0, first < dim else {
                    throw SliceError("slice index \(denseBegin[axis]) of dimension \(axis) out of bounds")
                }
                size = 1
            } else {
                let low = stride > 0 ? 0 : -1
                let high = stride > 0 ? dim : dim - 1
                func canonical(_ x: Int, masked: Bool, isEnd: Bool) -> Int {
                    if masked { return (stride > 0) != isEnd ? low : high }
                    let forward = x < 0 ? dim + x : x
                    return min(max(forward, low), high)
                }
                first = canonical(denseBegin[axis], masked: beginMasked[axis], isEnd: false)
                let last = canonical(denseEnd[axis], masked: endMasked[axis], isEnd: true)
                let interval = last - first
                if interval == 0 || (interval < 0) != (stride < 0) {
                    size = 0
                } else {
                    size = interval / stride + (interval % stride != 0 ? 1 : 0)
                }
            }
            begins.append(size == 0 ? 0 : first)
            strides.append(stride)
            sizes.append(size)
        }
        for gather in gathers {
            switch gather {
            case .axis(let axis): finalShape.append(sizes[axis])
            case .newAxis: finalShape.append(1)
            case .shrink: break
            }
        }
    }
}

struct SliceError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
