import Tensors

/// NumPy / TensorFlow broadcasting of two shapes: align trailing axes; sizes must match or one be 1.
public func broadcastShape(_ a: Shape, _ b: Shape) throws -> Shape {
    let rank = max(a.rank, b.rank)
    var dims = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
        let da = i < rank - a.rank ? 1 : a[i - (rank - a.rank)]
        let db = i < rank - b.rank ? 1 : b[i - (rank - b.rank)]
        if da == db || db == 1 { dims[i] = da } else if da == 1 { dims[i] = db } else {
            throw KernelError.notBroadcastable(a, b)
        }
    }
    return Shape(dims)
}

/// Iteration plan for a broadcast binary op: loops (outermost first) with element strides of both operands,
/// adjacent loops merged where both operands stay contiguous so the innermost loop is as long as possible.
struct BroadcastLoops {
    var sizes: [Int] = []
    var strideA: [Int] = []
    var strideB: [Int] = []

    init(_ a: Shape, _ b: Shape, output: Shape) {
        let rank = output.rank
        func strides(_ s: Shape) -> [Int] {
            let own = s.strides
            return (0..<rank).map { i in
                let j = i - (rank - s.rank)
                return j < 0 || s[j] == 1 ? 0 : own[j]
            }
        }
        let sa = strides(a), sb = strides(b)
        for i in 0..<rank where output[i] != 1 {
            if let last = sizes.indices.last,
               strideA[last] == sa[i] * output[i], strideB[last] == sb[i] * output[i] {
                sizes[last] *= output[i]
                strideA[last] = sa[i]
                strideB[last] = sb[i]
            } else {
                sizes.append(output[i]); strideA.append(sa[i]); strideB.append(sb[i])
            }
        }
        if sizes.isEmpty { sizes = [1]; strideA = [0]; strideB = [0] }
    }

    /// The number of independent slices `forEachRun(slices:)` can split the work into: the outermost
    /// loop's size (or the elements of a single loop).
    var sliceCount: Int { sizes[0] }

    /// Elements of the output per slice.
    var elementsPerSlice: Int { sizes.dropFirst().reduce(1, *) }

    /// Calls `body(offsetA, offsetB, offsetOut, innerCount, innerStrideA, innerStrideB)` for each inner run
    /// of the given slices of the outermost loop.
    func forEachRun(slices: Range<Int>? = nil, _ body: (Int, Int, Int, Int, Int, Int) -> Void) {
        let slices = slices ?? 0..<sizes[0]
        guard !slices.isEmpty, !sizes.contains(0) else { return }
        if sizes.count == 1 {
            body(slices.lowerBound * strideA[0], slices.lowerBound * strideB[0], slices.lowerBound, slices.count,
                 strideA[0], strideB[0])
            return
        }
        let depth = sizes.count - 1
        let inner = sizes[depth]
        let perSlice = elementsPerSlice
        for slice in slices {
            var index = [Int](repeating: 0, count: depth)
            var offA = slice * strideA[0], offB = slice * strideB[0], offOut = slice * perSlice
            while true {
                body(offA, offB, offOut, inner, strideA[depth], strideB[depth])
                offOut += inner
                var axis = depth - 1
                while axis >= 1 {
                    index[axis] += 1
                    offA += strideA[axis]
                    offB += strideB[axis]
                    if index[axis] < sizes[axis] { break }
                    offA -= strideA[axis] * sizes[axis]
                    offB -= strideB[axis] * sizes[axis]
                    index[axis] = 0
                    axis -= 1
                }
                if axis < 1 { break }
            }
        }
    }
}
