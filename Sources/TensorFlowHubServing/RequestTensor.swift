import Foundation
import Tensors

/// A tensor as a request states it, before it is matched with a signature input.
enum RequestTensor {
    /// Nested JSON arrays of numbers or booleans (TF Serving): the element type comes from the signature.
    case json(shape: [Int], leaves: [JSONValue])
    /// A tensor whose element type the request names (Open Inference Protocol `datatype`).
    case typed(Tensor)
    /// Byte strings (`{"b64": ...}` in TF Serving JSON, `BYTES` in v2): a string tensor, or encoded
    /// JPEG/PNG images for a float image input.
    case bytes(shape: [Int], [[UInt8]])

    var shape: [Int] {
        switch self {
        case .json(let shape, _), .bytes(let shape, _): return shape
        case .typed(let tensor): return tensor.shape.dimensions
        }
    }

    /// Reads nested JSON arrays: their shape (outermost first) and leaves in row-major order. A
    /// `{"b64": "..."}` object is one leaf, and a request whose leaves are all such objects or strings
    /// becomes `.bytes`.
    ///
    /// - Throws: `ServingError.badInput` for ragged arrays or bad base64, `.tooManyElements` past `limit`.
    static func fromJSON(_ value: JSONValue, input: String, limit: Int) throws -> RequestTensor {
        var shape: [Int] = []
        var probe = value
        while case .array(let elements) = probe {
            shape.append(elements.count)
            guard let first = elements.first else { break }
            probe = first
        }
        let count = try elementCount(shape, input: input, limit: limit)
        var leaves: [JSONValue] = []
        leaves.reserveCapacity(count)
        func walk(_ value: JSONValue, depth: Int) throws {
            if depth == shape.count {
                if case .array = value {
                    throw ServingError.badInput(input: input, reason: "ragged nested arrays: an array where a value was expected at depth \(depth)")
                }
                leaves.append(value)
                return
            }
            guard case .array(let elements) = value, elements.count == shape[depth] else {
                throw ServingError.badInput(
                    input: input, reason: "ragged nested arrays: expected \(shape[depth]) elements at depth \(depth) "
                        + "(shape \(shape)), found \(value.arrayValue.map { "\($0.count)" } ?? value.kindName)")
            }
            for element in elements { try walk(element, depth: depth + 1) }
        }
        try walk(value, depth: 0)
        let isBytes: (JSONValue) -> Bool = { leaf in
            if case .string = leaf { return true }
            if let object = leaf.objectValue, object.count == 1, object["b64"] != nil { return true }
            return false
        }
        if !leaves.isEmpty, leaves.allSatisfy(isBytes) {
            let strings = try leaves.map { leaf -> [UInt8] in
                if let text = leaf.stringValue { return Array(text.utf8) }
                guard let text = leaf["b64"]?.stringValue, let data = Data(base64Encoded: text) else {
                    throw ServingError.badInput(input: input, reason: "a {\"b64\": ...} value is not a base64 string")
                }
                return Array(data)
            }
            return .bytes(shape: shape, strings)
        }
        return .json(shape: shape, leaves: leaves)
    }

    /// The product of `shape`, checked against `limit` and for overflow.
    static func elementCount(_ shape: [Int], input: String, limit: Int) throws -> Int {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else {
                throw ServingError.badInput(input: input, reason: "negative dimension in shape \(shape)")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= limit else {
                throw ServingError.tooManyElements(input: input, count: overflow ? Int.max : product, limit: limit)
            }
            count = product
        }
        return count
    }

    /// Converts JSON leaves to a dense tensor of `type`.
    static func dense(_ leaves: [JSONValue], shape: [Int], as type: ElementType, input: String) throws -> Tensor {
        func numbers<T: TensorScalar>(_ convert: (Double) -> T?) throws -> Tensor {
            var scalars: [T] = []
            scalars.reserveCapacity(leaves.count)
            for leaf in leaves {
                guard let number = leaf.numberValue, let value = convert(number) else {
                    throw ServingError.badInput(
                        input: input, reason: "expected \(type) values, found \(leaf.kindName)"
                            + (leaf.numberValue.map { " \($0)" } ?? ""))
                }
                scalars.append(value)
            }
            return Tensor(shape: Shape(shape), scalars: scalars)
        }
        switch type {
        case .float32: return try numbers { Float($0) }
        case .float64: return try numbers { $0 }
        case .int8: return try numbers { Int8(exactly: $0) }
        case .int16: return try numbers { Int16(exactly: $0) }
        case .int32: return try numbers { Int32(exactly: $0) }
        case .int64: return try numbers { Int64(exactly: $0) }
        case .uint8: return try numbers { UInt8(exactly: $0) }
        case .uint16: return try numbers { UInt16(exactly: $0) }
        case .uint32: return try numbers { UInt32(exactly: $0) }
        case .uint64: return try numbers { UInt64(exactly: $0) }
        case .bool:
            let flags = try leaves.map { leaf -> Bool in
                guard case .bool(let flag) = leaf else {
                    throw ServingError.badInput(input: input, reason: "expected booleans, found \(leaf.kindName)")
                }
                return flag
            }
            return Tensor(shape: Shape(shape), scalars: flags)
        case .string:
            throw ServingError.badInput(input: input, reason: "expected strings or {\"b64\": ...} values, found numbers")
        }
    }
}
