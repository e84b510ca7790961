import Foundation
import TensorFlowHub

extension BundleWriter {
    /// Appends `tensor` under `key`: a dense tensor's elements (row-major, its element type as the
    /// matching `DT_*`), or a string tensor's elements.
    public func add(key: String, tensor: Tensor) throws {
        if let strings = tensor.strings {
            try add(key: key, shape: tensor.shape.dimensions, strings: strings)
        } else {
            try tensor.withUnsafeBytes {
                try add(key: key, dtype: DataType(exporting: tensor.elementType), shape: tensor.shape.dimensions, bytes: $0)
            }
        }
    }

    /// Writes `tensors` as a TF checkpoint V2 at `prefix` (`<prefix>.index` and
    /// `<prefix>.data-00000-of-00001`), adding them in bytewise key order as TF1's `Saver` does, e.g.
    /// a module's variables by checkpoint key to `<folder>/variables/variables`.
    public static func write(_ tensors: [String: Tensor], to prefix: URL) throws {
        let writer = try BundleWriter(prefix: prefix)
        for key in tensors.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            try writer.add(key: key, tensor: tensors[key]!)
        }
        try writer.finish()
    }
}

extension DataType {
    /// TensorFlow's dtype for a tensor element type.
    init(exporting elementType: ElementType) {
        switch elementType {
        case .float32: self = .float
        case .float64: self = .double
        case .int8: self = .int8
        case .int16: self = .int16
        case .int32: self = .int32
        case .int64: self = .int64
        case .uint8: self = .uint8
        case .uint16: self = .uint16
        case .uint32: self = .uint32
        case .uint64: self = .uint64
        case .bool: self = .bool
        case .string: self = .string
        }
    }
}
