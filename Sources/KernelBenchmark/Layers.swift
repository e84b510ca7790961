import Kernels
import Tensors

/// One benchmarked kernel call on a NASNet-A mobile (224x224) layer shape.
struct BenchmarkLayer: Codable {
    enum Kind: String, Codable { case conv, depthwise, matmul, avgpool, maxpool, add, relu, batchnorm }

    let name: String
    let kind: Kind
    /// NHWC input, or `(M, K)` for matmul.
    let input: [Int]
    /// HWIO filter, `(kh, kw, C, 1)` depthwise filter, or `(K, N)` for matmul.
    let filter: [Int]
    let stride: Int
    /// "SAME" or "VALID".
    let padding: String

    var flops: Double {
        switch kind {
        case .matmul: return 2 * Double(input[0] * input[1] * filter[1])
        case .conv: return (try? convGeometry().flops) ?? 0
        case .depthwise: return (try? depthwiseGeometry().flops) ?? 0
        case .avgpool, .maxpool:
            return Double((try? poolGeometry().outputShape.elementCount) ?? 0) * Double(filter[0] * filter[1])
        case .add, .relu: return Double(Shape(input).elementCount)
        case .batchnorm: return 2 * Double(Shape(input).elementCount)
        }
    }

    var paddingValue: Padding { padding == "SAME" ? .same : .valid }

    func convGeometry() throws -> Conv2DGeometry {
        try Conv2DGeometry(inputShape: Shape(input), filterShape: Shape(filter), strides: (stride, stride), padding: paddingValue)
    }

    /// Pools read their window `(kh, kw)` from `filter`.
    func poolGeometry() throws -> PoolGeometry {
        try PoolGeometry(inputShape: Shape(input), window: (filter[0], filter[1]), strides: (stride, stride), padding: paddingValue)
    }

    func depthwiseGeometry() throws -> DepthwiseGeometry {
        try DepthwiseGeometry(inputShape: Shape(input), filterShape: Shape(filter), strides: (stride, stride), padding: paddingValue)
    }
}

