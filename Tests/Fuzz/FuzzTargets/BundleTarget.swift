import Foundation
import TensorBundle

// MARK: - Tensor bundle

enum BundleTarget {
    static let prefix = Scratch.root.appendingPathComponent("bundle")

    /// Splits `[u32 LE index length][index][data]`, writes `bundle.index` and
    /// `bundle.data-00000-of-00001`, opens the bundle and reads every entry and tensor.
    static func run(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= 4 else { return }
        let declared = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16 | Int(bytes[3]) << 24
        let indexLength = min(declared, bytes.count - 4)
        Scratch.write(UnsafeRawBufferPointer(rebasing: bytes[4 ..< 4 + indexLength]),
                      to: URL(fileURLWithPath: prefix.path + ".index"))
        Scratch.write(UnsafeRawBufferPointer(rebasing: bytes[(4 + indexLength)...]),
                      to: URL(fileURLWithPath: prefix.path + ".data-00000-of-00001"))
        guard let reader = try? BundleReader(prefix: prefix) else { return }
        _ = try? reader.entries()
        for key in reader.keys.prefix(64) {
            _ = try? reader.tensor(forKey: key)
        }
    }
}

extension FuzzTarget {
    /// The fuzz input for a bundle on disk (how `scripts/fuzz` turns fixtures into seeds).
    public static func bundleInput(index: [UInt8], data: [UInt8]) -> [UInt8] {
        let count = UInt32(index.count)
        return [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: count >> $0) } + index + data
    }
}
