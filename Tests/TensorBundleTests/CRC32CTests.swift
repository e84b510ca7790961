import Foundation
import TensorBundle
import Testing

// MARK: - CRC32C vectors (spec 6.2: crc32c_test.cc, RFC 3720 B.4)

@Test(arguments: [
    ([UInt8](repeating: 0x00, count: 32), UInt32(0x8A91_36AA)),
    ([UInt8](repeating: 0xFF, count: 32), UInt32(0x62A8_AB43)),
    ((0 ..< 32).map { UInt8($0) }, UInt32(0x46DD_794E)),
    ((0 ..< 32).reversed().map { UInt8($0) }, UInt32(0x113F_DB5C)),
    (Array("123456789".utf8), UInt32(0xE306_9283)),
])
func crc32cMatchesPublishedVectors(bytes: [UInt8], expected: UInt32) {
    #expect(CRC32C.checksum(bytes) == expected)
}

@Test func crc32cExtendEqualsChecksumOfConcatenation() {
    var generator = SplitMix64(seed: 1)
    let bytes = (0 ..< 4099).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    let whole = CRC32C.checksum(bytes)
    for split in [0, 1, 7, 8, 9, 63, 64, 1000, 4098, 4099] {
        let first = bytes[..<split].withUnsafeBytes { CRC32C.checksum($0) }
        let joined = bytes[split...].withUnsafeBytes { CRC32C.extend(first, $0) }
        #expect(joined == whole, "split at \(split)")
    }
}

/// Every length and misalignment gives the textbook result, whichever code path runs.
@Test func crc32cIsIndependentOfAlignmentAndLength() {
    var generator = SplitMix64(seed: 2)
    let bytes = (0 ..< 300).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    for start in 0 ..< 9 {
        for end in stride(from: start, through: bytes.count, by: 13) {
            let slice = Array(bytes[start ..< end])
            #expect(bytes[start ..< end].withUnsafeBytes { CRC32C.checksum($0) } == bitwiseCRC32C(slice))
        }
    }
}

@Test func maskMatchesTensorFlowAndInverts() {
    // From spec 6.8: the slice entry's and the string tensor's stored CRCs.
    #expect(CRC32C.mask(0x5935_092E) == 0xB4DF_9D42)
    #expect(CRC32C.mask(0x7230_9E27) == 0xDED1_CF39)
    #expect(CRC32C.mask(0x7554_1D42) == 0xDD07_D580)
    var generator = SplitMix64(seed: 3)
    for _ in 0 ..< 1000 {
        let value = UInt32(truncatingIfNeeded: generator.next())
        #expect(CRC32C.unmask(CRC32C.mask(value)) == value)
    }
}

// MARK: - Helpers

/// The textbook bit-at-a-time CRC32C, as an independent reference.
func bitwiseCRC32C(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0 ..< 8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
    }
    return ~crc
}

/// A small deterministic generator for seeded tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Buffers long enough for the three-stream hardware path (blocks of 3 x 8192 and 3 x 256 bytes).
@Test(arguments: [0, 767, 768, 769, 24_575, 24_576, 24_583, 100_003])
func crc32cOfLongBuffersMatchesTheReference(length: Int) {
    var generator = SplitMix64(seed: UInt64(length))
    let bytes = (0 ..< length + 5).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    for start in [0, 3] {
        let slice = Array(bytes[start ..< start + length])
        #expect(bytes[start ..< start + length].withUnsafeBytes { CRC32C.checksum($0) } == bitwiseCRC32C(slice))
    }
}
