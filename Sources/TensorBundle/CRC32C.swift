import CKernels

/// CRC32C (Castagnoli, reflected polynomial `0x82F63B78`) and LevelDB's masking of stored CRCs.
///
/// Tables and bundle entries never store a CRC as is: they store `mask(crc)`, a rotation plus a
/// constant, so that a CRC of data that itself holds CRCs stays well distributed.
public enum CRC32C {
    /// `kMaskDelta` in TensorFlow's `crc32c.h`.
    public static let maskDelta: UInt32 = 0xA282_EAD8

    /// The CRC32C of `bytes`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        extend(0, bytes)
    }

    /// The CRC32C of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    /// Continues the (unmasked) running CRC `crc` over `bytes`: `extend(checksum(a), b) == checksum(a + b)`.
    public static func extend(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return crc }
        return ck_crc32c_extend(crc, base, bytes.count)
    }

    /// Rotate right by 15 bits, then add `maskDelta` (mod 2^32).
    public static func mask(_ crc: UInt32) -> UInt32 {
        ((crc >> 15) | (crc << 17)) &+ maskDelta
    }

    /// The inverse of `mask`.
    public static func unmask(_ masked: UInt32) -> UInt32 {
        let rotated = masked &- maskDelta
        return (rotated >> 17) | (rotated << 15)
    }
}
