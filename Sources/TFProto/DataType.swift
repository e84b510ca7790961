// MARK: - DataType

/// TensorFlow's `tensorflow.DataType` enum (types.proto).
///
/// A struct rather than a Swift enum because proto3 enums are open: a value this package does not
/// know (from a newer TensorFlow) survives decoding and prints as `DataType(<number>)`.
/// `_REF` variants (value + 100) mark reference-typed outputs of TF1 `VariableV2` nodes.
public struct DataType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let invalid = DataType(rawValue: 0)
    public static let float = DataType(rawValue: 1)
    public static let double = DataType(rawValue: 2)
    public static let int32 = DataType(rawValue: 3)
    public static let uint8 = DataType(rawValue: 4)
    public static let int16 = DataType(rawValue: 5)
    public static let int8 = DataType(rawValue: 6)
    public static let string = DataType(rawValue: 7)
    public static let complex64 = DataType(rawValue: 8)
    public static let int64 = DataType(rawValue: 9)
    public static let bool = DataType(rawValue: 10)
    public static let qint8 = DataType(rawValue: 11)
    public static let quint8 = DataType(rawValue: 12)
    public static let qint32 = DataType(rawValue: 13)
    public static let bfloat16 = DataType(rawValue: 14)
    public static let qint16 = DataType(rawValue: 15)
    public static let quint16 = DataType(rawValue: 16)
    public static let uint16 = DataType(rawValue: 17)
    public static let complex128 = DataType(rawValue: 18)
    public static let half = DataType(rawValue: 19)
    public static let resource = DataType(rawValue: 20)
    public static let variant = DataType(rawValue: 21)
    public static let uint32 = DataType(rawValue: 22)
    public static let uint64 = DataType(rawValue: 23)
    public static let float8E5M2 = DataType(rawValue: 24)
    public static let float8E4M3FN = DataType(rawValue: 25)
    public static let float8E4M3FNUZ = DataType(rawValue: 26)
    public static let float8E4M3B11FNUZ = DataType(rawValue: 27)
    public static let float8E5M2FNUZ = DataType(rawValue: 28)
    public static let int4 = DataType(rawValue: 29)
    public static let uint4 = DataType(rawValue: 30)
    public static let int2 = DataType(rawValue: 31)
    public static let uint2 = DataType(rawValue: 32)
    public static let float4E2M1FN = DataType(rawValue: 33)

    public static let floatRef = DataType(rawValue: 101)
    public static let doubleRef = DataType(rawValue: 102)
    public static let int32Ref = DataType(rawValue: 103)
    public static let uint8Ref = DataType(rawValue: 104)
    public static let int16Ref = DataType(rawValue: 105)
    public static let int8Ref = DataType(rawValue: 106)
    public static let stringRef = DataType(rawValue: 107)
    public static let complex64Ref = DataType(rawValue: 108)
    public static let int64Ref = DataType(rawValue: 109)
    public static let boolRef = DataType(rawValue: 110)
    public static let qint8Ref = DataType(rawValue: 111)
    public static let quint8Ref = DataType(rawValue: 112)
    public static let qint32Ref = DataType(rawValue: 113)
    public static let bfloat16Ref = DataType(rawValue: 114)
    public static let qint16Ref = DataType(rawValue: 115)
    public static let quint16Ref = DataType(rawValue: 116)
    public static let uint16Ref = DataType(rawValue: 117)
    public static let complex128Ref = DataType(rawValue: 118)
    public static let halfRef = DataType(rawValue: 119)
    public static let resourceRef = DataType(rawValue: 120)
    public static let variantRef = DataType(rawValue: 121)
    public static let uint32Ref = DataType(rawValue: 122)
    public static let uint64Ref = DataType(rawValue: 123)
    public static let float8E5M2Ref = DataType(rawValue: 124)
    public static let float8E4M3FNRef = DataType(rawValue: 125)
    public static let float8E4M3FNUZRef = DataType(rawValue: 126)
    public static let float8E4M3B11FNUZRef = DataType(rawValue: 127)
    public static let float8E5M2FNUZRef = DataType(rawValue: 128)
    public static let int4Ref = DataType(rawValue: 129)
    public static let uint4Ref = DataType(rawValue: 130)
    public static let int2Ref = DataType(rawValue: 131)
    public static let uint2Ref = DataType(rawValue: 132)
    public static let float4E2M1FNRef = DataType(rawValue: 133)

    /// Offset between a type and its `_REF` variant.
    static let referenceOffset: Int32 = 100

    /// Whether this is a `_REF` variant (a reference to a TF1 variable's buffer).
    public var isReference: Bool { rawValue > Self.referenceOffset && Self.baseNames[rawValue - Self.referenceOffset] != nil }

    /// The value type behind a `_REF` variant; `self` for any other type.
    public var baseType: DataType { isReference ? DataType(rawValue: rawValue - Self.referenceOffset) : self }

    /// The `_REF` variant of this type (`self` when already a reference or unknown).
    public var referenceType: DataType {
        Self.baseNames[rawValue] != nil && rawValue != 0 ? DataType(rawValue: rawValue + Self.referenceOffset) : self
    }

    /// Bytes per element in a dense tensor buffer, as TensorFlow's `tf.as_dtype(x).size` reports
    /// (4-bit and 2-bit types take a whole byte); `nil` for `string`, `resource`, `variant`,
    /// `invalid` and unknown values. A `_REF` type has its base type's size.
    public var byteSize: Int? {
        switch baseType.rawValue {
        case 1, 3, 13, 22: return 4  // float, int32, qint32, uint32
        case 2, 8, 9, 23: return 8  // double, complex64, int64, uint64
        case 4, 6, 10, 11, 12, 24...33: return 1  // uint8, int8, bool, qint8, quint8, float8*, int4...
        case 5, 14, 15, 16, 17, 19: return 2  // int16, bfloat16, qint16, quint16, uint16, half
        case 18: return 16  // complex128
        default: return nil
        }
    }

    /// TensorFlow's enum name, e.g. `DT_FLOAT`, `DT_FLOAT_REF`; `DataType(<n>)` when unknown.
    public var description: String {
        if let name = Self.baseNames[rawValue] { return name }
        if isReference, let name = Self.baseNames[rawValue - Self.referenceOffset] { return name + "_REF" }
        return "DataType(\(rawValue))"
    }

    /// Looks a type up by TensorFlow's enum name (`DT_HALF`, `DT_INT32_REF`).
    public init?(name: String) {
        if let value = Self.baseNames.first(where: { $0.value == name })?.key {
            self.init(rawValue: value)
        } else if name.hasSuffix("_REF"),
                  let value = Self.baseNames.first(where: { $0.value == String(name.dropLast(4)) })?.key,
                  value != 0 {
            self.init(rawValue: value + Self.referenceOffset)
        } else {
            return nil
        }
    }

    private static let baseNames: [Int32: String] = [
        0: "DT_INVALID", 1: "DT_FLOAT", 2: "DT_DOUBLE", 3: "DT_INT32", 4: "DT_UINT8", 5: "DT_INT16",
        6: "DT_INT8", 7: "DT_STRING", 8: "DT_COMPLEX64", 9: "DT_INT64", 10: "DT_BOOL", 11: "DT_QINT8",
        12: "DT_QUINT8", 13: "DT_QINT32", 14: "DT_BFLOAT16", 15: "DT_QINT16", 16: "DT_QUINT16",
        17: "DT_UINT16", 18: "DT_COMPLEX128", 19: "DT_HALF", 20: "DT_RESOURCE", 21: "DT_VARIANT",
        22: "DT_UINT32", 23: "DT_UINT64", 24: "DT_FLOAT8_E5M2", 25: "DT_FLOAT8_E4M3FN",
        26: "DT_FLOAT8_E4M3FNUZ", 27: "DT_FLOAT8_E4M3B11FNUZ", 28: "DT_FLOAT8_E5M2FNUZ", 29: "DT_INT4",
        30: "DT_UINT4", 31: "DT_INT2", 32: "DT_UINT2", 33: "DT_FLOAT4_E2M1FN",
    ]
}
