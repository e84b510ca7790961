import Foundation
import Testing
import Tensors
import TestSupport

private struct Case: Decodable {
    let dtype: String
    let shape: [Int]
    let values: [Double]
}

private let manifest: [String: Case] = {
    let data = try! Data(contentsOf: Fixtures.url("tensors/npy_manifest.json"))
    return try! JSONDecoder().decode([String: Case].self, from: data)
}()

private func doubles(_ t: Tensor) -> [Double] {
    switch t.elementType {
    case .float32: return t.scalars(as: Float.self).map(Double.init)
    case .float64: return t.scalars(as: Double.self)
    case .int16: return t.scalars(as: Int16.self).map(Double.init)
    case .int32: return t.scalars(as: Int32.self).map(Double.init)
    case .int64: return t.scalars(as: Int64.self).map(Double.init)
    case .uint8: return t.scalars(as: UInt8.self).map(Double.init)
    case .bool: return t.scalars(as: Bool.self).map { $0 ? 1 : 0 }
    default: return []
    }
}

@Test(arguments: manifest.keys.sorted())
func readsNumpyWrittenFile(name: String) throws {
    let expected = try #require(manifest[name])
    let tensor = try NumpyFile.read(Fixtures.url("tensors/\(name).npy"))
    #expect(tensor.shape.dimensions == expected.shape)
    #expect(doubles(tensor) == expected.values)
}

@Test(arguments: manifest.keys.sorted())
func writesBytesNumpyWrote(name: String) throws {
    let url = Fixtures.url("tensors/\(name).npy")
    let original = [UInt8](try Data(contentsOf: url))
    let reencoded = try NumpyFile.encode(try NumpyFile.decode(original))
    // NumPy pads the header to 64 bytes exactly as we do, so the files are byte-identical.
    #expect(reencoded == original)
}

@Test func refusesTruncatedAndForeignFiles() throws {
    let original = [UInt8](try Data(contentsOf: Fixtures.url("tensors/f32_2x3.npy")))
    for cut in [0, 5, 9, 20, original.count - 1] {
        #expect(throws: NumpyFormatError.self) { try NumpyFile.decode(Array(original.prefix(cut))) }
    }
    #expect(throws: NumpyFormatError.self) { try NumpyFile.decode(Array("PK\u{3}\u{4}not numpy".utf8)) }
}

@Test func tensorBasics() {
    let t = Tensor(shape: [2, 3], scalars: [Float](stride(from: 0, to: 6, by: 1)))
    #expect(t.shape.strides == [3, 1])
    #expect(t.reshaped(to: [3, 2]).scalars(as: Float.self) == [0, 1, 2, 3, 4, 5])
    #expect(Tensor.zeros(.int64, shape: [4]).scalars(as: Int64.self) == [0, 0, 0, 0])
    #expect(Shape([2, -1]).checkedElementCount == nil)
    #expect(Shape([Int.max, 2]).checkedElementCount == nil)
}
