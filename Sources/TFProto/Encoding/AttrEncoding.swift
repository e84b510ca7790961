internal import CProtobufC
internal import CTFProtos

// MARK: - AttrValue, NameAttrList

extension AttrValue: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__AttrValue> {
        let c = arena.message(tensorflow__attr_value__init)
        switch self {
        case .list(let value):
            c.pointee.value_case = TENSORFLOW__ATTR_VALUE__VALUE_LIST
            c.pointee.list = value.encode(in: arena)
        case .s(let value):
            c.pointee.value_case = TENSORFLOW__ATTR_VALUE__VALUE_S
            c.pointee.s = arena.bytes(value)
        case .i(let value):
            c.pointee.value_case = TENSORFLOW__ATTR_VALUE__VALUE_I
            c.pointee.i = value
        case .f(let value):
            c.pointee.value_case = TENSORFLOW__ATTR_VALUE__VALUE_F
            c.pointee.f = value
        case .b(let value):
            c.pointee.value_case = TENSORFLOW__ATTR_VALUE__VALUE_B
            c.pointee.b = cBool(value)
        case .type(let value):
            c.pointee.value_case = TENSORFLOW__ATTR_VALUE__VALUE_TYPE
            c.pointee.type = cEnum(value.rawValue)
        case .shape(let value):
            c.pointee.value_case = TENSORFLOW__ATTR_VALUE__VALUE_SHAPE
            c.pointee.shape = value.encode(in: arena)
        case .tensor(let value):
            c.pointee.value_case = TENSORFLOW__ATTR_VALUE__VALUE_TENSOR
            c.pointee.tensor = value.encode(in: arena)
        case .placeholder(let value):
            c.pointee.value_case = TENSORFLOW__ATTR_VALUE__VALUE_PLACEHOLDER
            c.pointee.placeholder = arena.string(value)
        case .func(let value):
            c.pointee.value_case = TENSORFLOW__ATTR_VALUE__VALUE_FUNC
            c.pointee.func = value.encode(in: arena)
        case .unset:
            break
        }
        return c
    }
}

extension AttrValue.ListValue: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__AttrValue__ListValue> {
        let c = arena.message(tensorflow__attr_value__list_value__init)
        c.pointee.n_s = s.count
        c.pointee.s = arena.byteArrays(s)
        c.pointee.n_i = i.count
        c.pointee.i = arena.array(i)
        c.pointee.n_f = f.count
        c.pointee.f = arena.array(f)
        c.pointee.n_b = b.count
        c.pointee.b = arena.bools(b)
        c.pointee.n_type = type.count
        c.pointee.type = arena.array(type) { cEnum($0.rawValue) }
        c.pointee.n_shape = shape.count
        c.pointee.shape = arena.messages(shape) { $0.encode(in: arena) }
        c.pointee.n_tensor = tensor.count
        c.pointee.tensor = arena.messages(tensor) { $0.encode(in: arena) }
        c.pointee.n_func = self.func.count
        c.pointee.func = arena.messages(self.func) { $0.encode(in: arena) }
        return c
    }
}

extension NameAttrList: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__NameAttrList> {
        let c = arena.message(tensorflow__name_attr_list__init)
        c.pointee.name = arena.string(name)
        (c.pointee.n_attr, c.pointee.attr) = cAttrMap(attr, tensorflow__name_attr_list__attr_entry__init, arena)
        return c
    }
}

/// A `map<string, AttrValue>` field in sorted key order, whatever entry struct protoc-c generated for it.
func cAttrMap<Entry: AttrEntry>(
    _ attr: [String: AttrValue], _ initialise: (UnsafeMutablePointer<Entry>?) -> Void, _ arena: CArena
) -> (Int, UnsafeMutablePointer<UnsafeMutablePointer<Entry>?>?) {
    let keys = attr.keys.sorted()
    let entries = arena.messages(keys) { key in
        let entry = arena.message(initialise)
        entry.pointee.key = arena.string(key)
        entry.pointee.value = attr[key]!.encode(in: arena)
        return entry
    }
    return (keys.count, entries)
}

// MARK: - TensorProto, TensorShapeProto

