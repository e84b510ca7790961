import Foundation
import Tensors

/// Writes tensors as JSON: nested arrays (TF Serving) or flat row-major lists (Open Inference Protocol).
/// Strings are written as JSON strings when they are UTF-8, else as `{"b64": "..."}`.
enum TensorJSONEncoding {
    /// Writes element `index` of a tensor.
    typealias ElementWriter = (Int, inout JSONWriter) -> Void

    static func elementWriter(_ tensor: Tensor) -> ElementWriter {
        func dense<T: TensorScalar>(_ type: T.Type, _ write: @escaping (T, inout JSONWriter) -> Void) -> ElementWriter {
            let values = tensor.scalars(as: T.self)
            return { index, writer in write(values[index], &writer) }
        }
        switch tensor.elementType {
        case .float32: return dense(Float.self) { $1.number($0) }
        case .float64: return dense(Double.self) { $1.number($0) }
        case .int8: return dense(Int8.self) { $1.integer($0) }
        case .int16: return dense(Int16.self) { $1.integer($0) }
        case .int32: return dense(Int32.self) { $1.integer($0) }
        case .int64: return dense(Int64.self) { $1.integer($0) }
        case .uint8: return dense(UInt8.self) { $1.integer($0) }
        case .uint16: return dense(UInt16.self) { $1.integer($0) }
        case .uint32: return dense(UInt32.self) { $1.integer($0) }
        case .uint64: return dense(UInt64.self) { $1.integer($0) }
        case .bool: return dense(Bool.self) { $1.raw($0 ? "true" : "false") }
        case .string:
            let strings = tensor.strings ?? []
            return { index, writer in
                let bytes = strings[index]
                if let text = String(validating: bytes, as: UTF8.self) {
                    writer.string(text)
                } else {
                    writer.raw("{\"b64\":")
                    writer.string(Data(bytes).base64EncodedString())
                    writer.raw("}")
                }
            }
        }
    }

    /// Writes the elements `start..<start + product(dims)` as nested arrays of shape `dims` (a scalar
    /// when `dims` is empty).
    static func writeNested(
        _ element: ElementWriter, dims: ArraySlice<Int>, start: Int, into writer: inout JSONWriter
    ) {
        guard let count = dims.first else {
            element(start, &writer)
            return
        }
        let inner = dims.dropFirst()
        let stride = inner.reduce(1, *)
        writer.raw("[")
        for i in 0..<count {
            if i > 0 { writer.raw(",") }
            writeNested(element, dims: inner, start: start + i * stride, into: &writer)
        }
        writer.raw("]")
    }

    /// Writes the whole tensor as nested arrays.
    static func writeNested(_ tensor: Tensor, into writer: inout JSONWriter) {
        writeNested(elementWriter(tensor), dims: tensor.shape.dimensions[...], start: 0, into: &writer)
    }

    /// Writes every element as one flat list, row-major.
    static func writeFlat(_ tensor: Tensor, into writer: inout JSONWriter) {
        let element = elementWriter(tensor)
        writer.raw("[")
        for i in 0..<tensor.elementCount {
            if i > 0 { writer.raw(",") }
            element(i, &writer)
        }
        writer.raw("]")
    }
}
