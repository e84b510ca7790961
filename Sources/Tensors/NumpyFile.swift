import Foundation

/// Reading and writing NumPy `.npy` files (format versions 1.0, 2.0 and 3.0), C order, little-endian.
///
/// Only dense numeric and boolean arrays are supported; `fortran_order: True`, big-endian data and object
/// or string arrays are refused with a `NumpyFormatError`.
public enum NumpyFile {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"

    /// Decodes `.npy` bytes; `source` names the file in errors.
    public static func decode(_ bytes: [UInt8], source: String = "<memory>") throws -> Tensor {
        func fail(_ why: String) -> NumpyFormatError { NumpyFormatError(source: source, reason: why) }
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw fail("not a .npy file (bad magic)") }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("truncated header length") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw fail("unsupported format version \(major)")
        }
        guard headerLength <= bytes.count - headerStart else { throw fail("header runs past the end of the file") }
        guard let header = String(bytes: bytes[headerStart..<(headerStart + headerLength)], encoding: .utf8) else {
            throw fail("header is not text")
        }
        let descr = try stringValue(of: "descr", in: header, fail)
        guard !header.contains("'fortran_order': True") else { throw fail("Fortran-ordered arrays are not supported") }
        let dims = try shapeValue(in: header, fail)
        let elementType: ElementType
        switch descr {
        case "<f4": elementType = .float32
        case "<f8": elementType = .float64
        case "|i1", "<i1": elementType = .int8
        case "<i2": elementType = .int16
        case "<i4": elementType = .int32
        case "<i8": elementType = .int64
        case "|u1", "<u1": elementType = .uint8
        case "<u2": elementType = .uint16
        case "<u4": elementType = .uint32
        case "<u8": elementType = .uint64
        case "|b1": elementType = .bool
        default: throw fail("unsupported dtype '\(descr)' (expected little-endian numeric or bool)")
        }
        let shape = Shape(dims)
        guard let count = shape.checkedElementCount,
              case let (byteCount, overflow) = count.multipliedReportingOverflow(by: elementType.byteSize ?? 1),
              !overflow
        else { throw fail("shape \(dims) is too large") }
        let dataStart = headerStart + headerLength
        guard bytes.count - dataStart == byteCount else {
            throw fail("expected \(byteCount) data bytes for \(descr) \(shape), found \(bytes.count - dataStart)")
        }
        let storage = TensorStorage(uninitializedByteCount: byteCount)
        bytes.withUnsafeBytes { raw in
            storage.mutableRawBuffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[dataStart...]))
        }
        return Tensor(elementType: elementType, shape: shape, storage: storage)
    }

    /// Reads a `.npy` file.
    public static func read(_ url: URL) throws -> Tensor {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw NumpyFormatError(source: url.path, reason: "cannot read: \(error.localizedDescription)")
        }
        return try decode([UInt8](data), source: url.path)
    }

    /// Encodes a dense tensor as `.npy` (version 1.0) bytes.
    public static func encode(_ tensor: Tensor) throws -> [UInt8] {
        let descr: String
        switch tensor.elementType {
        case .float32: descr = "<f4"
        case .float64: descr = "<f8"
        case .int8: descr = "|i1"
        case .int16: descr = "<i2"
        case .int32: descr = "<i4"
        case .int64: descr = "<i8"
        case .uint8: descr = "|u1"
        case .uint16: descr = "<u2"
        case .uint32: descr = "<u4"
        case .uint64: descr = "<u8"
        case .bool: descr = "|b1"
        case .string: throw NumpyFormatError(source: "<encode>", reason: "string tensors cannot be written as .npy")
        }
        let dims = tensor.shape.dimensions
        let shapeText = dims.count == 1 ? "(\(dims[0]),)" : "(" + dims.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var out = magic + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
        out += Array(header.utf8)
        tensor.withUnsafeBytes { out += $0 }
        return out
    }

    /// Writes a dense tensor to a `.npy` file.
    public static func write(_ tensor: Tensor, to url: URL) throws {
        try Data(encode(tensor)).write(to: url)
    }

    // MARK: - Header parsing

    private static func stringValue(
        of key: String, in header: String, _ fail: (String) -> NumpyFormatError
    ) throws -> String {
        guard let keyRange = header.range(of: "'\(key)':") else { throw fail("header has no '\(key)'") }
        let rest = header[keyRange.upperBound...].drop { $0 == " " }
        guard let quote = rest.first, quote == "'" || quote == "\"" else { throw fail("'\(key)' is not a string") }
        let body = rest.dropFirst()
        guard let end = body.firstIndex(of: quote) else { throw fail("unterminated '\(key)'") }
        return String(body[..<end])
    }

    private static func shapeValue(in header: String, _ fail: (String) -> NumpyFormatError) throws -> [Int] {
        guard let keyRange = header.range(of: "'shape':") else { throw fail("header has no 'shape'") }
        let rest = header[keyRange.upperBound...].drop { $0 == " " }
        guard rest.first == "(", let close = rest.firstIndex(of: ")") else { throw fail("'shape' is not a tuple") }
        let inner = rest[rest.index(after: rest.startIndex)..<close]
        var dims: [Int] = []
        for part in inner.split(separator: ",") {
            let text = part.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            guard let d = Int(text), d >= 0 else { throw fail("bad dimension '\(text)' in shape") }
            dims.append(d)
        }
        return dims
    }
}

/// A `.npy` file that could not be read or written.
public struct NumpyFormatError: Error, CustomStringConvertible, Sendable {
    public let source: String
    public let reason: String
    public var description: String { "\(source): \(reason)" }
}
