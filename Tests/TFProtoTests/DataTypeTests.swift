import Testing
import TFProto

// (value, TF name, tf.as_dtype(value).size from TF 2.21; nil where TF reports 0 = variable size)
@Test(arguments: [
    (1, "DT_FLOAT", 4), (2, "DT_DOUBLE", 8), (3, "DT_INT32", 4), (4, "DT_UINT8", 1), (5, "DT_INT16", 2),
    (6, "DT_INT8", 1), (7, "DT_STRING", nil), (8, "DT_COMPLEX64", 8), (9, "DT_INT64", 8), (10, "DT_BOOL", 1),
    (11, "DT_QINT8", 1), (12, "DT_QUINT8", 1), (13, "DT_QINT32", 4), (14, "DT_BFLOAT16", 2),
    (15, "DT_QINT16", 2), (16, "DT_QUINT16", 2), (17, "DT_UINT16", 2), (18, "DT_COMPLEX128", 16),
    (19, "DT_HALF", 2), (20, "DT_RESOURCE", nil), (21, "DT_VARIANT", nil), (22, "DT_UINT32", 4),
    (23, "DT_UINT64", 8), (24, "DT_FLOAT8_E5M2", 1), (25, "DT_FLOAT8_E4M3FN", 1), (26, "DT_FLOAT8_E4M3FNUZ", 1),
    (27, "DT_FLOAT8_E4M3B11FNUZ", 1), (28, "DT_FLOAT8_E5M2FNUZ", 1), (29, "DT_INT4", 1), (30, "DT_UINT4", 1),
    (31, "DT_INT2", 1), (32, "DT_UINT2", 1), (33, "DT_FLOAT4_E2M1FN", 1),
] as [(Int32, String, Int?)])
func dataTypeNameAndSize(value: Int32, name: String, size: Int?) {
    let type = DataType(rawValue: value)
    #expect(type.description == name)
    #expect(type.byteSize == size)
    #expect(!type.isReference)
    #expect(DataType(name: name) == type)

    let reference = type.referenceType
    #expect(reference.rawValue == value + 100)
    #expect(reference.description == name + "_REF")
    #expect(reference.isReference)
    #expect(reference.baseType == type)
    #expect(reference.byteSize == size)
    #expect(DataType(name: name + "_REF") == reference)
}

@Test func unknownDataTypeSurvives() {
    let type = DataType(rawValue: 77)
    #expect(type.description == "DataType(77)")
    #expect(!type.isReference)
    #expect(type.byteSize == nil)
    #expect(DataType.invalid.description == "DT_INVALID")
    #expect(DataType(rawValue: 100).isReference == false)
    #expect(DataType.floatRef == DataType.float.referenceType)
}
