import Tensors

// MARK: - Element type conversion with TensorFlow's CPU rules

extension ArrayKernels {
    /// Whether `cast(_:to:)` supports this conversion (any pair of numeric/bool types, or string to
    /// string).
    public static func canCast(from source: ElementType, to destination: ElementType) -> Bool {
        (source == .string) == (destination == .string)
    }

    /// Converts every element as TensorFlow's CPU `Cast` does: float to integer truncates toward zero;
    /// NaN and out-of-range values give the x86 "integer indefinite" (`Int32.min`, or `Int64.min` for
    /// 64-bit targets) before narrowing to 8/16-bit types by wrapping; integers wrap; floats round to
    /// nearest; anything to bool is `x != 0`; bool is 0 or 1.
    public static func cast(_ input: Tensor, to type: ElementType) -> Tensor {
        precondition(canCast(from: input.elementType, to: type), "cast \(input.elementType) to \(type)")
        if input.elementType == type { return input }
        switch input.elementType {
        case .float32: return cast(input, Float.self, to: type)
        case .float64: return cast(input, Double.self, to: type)
        case .int8: return cast(input, Int8.self, to: type)
        case .int16: return cast(input, Int16.self, to: type)
        case .int32: return cast(input, Int32.self, to: type)
        case .int64: return cast(input, Int64.self, to: type)
        case .uint8: return cast(input, UInt8.self, to: type)
        case .uint16: return cast(input, UInt16.self, to: type)
        case .uint32: return cast(input, UInt32.self, to: type)
        case .uint64: return cast(input, UInt64.self, to: type)
        case .bool: return cast(input, Bool.self, to: type)
        case .string: return input
        }
    }

    private static func cast<S: CastSource>(_ input: Tensor, _: S.Type, to type: ElementType) -> Tensor {
        input.withUnsafeBufferPointer(as: S.self) { source in
            switch type {
            case .float32: return convert(source, input.shape, Float.self)
            case .float64: return convert(source, input.shape, Double.self)
            case .int8: return convert(source, input.shape, Int8.self)
            case .int16: return convert(source, input.shape, Int16.self)
            case .int32: return convert(source, input.shape, Int32.self)
            case .int64: return convert(source, input.shape, Int64.self)
            case .uint8: return convert(source, input.shape, UInt8.self)
            case .uint16: return convert(source, input.shape, UInt16.self)
            case .uint32: return convert(source, input.shape, UInt32.self)
            case .uint64: return convert(source, input.shape, UInt64.self)
            case .bool: return convert(source, input.shape, Bool.self)
            case .string: preconditionFailure("cast to string")
            }
        }
    }

    private static func convert<S: CastSource, D: CastDestination>(
        _ source: UnsafeBufferPointer<S>, _ shape: Shape, _: D.Type
    ) -> Tensor {
        Tensor(shape: shape, of: D.self) { destination in
            for i in 0..<source.count { destination[i] = D(castValue: source[i].castValue) }
        }
    }
}

// MARK: - Conversion rules

/// An element on its way between types: floats widen to `Double`, integers to 64 bits (exact).
enum CastValue {
    case floating(Double)
    case signed(Int64)
    case unsigned(UInt64)
}

protocol CastSource: TensorScalar { var castValue: CastValue { get } }
protocol CastDestination: TensorScalar { init(castValue: CastValue) }

extension Float: CastSource { var castValue: CastValue { .floating(Double(self)) } }
extension Double: CastSource { var castValue: CastValue { .floating(self) } }
extension Int8: CastSource { var castValue: CastValue { .signed(Int64(self)) } }
extension Int16: CastSource { var castValue: CastValue { .signed(Int64(self)) } }
extension Int32: CastSource { var castValue: CastValue { .signed(Int64(self)) } }
extension Int64: CastSource { var castValue: CastValue { .signed(self) } }
extension UInt8: CastSource { var castValue: CastValue { .unsigned(UInt64(self)) } }
extension UInt16: CastSource { var castValue: CastValue { .unsigned(UInt64(self)) } }
extension UInt32: CastSource { var castValue: CastValue { .unsigned(UInt64(self)) } }
extension UInt64: CastSource { var castValue: CastValue { .unsigned(self) } }
extension Bool: CastSource { var castValue: CastValue { .signed(self ? 1 : 0) } }

extension Float: CastDestination {
    init(castValue: CastValue) {
        switch castValue {
        case .floating(let d): self = Float(d)
        case .signed(let i): self = Float(i)
        case .unsigned(let u): self = Float(u)
        }
    }
}

extension Double: CastDestination {
    init(castValue: CastValue) {
        switch castValue {
        case .floating(let d): self = d
        case .signed(let i): self = Double(i)
        case .unsigned(let u): self = Double(u)
        }
    }
}

extension Bool: CastDestination {
    init(castValue: CastValue) {
        switch castValue {
        case .floating(let d): self = d != 0 || d.isNaN
        case .signed(let i): self = i != 0
        case .unsigned(let u): self = u != 0
        }
    }
}

/// x86 `cvttsd2si`: truncation toward zero; NaN and out-of-range give the "integer indefinite" value.
@inline(__always)
func truncatedToInt32(_ d: Double) -> Int32 {
    let t = d.rounded(.towardZero)
    return t >= -2_147_483_648.0 && t < 2_147_483_648.0 ? Int32(t) : Int32.min
}

@inline(__always)
func truncatedToInt64(_ d: Double) -> Int64 {
    let t = d.rounded(.towardZero)
    return t >= -9_223_372_036_854_775_808.0 && t < 9_223_372_036_854_775_808.0 ? Int64(t) : Int64.min
}

/// Integer destinations: 8/16/32-bit ones narrow a 32-bit conversion, 64-bit and `UInt32` ones a
/// 64-bit conversion (as compiled C++ `static_cast` does on x86-64).
protocol IntegerCastDestination: CastDestination, FixedWidthInteger {}

extension IntegerCastDestination {
    init(castValue: CastValue) {
        switch castValue {
        case .floating(let d):
            self = Self.bitWidth == 64 || Self.self == UInt32.self
                ? Self(truncatingIfNeeded: truncatedToInt64(d))
                : Self(truncatingIfNeeded: truncatedToInt32(d))
        case .signed(let i): self = Self(truncatingIfNeeded: i)
        case .unsigned(let u): self = Self(truncatingIfNeeded: u)
        }
    }
}

extension Int8: IntegerCastDestination {}
extension Int16: IntegerCastDestination {}
extension Int32: IntegerCastDestination {}
extension Int64: IntegerCastDestination {}
extension UInt8: IntegerCastDestination {}
extension UInt16: IntegerCastDestination {}
extension UInt32: IntegerCastDestination {}
extension UInt64: IntegerCastDestination {}
