/// TensorFlow's Philox4x32-10 counter-based generator (`tsl::random::PhiloxRandom`): each call returns four
/// 32-bit words for the current 128-bit counter and then advances the counter by one.
public struct Philox4x32: Sendable, Hashable {
    public private(set) var counter: (UInt32, UInt32, UInt32, UInt32)
    public let key: (UInt32, UInt32)

    /// TensorFlow's `PhiloxRandom(seed_lo, seed_hi)`: the key is `seed_lo`, the upper half of the counter
    /// is `seed_hi`.
    public init(seedLow: UInt64, seedHigh: UInt64) {
        key = (UInt32(truncatingIfNeeded: seedLow), UInt32(truncatingIfNeeded: seedLow >> 32))
        counter = (0, 0, UInt32(truncatingIfNeeded: seedHigh), UInt32(truncatingIfNeeded: seedHigh >> 32))
    }

    /// Advances the 128-bit counter by `count` (TensorFlow's `Skip`).
    public mutating func skip(_ count: UInt64) {
        let low = UInt32(truncatingIfNeeded: count)
        var high = UInt32(truncatingIfNeeded: count >> 32)
        counter.0 &+= low
        if counter.0 < low { high &+= 1 }
        counter.1 &+= high
        if counter.1 < high {
            counter.2 &+= 1
            if counter.2 == 0 { counter.3 &+= 1 }
        }
    }

    /// Ten rounds on the current counter, then the counter advances by one.
    public mutating func next() -> (UInt32, UInt32, UInt32, UInt32) {
        var c = counter
        var k = key
        for round in 0..<10 {
            if round > 0 {
                k.0 &+= 0x9E37_79B9
                k.1 &+= 0xBB67_AE85
            }
            let p0 = UInt64(0xD251_1F53) * UInt64(c.0)
            let p1 = UInt64(0xCD9E_8D57) * UInt64(c.2)
            c = (UInt32(truncatingIfNeeded: p1 >> 32) ^ c.1 ^ k.0, UInt32(truncatingIfNeeded: p1),
                 UInt32(truncatingIfNeeded: p0 >> 32) ^ c.3 ^ k.1, UInt32(truncatingIfNeeded: p0))
        }
        skip(1)
        return c
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.counter == b.counter && a.key == b.key
    }

    public func hash(into h: inout Hasher) {
        h.combine(counter.0); h.combine(counter.1); h.combine(counter.2); h.combine(counter.3)
        h.combine(key.0); h.combine(key.1)
    }
}

// MARK: - Conversions (tsl random_distributions_utils.h)

/// A float in [0, 1) from the low 23 bits: `bitcast(127 << 23 | mantissa) - 1`.
@inline(__always)
func uint32ToFloat(_ x: UInt32) -> Float {
    Float(bitPattern: (127 << 23) | (x & 0x7F_FFFF)) - 1
}

/// A double in [0, 1) from 52 bits: 20 from `x0`, 32 from `x1`.
@inline(__always)
func uint64ToDouble(_ x0: UInt32, _ x1: UInt32) -> Double {
    let mantissa = (UInt64(x0 & 0xF_FFFF) << 32) | UInt64(x1)
    return Double(bitPattern: (1023 << 52) | mantissa) - 1
}
