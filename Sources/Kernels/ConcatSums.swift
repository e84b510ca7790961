import CKernels
import Tensors

/// One part of `concatenateSums`: a tensor as it is, or the element-wise sum of two equally shaped ones.
/// Writing into a given output (`concatenateSums(_:axis:relu:into:options:)`), a part may also be there
/// already, written by its producer: `.inPlace` (of that shape) is left as it is, `.addedInPlace(y, first)`
/// becomes `y + part` (`first`) or `part + y`; then either gets the ReLU.
public enum ConcatPart {
    case tensor(Tensor)
    case sum(Tensor, Tensor)
    case inPlace(Shape)
    case addedInPlace(Tensor, addendFirst: Bool)

    var shape: Shape {
        switch self {
        case .tensor(let x), .sum(let x, _), .addedInPlace(let x, _): return x.shape
        case .inPlace(let shape): return shape
        }
    }

    var isInPlace: Bool {
        switch self {
        case .tensor, .sum: return false
        case .inPlace, .addedInPlace: return true
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
    if parts.contains(where: \.isInPlace) {
        throw KernelError.parameter(name: "parts", expected: "tensors and sums (a new tensor has no part in place)", found: "a part in place")
    }
    return try Tensor(shape: layout.outputShape, of: Float.self, recycler: options.recycler) { out in
        guard let base = out.baseAddress, out.count > 0 else { return }
        try concatenateSums(parts, axis: axis, relu: relu, into: base, options: options)
    }
}

/// `concatenateSums` writing into `output` (the concatenation's shape, row-major) instead of a new tensor,
/// some parts of which may already be there (`.inPlace`, `.addedInPlace`). Sums and ReLUs are computed as
/// for a new tensor, bit for bit.
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
        case .inPlace, .addedInPlace:
            a.append(nil)
            b.append(nil)
        }
    }
    // Parts already in the output: (offset in a row, width, addend or nil, addend first).
    var inPlace: [(offset: Int, width: Int, addend: UnsafePointer<Float>?, addendFirst: Bool)] = []
    var offset = 0
    for (part, width) in zip(parts, layout.widths) {
        switch part {
        case .inPlace: if relu { inPlace.append((offset, width, nil, false)) }
        case .addedInPlace(let y, let first): inPlace.append((offset, width, floatPointer(y), first))
        case .tensor, .sum: break
        }
        offset += width
    }
    let widths = layout.widths, rowWork = layout.rowWork
    withExtendedLifetime(parts) {
        forEachChunk(of: layout.rows, options: options, minimumChunk: max(1, parallelElementThreshold / max(1, rowWork))) { range, _ in
            ck_concat_sums_f32(options.backend.isa, range.lowerBound, range.upperBound, parts.count, a, b, widths,
                               relu ? 1 : 0, output)
            for part in inPlace {
                ck_add_rows_f32(options.backend.isa, range.lowerBound, range.upperBound, part.width, part.addend, part.width,
                                part.addendFirst ? 1 : 0, relu ? 1 : 0, output + part.offset, rowWork)
            }
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
            case .addedInPlace(let y, _): try requireFloat32(y, "addend")
            case .inPlace: break
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