/// Layer shapes from NASNet-A mobile at 224x224 (stem, the 44/88/176-filter stacks, logits), batch 1
/// unless the name says otherwise.
let nasnetLayers: [BenchmarkLayer] = [
    BenchmarkLayer(name: "stem conv 3x3/2 224x224x3->32", kind: .conv, input: [1, 224, 224, 3], filter: [3, 3, 3, 32], stride: 2, padding: "VALID"),
    BenchmarkLayer(name: "1x1 conv 111x111x32->11", kind: .conv, input: [1, 111, 111, 32], filter: [1, 1, 32, 11], stride: 1, padding: "SAME"),
    BenchmarkLayer(name: "1x1 conv 28x28x264->44", kind: .conv, input: [1, 28, 28, 264], filter: [1, 1, 264, 44], stride: 1, padding: "SAME"),
    BenchmarkLayer(name: "1x1 conv 14x14x528->88", kind: .conv, input: [1, 14, 14, 528], filter: [1, 1, 528, 88], stride: 1, padding: "SAME"),
    BenchmarkLayer(name: "1x1 conv 7x7x1056->176", kind: .conv, input: [1, 7, 7, 1056], filter: [1, 1, 1056, 176], stride: 1, padding: "SAME"),
    BenchmarkLayer(name: "1x1 conv 56x56x11->11 (sep)", kind: .conv, input: [1, 56, 56, 11], filter: [1, 1, 11, 11], stride: 1, padding: "SAME"),
    BenchmarkLayer(name: "1x1 conv 28x28x44->44 (sep)", kind: .conv, input: [1, 28, 28, 44], filter: [1, 1, 44, 44], stride: 1, padding: "SAME"),
    BenchmarkLayer(name: "1x1 conv 14x14x88->88 (sep)", kind: .conv, input: [1, 14, 14, 88], filter: [1, 1, 88, 88], stride: 1, padding: "SAME"),
    BenchmarkLayer(name: "1x1 conv 7x7x176->176 (sep)", kind: .conv, input: [1, 7, 7, 176], filter: [1, 1, 176, 176], stride: 1, padding: "SAME"),
    BenchmarkLayer(name: "1x1 conv b32 28x28x264->44", kind: .conv, input: [32, 28, 28, 264], filter: [1, 1, 264, 44], stride: 1, padding: "SAME"),
    BenchmarkLayer(name: "dw 3x3 28x28x44", kind: .depthwise, input: [1, 28, 28, 44], filter: [3, 3, 44, 1], stride: 1, padding: "SAME"),
    BenchmarkLayer(name: "dw 5x5 14x14x88", kind: .depthwise, input: [1, 14, 14, 88], filter: [5, 5, 88, 1], stride: 1, padding: "SAME"),
    BenchmarkLayer(name: "dw 5x5/2 28x28x88", kind: .depthwise, input: [1, 28, 28, 88], filter: [5, 5, 88, 1], stride: 2, padding: "SAME"),
    BenchmarkLayer(name: "dw 7x7 7x7x176", kind: .depthwise, input: [1, 7, 7, 176], filter: [7, 7, 176, 1], stride: 1, padding: "SAME"),
    BenchmarkLayer(name: "dw 5x5 b32 14x14x88", kind: .depthwise, input: [32, 14, 14, 88], filter: [5, 5, 88, 1], stride: 1, padding: "SAME"),
    BenchmarkLayer(name: "avgpool 3x3 56x56x11", kind: .avgpool, input: [1, 56, 56, 11], filter: [3, 3], stride: 1, padding: "SAME"),
    BenchmarkLayer(name: "avgpool 3x3 28x28x44", kind: .avgpool, input: [1, 28, 28, 44], filter: [3, 3], stride: 1, padding: "SAME"),
    BenchmarkLayer(name: "avgpool 3x3 14x14x88", kind: .avgpool, input: [1, 14, 14, 88], filter: [3, 3], stride: 1, padding: "SAME"),
    BenchmarkLayer(name: "avgpool 3x3 7x7x176", kind: .avgpool, input: [1, 7, 7, 176], filter: [3, 3], stride: 1, padding: "SAME"),
    BenchmarkLayer(name: "avgpool 3x3 b2 28x28x44", kind: .avgpool, input: [2, 28, 28, 44], filter: [3, 3], stride: 1, padding: "SAME"),
    BenchmarkLayer(name: "avgpool 3x3/2 111x111x11", kind: .avgpool, input: [1, 111, 111, 11], filter: [3, 3], stride: 2, padding: "SAME"),
    BenchmarkLayer(name: "avgpool 3x3/2 28x28x88", kind: .avgpool, input: [1, 28, 28, 88], filter: [3, 3], stride: 2, padding: "SAME"),
    BenchmarkLayer(name: "avgpool 1x1/2 56x56x22 VALID", kind: .avgpool, input: [1, 56, 56, 22], filter: [1, 1], stride: 2, padding: "VALID"),
    BenchmarkLayer(name: "maxpool 3x3/2 111x111x11", kind: .maxpool, input: [1, 111, 111, 11], filter: [3, 3], stride: 2, padding: "SAME"),
    BenchmarkLayer(name: "maxpool 3x3/2 28x28x88", kind: .maxpool, input: [1, 28, 28, 88], filter: [3, 3], stride: 2, padding: "SAME"),
    BenchmarkLayer(name: "maxpool 3x3/2 14x14x176", kind: .maxpool, input: [1, 14, 14, 176], filter: [3, 3], stride: 2, padding: "SAME"),
    BenchmarkLayer(name: "add 28x28x44 (elements)", kind: .add, input: [1, 28, 28, 44], filter: [1, 28, 28, 44], stride: 1, padding: "SAME"),
    BenchmarkLayer(name: "relu 28x28x264 (elements)", kind: .relu, input: [1, 28, 28, 264], filter: [1], stride: 1, padding: "SAME"),
    BenchmarkLayer(name: "batchnorm 28x28x44 (2/element)", kind: .batchnorm, input: [1, 28, 28, 44], filter: [44], stride: 1, padding: "SAME"),
    BenchmarkLayer(name: "matmul logits 1x1056->1001", kind: .matmul, input: [1, 1056], filter: [1056, 1001], stride: 1, padding: "VALID"),
    BenchmarkLayer(name: "matmul logits b32 1056->1001", kind: .matmul, input: [32, 1056], filter: [1056, 1001], stride: 1, padding: "VALID"),
]
