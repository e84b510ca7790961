import Foundation

// MARK: - JSONValue

/// A parsed JSON document, and the proto3 JSON rendering our Swift values are compared with.
///
/// `.float` only appears on the rendered side: proto3 JSON prints a 32-bit float by its shortest
/// round-trip decimal, so it matches a parsed number when both are equal as `Float`.
indirect enum JSONValue: Equatable, Decodable {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    case number(Double)
    case float(Float)
    case bool(Bool)
    case null

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    static func load(_ url: URL) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url))
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var arrayValue: [JSONValue] {
        if case .array(let values) = self { return values }
        return []
    }
}

// MARK: - Comparison

/// Differences between TF's JSON (`expected`) and our rendering (`actual`), one line per
/// mismatch with its path. Empty when they agree on every field.
func differences(expected: JSONValue, actual: JSONValue, path: String = "$") -> [String] {
    switch (expected, actual) {
    case let (.object(e), .object(a)):
        var out: [String] = []
        for key in Set(e.keys).union(a.keys).sorted() {
            switch (e[key], a[key]) {
            case let (ev?, av?): out += differences(expected: ev, actual: av, path: path + "." + key)
            case (_?, nil): out.append("\(path).\(key): in TF's JSON, missing from the Swift value")
            case (nil, _?): out.append("\(path).\(key): in the Swift value, missing from TF's JSON")
            case (nil, nil): break
            }
        }
        return out
    case let (.array(e), .array(a)):
        guard e.count == a.count else { return ["\(path): \(e.count) elements in TF's JSON, \(a.count) in Swift"] }
        return zip(e, a).enumerated().flatMap { differences(expected: $1.0, actual: $1.1, path: "\(path)[\($0)]") }
    case let (.number(e), .float(a)):
        return Float(e) == a ? [] : ["\(path): TF \(e), Swift \(a)"]
    case let (.string(e), .float(a)) where a.isNaN || a.isInfinite:
        return e == floatSpecial(a) ? [] : ["\(path): TF \(e), Swift \(a)"]
    case let (.string(e), .number(a)) where a.isNaN || a.isInfinite:
        return e == floatSpecial(a) ? [] : ["\(path): TF \(e), Swift \(a)"]
    default:
        return expected == actual ? [] : ["\(path): TF \(expected), Swift \(actual)"]
    }
}

private func floatSpecial<F: BinaryFloatingPoint>(_ value: F) -> String {
    value.isNaN ? "NaN" : (value < 0 ? "-Infinity" : "Infinity")
}
