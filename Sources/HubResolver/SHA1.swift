// MARK: - SHA-1

/// SHA-1 (FIPS 180-4), used only to name cache folders the way tensorflow_hub does:
/// `sha1(handle.encode("utf-8")).hexdigest()`. Not for security.
public enum SHA1 {
    /// The 40 lowercase hex digits of the SHA-1 of `string`'s UTF-8 bytes.
    public static func hexDigest(of string: String) -> String {
        hexDigest(of: Array(string.utf8))
    }

    /// The 40 lowercase hex digits of the SHA-1 of `bytes`.
    public static func hexDigest(of bytes: [UInt8]) -> String {
        let words = digest(of: bytes)
        var text = ""
        for word in words {
            let hex = String(word, radix: 16)
            text += String(repeating: "0", count: 8 - hex.count) + hex
        }
        return text
    }

    private static func digest(of bytes: [UInt8]) -> [UInt32] {
        var h: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
        var message = bytes
        let bitLength = UInt64(bytes.count) &* 8
        message.append(0x80)
        while message.count % 64 != 56 { message.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) {
            message.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
        }
        var w = [UInt32](repeating: 0, count: 80)
        for blockStart in stride(from: 0, to: message.count, by: 64) {
            for i in 0..<16 {
                let p = blockStart + 4 * i
                w[i] = UInt32(message[p]) << 24 | UInt32(message[p + 1]) << 16
                    | UInt32(message[p + 2]) << 8 | UInt32(message[p + 3])
            }
            for i in 16..<80 {
                w[i] = rotateLeft(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1)
            }
            var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4]
            for i in 0..<80 {
                let f: UInt32
                let k: UInt32
                switch i {
                case 0..<20: f = (b & c) | (~b & d); k = 0x5A82_7999
                case 20..<40: f = b ^ c ^ d; k = 0x6ED9_EBA1
                case 40..<60: f = (b & c) | (b & d) | (c & d); k = 0x8F1B_BCDC
                default: f = b ^ c ^ d; k = 0xCA62_C1D6
                }
                let t = rotateLeft(a, 5) &+ f &+ e &+ k &+ w[i]
                e = d; d = c; c = rotateLeft(b, 30); b = a; a = t
            }
            h[0] = h[0] &+ a; h[1] = h[1] &+ b; h[2] = h[2] &+ c; h[3] = h[3] &+ d; h[4] = h[4] &+ e
        }
        return h
    }

    private static func rotateLeft(_ x: UInt32, _ n: UInt32) -> UInt32 {
        (x << n) | (x >> (32 - n))
    }
}
