import Tensors

/// A node's attributes (its own merged with its op's defaults), with typed getters that throw a
/// `PlanningError` naming the node, op and attribute when an attribute is absent or of the wrong kind.
struct Attributes: Sendable {
    let values: [String: AttributeValue]
    let nodeName: String
    let op: String

    init(_ values: [String: AttributeValue], nodeName: String, op: String) {
        self.values = values
        self.nodeName = nodeName
        self.op = op
    }

    func contains(_ name: String) -> Bool {
        if let value = values[name], case .unset = value { return false }
        return values[name] != nil
    }

    // MARK: - Errors

    func missing(_ name: String) -> PlanningError {
        .missingAttribute(node: nodeName, op: op, attribute: name)
    }

    func invalid(_ name: String, expected: String, found: String) -> PlanningError {
        .invalidAttribute(node: nodeName, op: op, attribute: name, expected: expected, found: found)
    }

    private func value(_ name: String) throws -> AttributeValue {
        guard let value = values[name] else { throw missing(name) }
        if case .unset = value { throw missing(name) }
        return value
    }

    // MARK: - Scalars

    func int(_ name: String) throws -> Int {
        let v = try value(name)
        guard case .int(let i) = v else { throw invalid(name, expected: "int", found: v.kindName) }
        guard let result = Int(exactly: i) else { throw invalid(name, expected: "an Int", found: "\(i)") }
        return result
    }

    func float(_ name: String) throws -> Float {
        let v = try value(name)
        guard case .float(let f) = v else { throw invalid(name, expected: "float", found: v.kindName) }
        return f
    }

    func bool(_ name: String) throws -> Bool {
        let v = try value(name)
        guard case .bool(let b) = v else { throw invalid(name, expected: "bool", found: v.kindName) }
        return b
    }

    /// A string attribute, decoded as UTF-8.
    func string(_ name: String) throws -> String {
        let v = try value(name)
        guard case .string(let bytes) = v else { throw invalid(name, expected: "string", found: v.kindName) }
        guard let s = utf8String(bytes) else {
            throw invalid(name, expected: "UTF-8 text", found: "\(bytes.count) non-UTF-8 bytes")
        }
        return s
    }

    /// A string attribute that must be one of `choices` (e.g. `padding` in `["SAME", "VALID"]`).
    func string(_ name: String, oneOf choices: [String]) throws -> String {
        let s = try string(name)
        guard choices.contains(s) else {
            throw invalid(name, expected: "one of " + choices.map { "\"\($0)\"" }.joined(separator: ", "),
                          found: "\"\(s)\"")
        }
        return s
    }

    func dataType(_ name: String) throws -> DataTypeCode {
        let v = try value(name)
        guard case .type(let t) = v else { throw invalid(name, expected: "type", found: v.kindName) }
        return t
    }

    /// A type attribute mapped to an element type; unsupported data types are a typed error.
    func elementType(_ name: String) throws -> ElementType {
        let t = try dataType(name)
        guard let e = t.elementType else {
            throw PlanningError.unsupportedDataType(node: nodeName, op: op, dataType: t.description)
        }
        return e
    }

    func shape(_ name: String) throws -> PartialShape {
        let v = try value(name)
        guard case .shape(let s) = v else { throw invalid(name, expected: "shape", found: v.kindName) }
        return s
    }

    /// A tensor attribute, decoded now; decoding problems become errors naming this node.
    func tensor(_ name: String) throws -> Tensor {
        let v = try value(name)
        guard case .tensor(let literal) = v else { throw invalid(name, expected: "tensor", found: v.kindName) }
        do {
            return try literal.decode()
        } catch TensorDecodingError.unsupportedDataType(let t) {
            throw PlanningError.unsupportedDataType(node: nodeName, op: op, dataType: t.description)
        } catch {
            throw invalid(name, expected: "a decodable tensor", found: "\(error)")
        }
    }

    // MARK: - Lists

    private func list(_ name: String) throws -> AttributeList {
        let v = try value(name)
        guard case .list(let l) = v else { throw invalid(name, expected: "list", found: v.kindName) }
        return l
    }

    func ints(_ name: String) throws -> [Int] {
        let l = try list(name)
        guard !l.ints.isEmpty || l.isEmpty else { throw invalid(name, expected: "list(int)", found: "another list") }
        return try l.ints.map { i in
            guard let r = Int(exactly: i) else { throw invalid(name, expected: "Ints", found: "\(i)") }
            return r
        }
    }

    func floats(_ name: String) throws -> [Float] {
        let l = try list(name)
        guard !l.floats.isEmpty || l.isEmpty else { throw invalid(name, expected: "list(float)", found: "another list") }
        return l.floats
    }

    func dataTypes(_ name: String) throws -> [DataTypeCode] {
        let l = try list(name)
        guard !l.types.isEmpty || l.isEmpty else { throw invalid(name, expected: "list(type)", found: "another list") }
        return l.types
    }

    func strings(_ name: String) throws -> [String] {
        let l = try list(name)
        guard !l.strings.isEmpty || l.isEmpty else { throw invalid(name, expected: "list(string)", found: "another list") }
        return try l.strings.map { bytes in
            guard let s = utf8String(bytes) else {
                throw invalid(name, expected: "UTF-8 text", found: "\(bytes.count) non-UTF-8 bytes")
            }
            return s
        }
    }
}

/// `bytes` as a string, or `nil` if they are not valid UTF-8.
func utf8String(_ bytes: [UInt8]) -> String? {
    let s = String(decoding: bytes, as: UTF8.self)
    return s.utf8.elementsEqual(bytes) ? s : nil
}
