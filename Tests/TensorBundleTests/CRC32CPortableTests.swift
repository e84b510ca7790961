import CKernels
import Testing

/// The portable slicing-by-8 path, which machines without SSE4.2 use, gives the reference result too.
@Test(arguments: [0, 1, 7, 8, 9, 31, 32, 33, 1000, 24_583])
func portableCRC32CMatchesTheReference(length: Int) {
    var generator = SplitMix64(seed: 99 &+ UInt64(length))
    let bytes = (0 ..< length + 3).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    for start in [0, 1, 3] {
        let slice = Array(bytes[start ..< start + length])
        let portable = slice.withUnsafeBytes { ck_crc32c_extend_portable(0, $0.baseAddress, $0.count) }
        #expect(portable == bitwiseCRC32C(slice))
    }
}
