/// Writes JSON text without going through `Any`: responses are built from these pieces.
///
/// Floats are written in their shortest round-trip form (`Float.description`), so a client that parses
/// the number and rounds it to float32 gets the server's bits back; NaN and infinities are written as
/// `NaN`, `Infinity` and `-Infinity`, as TF Serving and Python's `json` module do.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []

    init(reservingCapacity capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": raw("\\\"")
            case "\\": raw("\\\\")
            case "\n": raw("\\n")
            case "\r": raw("\\r")
            case "\t": raw("\\t")
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                raw("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: bytes.append(contentsOf: String(scalar).utf8)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func number<F: BinaryFloatingPoint & LosslessStringConvertible>(_ value: F) {
        if value.isNaN {
            raw("NaN")
        } else if value.isInfinite {
            raw(value < 0 ? "-Infinity" : "Infinity")
        } else {
            raw(value.description)
        }
    }

    mutating func integer<I: BinaryInteger>(_ value: I) { raw(String(value)) }

    /// Writes a JSON value.
    mutating func value(_ value: JSONValue) {
        switch value {
        case .null: raw("null")
        case .bool(let flag): raw(flag ? "true" : "false")
        case .number(let number):
            if number.rounded() == number, abs(number) < 1e15 { raw(String(Int64(number))) } else { self.number(number) }
        case .string(let text): string(text)
        case .array(let elements):
            raw("[")
            for (i, element) in elements.enumerated() {
                if i > 0 { raw(",") }
                self.value(element)
            }
            raw("]")
        case .object(let members):
            raw("{")
            for (i, key) in members.keys.sorted().enumerated() {
                if i > 0 { raw(",") }
                string(key)
                raw(":")
                self.value(members[key]!)
            }
            raw("}")
        }
    }
}

extension JSONValue {
    /// The value as compact JSON text (object keys sorted).
    public var serialized: [UInt8] {
        var writer = JSONWriter()
        writer.value(self)
        return writer.bytes
    }
}
