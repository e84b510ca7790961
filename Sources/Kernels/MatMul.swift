import CKernels
import Tensors

/// MatMul: `a (M x K) * b (K x N) -> (M x N)`, float32, where `transposeA` / `transposeB` mean the
/// operands are stored as `(K x M)` / `(N x K)`. Optional `bias` (N) and fused activation.
public func matMul(
    _ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false, bias: Tensor? = nil,
    activation: FusedActivation = .none, options: KernelOptions = .singleThreaded
) throws -> Tensor {
    try requireFloat32(a, "a")
    try requireFloat32(b, "b")
    try requireRank(a, 2, "a")
    try requireRank(b, 2, "b")
    let (m, k) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
    let (kb, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
    guard k == kb else {
        throw KernelError.dimension(operand: "b", axis: transposeB ? 1 : 0, expected: "\(k) (inner dimension of a)", found: kb)
    }
    if let bias { try checkBias(bias, channels: n) }
    let left = transposeA ? transposed(a) : a
    let right = transposeB ? transposed(b) : b
    let packed = try PackedMatrix(matrix: right)
    return try matMul(left, packed: packed, bias: bias, activation: activation, options: options, rows: m)
}

/// `a (M x K) * packed (K x N)` with a matrix packed once by `PackedMatrix(matrix:)`.
public func matMul(
    _ a: Tensor, packed: PackedMatrix, bias: Tensor? = nil, activation: FusedActivation = .none,
    options: KernelOptions = .singleThreaded
) throws -> Tensor {
    try requireFloat32(a, "a")
    try requireRank(a, 2, "a")
    guard a.shape[1] == packed.rows else {
        throw KernelError.dimension(operand: "a", axis: 1, expected: "\(packed.rows)", found: a.shape[1])
    }
    if let bias { try checkBias(bias, channels: packed.columns) }
    return try matMul(a, packed: packed, bias: bias, activation: activation, options: options, rows: a.shape[0])
}

private func matMul(
    _ a: Tensor, packed: PackedMatrix, bias: Tensor?, activation: FusedActivation, options: KernelOptions, rows m: Int
) throws -> Tensor {
    let k = packed.rows, n = packed.columns
    let (lo, hi) = activation.bounds
    return Tensor(shape: [m, n], of: Float.self, recycler: options.recycler) { out in
        guard let outBase = out.baseAddress, out.count > 0 else { return }
        a.withUnsafeBufferPointer(as: Float.self) { ap in
            withOptionalPointer(bias) { biasPointer in
                forEachChunk(of: m, options: options, minimumChunk: max(8, minimumChunk(workPerItem: saturatingProduct(k, n)))) { range, _ in
                    ck_gemm_rows(options.backend.isa, range.lowerBound, range.upperBound, k, n, ap.baseAddress, k,
                                 packed.pointer, biasPointer, lo, hi, outBase, n)
                }
            }
        }
    }
}

/// A row-major 2-D float32 tensor transposed.
func transposed(_ t: Tensor) -> Tensor {
    let r = t.shape[0], c = t.shape[1]
    return Tensor(shape: [c, r], of: Float.self) { out in
        t.withUnsafeBufferPointer(as: Float.self) { src in
            for i in 0..<r { for j in 0..<c { out[j * r + i] = src[i * c + j] } }
        }
    }
}
