import CKernels
import Tensors

/// One part of `concatenateSums`: a tensor as it is, or the element-wise sum of two equally shaped ones.
public enum ConcatPart {
    case tensor(Tensor)
    case sum(Tensor, Tensor)

    var shape: Shape {
        switch self {
        case .tensor(let x), .sum(let x, _): return x.shape
        }
    }
}

/// Concatenation of float32 `parts` along `axis`: `ConcatV2` of some `Add` results computed in one pass,
/// writing each sum straight into its place in the output instead of into a buffer of its own. Parts
/// share every dimension except `axis`; the two tensors of a sum have the same shape. With `relu`, the
/// output is `Relu` of the concatenation (`v < 0 ? 0 : v`, as `unary(.relu, ...)`: NaN stays NaN).
public func concatenateSums(
    _ parts: [ConcatPart], axis: Int, relu: Bool = false, options: KernelOptions = .singleThreaded
) throws -> Tensor {
    let layout = try ConcatLayout(parts, axis: axis)
    return try Tensor(shape: layout.outputShape, of: Float.self, recycler: options.recycler) { out in
        guard let base = out.baseAddress, out.count > 0 else { return }
        try concatenateSums(parts, axis: axis, relu: relu, into: base, options: options)
    }
}

/// `concatenateSums` writing into `output` (the concatenation's shape, row-major) instead of a new tensor.
public func concatenateSums(
    _ parts: [ConcatPart], axis: Int, relu: Bool = false, into output: UnsafeMutablePointer<Float>,
    options: KernelOptions = .singleThreaded
) throws {
    let layout = try ConcatLayout(parts, axis: axis)
    guard layout.rows > 0, layout.rowWork > 0 else { return }
    var a: [UnsafePointer<Float>?] = [], b: [UnsafePointer<Float>?] = []
    for part in parts {
        switch part {
        case .tensor(let x):
            a.append(floatPointer(x))
            b.append(nil)
        case .sum(let x, let y):
            a.append(floatPointer(x))
            b.append(floatPointer(y))
        }
    }
    let widths = layout.widths, rowWork = layout.rowWork
    withExtendedLifetime(parts) {
        forEachChunk(of: layout.rows, options: options, minimumChunk: max(1, parallelElementThreshold / max(1, rowWork))) { range, _ in
            ck_concat_sums_f32(options.backend.isa, range.lowerBound, range.upperBound, parts.count, a, b, widths,
                               relu ? 1 : 0, output)
        }
    }
}

/// The shape of a concatenation and the row structure its kernel works in: `rows` (the dimensions before
/// `axis`) of `widths[p]` floats per part.
struct ConcatLayout {
    let outputShape: Shape
    let widths: [Int]
    let rows: Int
    var rowWork: Int { widths.reduce(0, +) }

    init(_ parts: [ConcatPart], axis: Int) throws {
        guard let first = parts.first else { throw KernelError.parameter(name: "parts", expected: "at least one", found: "none") }
        let rank = first.shape.rank
        guard (0..<rank).contains(axis) else {
            throw KernelError.parameter(name: "axis", expected: "in 0..<\(rank)", found: "\(axis)")
        }
        var outputShape = first.shape
        outputShape[axis] = 0
        var widths: [Int] = []
        for part in parts {
            let shape = part.shape
            guard shape.rank == rank, shape.indices.allSatisfy({ $0 == axis || shape[$0] == first.shape[$0] }) else {
                throw KernelError.parameter(name: "part shape", expected: "\(first.shape) except axis \(axis)", found: "\(shape)")
            }
            outputShape[axis] += shape[axis]
            widths.append(shape.dimensions[axis...].reduce(1, *))
            switch part {
            case .tensor(let x):
                try requireFloat32(x, "part")
            case .sum(let x, let y):
                try requireFloat32(x, "x")
                try requireFloat32(y, "y")
                guard x.shape == y.shape else {
                    throw KernelError.parameter(name: "summand shapes", expected: "equal", found: "\(x.shape) and \(y.shape)")
                }
            }
        }
        self.outputShape = outputShape
        self.widths = widths
        rows = first.shape.dimensions[..<axis].reduce(1, *)
    }
}

/// The first element of a dense float32 tensor (kept alive by the caller).
private func floatPointer(_ tensor: Tensor) -> UnsafePointer<Float>? {
    tensor.storage.map { UnsafePointer($0.baseAddress.assumingMemoryBound(to: Float.self)) }
}
