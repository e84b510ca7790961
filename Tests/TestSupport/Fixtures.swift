import Foundation
import Tensors

/// Locates committed test data under `Tests/Fixtures/` from any test target.
public enum Fixtures {
    /// The repository root, found from this source file's location.
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // TestSupport
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    /// `Tests/Fixtures/<relativePath>`.
    public static func url(_ relativePath: String) -> URL {
        repositoryRoot.appendingPathComponent("Tests/Fixtures").appendingPathComponent(relativePath)
    }
}

extension Fixtures {
    /// `oracle_hub.formula_inputs(batch, height, width)` of `Tests/Fixtures/nasnet/oracle_hub.py`: the
    /// deterministic `[batch, height, width, 3]` images in [0, 1) the generators feed TensorFlow, element
    /// `i` being `((i * 2654435761 + 12345) mod 2^32 >> 8) / 2^24`.
    public static func formulaImages(batch: Int, height: Int, width: Int) -> Tensor {
        Tensor(shape: [batch, height, width, 3], of: Float.self) { out in
            for i in 0..<out.count {
                out[i] = Float((UInt32(truncatingIfNeeded: i) &* 2_654_435_761 &+ 12345) >> 8) / 16_777_216
            }
        }
    }
}
