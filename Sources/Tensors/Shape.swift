/// The dimensions of a tensor, outermost first (row-major). A scalar has no dimensions.
///
/// Activations use NHWC, `(batch, height, width, channels)`; convolution filters use HWIO,
/// `(height, width, inChannels, outChannels)`; depthwise filters use `(height, width, channels, multiplier)`.
public struct Shape: Hashable, Sendable, ExpressibleByArrayLiteral, CustomStringConvertible, RandomAccessCollection {
    public var dimensions: [Int]

    public init(_ dimensions: [Int]) { self.dimensions = dimensions }
    public init(arrayLiteral elements: Int...) { self.dimensions = elements }

    public static let scalar = Shape([])

    public var rank: Int { dimensions.count }

    /// The product of the dimensions (1 for a scalar). Callers validate shapes from untrusted input with
    /// `checkedElementCount` first.
    public var elementCount: Int { dimensions.reduce(1, *) }

    /// The element count, or `nil` if a dimension is negative or the product overflows `Int`.
    public var checkedElementCount: Int? {
        var product = 1
        for d in dimensions {
            guard d >= 0 else { return nil }
            let (p, overflow) = product.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            product = p
        }
        return product
    }

    /// Row-major strides in elements.
    public var strides: [Int] {
        var result = [Int](repeating: 1, count: rank)
        var running = 1
        for axis in Swift.stride(from: rank - 1, through: 0, by: -1) {
            result[axis] = running
            running *= dimensions[axis]
        }
        return result
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { dimensions.count }
    public subscript(axis: Int) -> Int {
        get { dimensions[axis] }
        set { dimensions[axis] = newValue }
    }

    public var description: String { "[" + dimensions.map(String.init).joined(separator: ", ") + "]" }
}