extension TensorProto: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__TensorProto> {
        let c = arena.message(tensorflow__tensor_proto__init)
        c.pointee.dtype = cEnum(dtype.rawValue)
        if hasTensorShape || tensorShape != TensorShapeProto() { c.pointee.tensor_shape = tensorShape.encode(in: arena) }
        c.pointee.version_number = versionNumber
        c.pointee.tensor_content = arena.bytes(tensorContent)
        c.pointee.n_half_val = halfVal.count
        c.pointee.half_val = arena.array(halfVal)
        c.pointee.n_float_val = floatVal.count
        c.pointee.float_val = arena.array(floatVal)
        c.pointee.n_double_val = doubleVal.count
        c.pointee.double_val = arena.array(doubleVal)
        c.pointee.n_int_val = intVal.count
        c.pointee.int_val = arena.array(intVal)
        c.pointee.n_string_val = stringVal.count
        c.pointee.string_val = arena.byteArrays(stringVal)
        c.pointee.n_scomplex_val = scomplexVal.count
        c.pointee.scomplex_val = arena.array(scomplexVal)
        c.pointee.n_int64_val = int64Val.count
        c.pointee.int64_val = arena.array(int64Val)
        c.pointee.n_bool_val = boolVal.count
        c.pointee.bool_val = arena.bools(boolVal)
        c.pointee.n_dcomplex_val = dcomplexVal.count
        c.pointee.dcomplex_val = arena.array(dcomplexVal)
        c.pointee.n_resource_handle_val = resourceHandleVal.count
        c.pointee.resource_handle_val = arena.messages(resourceHandleVal) { $0.encode(in: arena) }
        c.pointee.n_variant_val = variantVal.count
        c.pointee.variant_val = arena.messages(variantVal) { $0.encode(in: arena) }
        c.pointee.n_uint32_val = uint32Val.count
        c.pointee.uint32_val = arena.array(uint32Val)
        c.pointee.n_uint64_val = uint64Val.count
        c.pointee.uint64_val = arena.array(uint64Val)
        c.pointee.float8_val = arena.bytes(float8Val)
        return c
    }
}

extension VariantTensorDataProto: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__VariantTensorDataProto> {
        let c = arena.message(tensorflow__variant_tensor_data_proto__init)
        c.pointee.type_name = arena.string(typeName)
        c.pointee.metadata = arena.bytes(metadata)
        c.pointee.n_tensors = tensors.count
        c.pointee.tensors = arena.messages(tensors) { $0.encode(in: arena) }
        return c
    }
}

extension TensorShapeProto: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__TensorShapeProto> {
        let c = arena.message(tensorflow__tensor_shape_proto__init)
        c.pointee.n_dim = dim.count
        c.pointee.dim = arena.messages(dim) { $0.encode(in: arena) }
        c.pointee.unknown_rank = cBool(unknownRank)
        return c
    }
}

extension TensorShapeProto.Dim: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__TensorShapeProto__Dim> {
        let c = arena.message(tensorflow__tensor_shape_proto__dim__init)
        c.pointee.size = size
        c.pointee.name = arena.string(name)
        return c
    }
}

// MARK: - ResourceHandleProto

extension ResourceHandleProto: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__ResourceHandleProto> {
        let c = arena.message(tensorflow__resource_handle_proto__init)
        c.pointee.device = arena.string(device)
        c.pointee.container = arena.string(container)
        c.pointee.name = arena.string(name)
        c.pointee.hash_code = hashCode
        c.pointee.maybe_type_name = arena.string(maybeTypeName)
        c.pointee.n_dtypes_and_shapes = dtypesAndShapes.count
        c.pointee.dtypes_and_shapes = arena.messages(dtypesAndShapes) { $0.encode(in: arena) }
        return c
    }
}

extension ResourceHandleProto.DtypeAndShape: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__ResourceHandleProto__DtypeAndShape> {
        let c = arena.message(tensorflow__resource_handle_proto__dtype_and_shape__init)
        c.pointee.dtype = cEnum(dtype.rawValue)
        if hasShape || shape != TensorShapeProto() { c.pointee.shape = shape.encode(in: arena) }
        return c
    }
}
