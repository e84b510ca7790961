import Foundation
import Tensors
import TensorFlowHub
import Testing
import TestSupport

// MARK: - NaN and infinite pixels through a NASNet module, against TensorFlow

/// One case of `make_nonfinite_refs.py`: formula images with some pixels replaced by NaN or +-Inf.
struct NonFinitePixelCase: Decodable, CustomStringConvertible, Sendable {
    struct Manifest: Decodable { let cases: [NonFinitePixelCase] }

    let name: String
    let batch: Int
    let tags: [String]
    /// `[image, row, column, channel, value]`, value `"nan"`, `"inf"` or `"-inf"`.
    let spots: [[Spot]]

    enum Spot: Decodable, Sendable {
        case index(Int)
        case value(String)
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let index = try? container.decode(Int.self) { self = .index(index) } else { self = .value(try container.decode(String.self)) }
        }
    }

    var description: String { name }

    static func all(in folder: URL) -> [NonFinitePixelCase] {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("nonfinite.json")),
              let manifest = try? JSONDecoder().decode(Manifest.self, from: data)
        else { return [] }
        return manifest.cases
    }

    /// `oracle_hub.formula_inputs(batch, size, size)` with the case's pixels replaced.
    func images(size: Int) -> Tensor {
        var values = [Float](repeating: 0, count: batch * size * size * 3)
        for i in values.indices {
            values[i] = Float((UInt32(truncatingIfNeeded: i) &* 2_654_435_761 &+ 12345) >> 8) / 16_777_216
        }
        for spot in spots {
            guard spot.count == 5, case .index(let n) = spot[0], case .index(let y) = spot[1], case .index(let x) = spot[2],
                  case .index(let c) = spot[3], case .value(let v) = spot[4]
            else { continue }
            values[((n * size + y) * size + x) * 3 + c] = v == "nan" ? .nan : (v == "inf" ? .infinity : -.infinity)
        }
        return Tensor(shape: [batch, size, size, 3], scalars: values)
    }

    func check(module: Module, references folder: URL) throws {
        let (size, _) = try module.getExpectedImageSize()
        let ours = try module(images(size: size))
        let tf = try NumpyFile.read(folder.appendingPathComponent("nonfinite_\(name).npy"))
        #expect(ours.shape == tf.shape)
        let comparison = NonFiniteComparison(ours, tf)
        print("non-finite pixels \(folder.lastPathComponent) \(name): \(comparison)")
        #expect(comparison.nanMismatches == 0 && comparison.infinityMismatches == 0, "\(name): \(comparison)")
        #expect(comparison.finiteRelativeError <= 1e-4, "\(name): \(comparison)")
    }
}

/// The reduced NASNet modules (slim v1, slim v3, Keras), every case of their `nonfinite.json`.
private let reducedCases: [(NASNetFixture, NonFinitePixelCase)] = NASNetFixture.allCases.flatMap { fixture in
    NonFinitePixelCase.all(in: fixture.folder).map { (fixture, $0) }
}

@Test(arguments: reducedCases.indices)
func nonFinitePixelsThroughNASNetMatchTensorFlow(_ index: Int) throws {
    let (fixture, c) = reducedCases[index]
    let module = try LoadedModules.module(fixture, tags: Set(c.tags))
    try c.check(module: module, references: fixture.folder)
}

@Test func nonFinitePixelCasesArePresent() {
    for fixture in NASNetFixture.allCases { #expect(NonFinitePixelCase.all(in: fixture.folder).count >= 7, "\(fixture)") }
    #expect(NonFinitePixelCase.all(in: Fixtures.url("nasnet/full")).count >= 7)
}
