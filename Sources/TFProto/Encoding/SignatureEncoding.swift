internal import CProtobufC
internal import CTFProtos

// MARK: - SignatureDef, TensorInfo, AssetFileDef

extension SignatureDef: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__SignatureDef> {
        let c = arena.message(tensorflow__signature_def__init)
        let inputKeys = inputs.keys.sorted()
        c.pointee.n_inputs = inputKeys.count
        c.pointee.inputs = arena.messages(inputKeys) { key in
            let entry = arena.message(tensorflow__signature_def__inputs_entry__init)
            entry.pointee.key = arena.string(key)
            entry.pointee.value = inputs[key]!.encode(in: arena)
            return entry
        }
        let outputKeys = outputs.keys.sorted()
        c.pointee.n_outputs = outputKeys.count
        c.pointee.outputs = arena.messages(outputKeys) { key in
            let entry = arena.message(tensorflow__signature_def__outputs_entry__init)
            entry.pointee.key = arena.string(key)
            entry.pointee.value = outputs[key]!.encode(in: arena)
            return entry
        }
        c.pointee.method_name = arena.string(methodName)
        let defaultKeys = defaults.keys.sorted()
        c.pointee.n_defaults = defaultKeys.count
        c.pointee.defaults = arena.messages(defaultKeys) { key in
            let entry = arena.message(tensorflow__signature_def__defaults_entry__init)
            entry.pointee.key = arena.string(key)
            entry.pointee.value = defaults[key]!.encode(in: arena)
            return entry
        }
        return c
    }
}

extension TensorInfo: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__TensorInfo> {
        let c = arena.message(tensorflow__tensor_info__init)
        switch encoding {
        case .name(let name):
            c.pointee.encoding_case = TENSORFLOW__TENSOR_INFO__ENCODING_NAME
            c.pointee.name = arena.string(name)
        case .cooSparse(let value):
            c.pointee.encoding_case = TENSORFLOW__TENSOR_INFO__ENCODING_COO_SPARSE
            c.pointee.coo_sparse = value.encode(in: arena)
        case .compositeTensor(let value):
            c.pointee.encoding_case = TENSORFLOW__TENSOR_INFO__ENCODING_COMPOSITE_TENSOR
            c.pointee.composite_tensor = value.encode(in: arena)
        case nil:
            break
        }
        c.pointee.dtype = cEnum(dtype.rawValue)
        if hasTensorShape || tensorShape != TensorShapeProto() { c.pointee.tensor_shape = tensorShape.encode(in: arena) }
        return c
    }
}

extension TensorInfo.CooSparse: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__TensorInfo__CooSparse> {
        let c = arena.message(tensorflow__tensor_info__coo_sparse__init)
        c.pointee.values_tensor_name = arena.string(valuesTensorName)
        c.pointee.indices_tensor_name = arena.string(indicesTensorName)
        c.pointee.dense_shape_tensor_name = arena.string(denseShapeTensorName)
        return c
    }
}

extension TensorInfo.CompositeTensor: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__TensorInfo__CompositeTensor> {
        let c = arena.message(tensorflow__tensor_info__composite_tensor__init)
        c.pointee.type_spec = typeSpec?.encode(in: arena)
        c.pointee.n_components = components.count
        c.pointee.components = arena.messages(components) { $0.encode(in: arena) }
        return c
    }
}

extension TypeSpecProto: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__TypeSpecProto> {
        let c = arena.message(tensorflow__type_spec_proto__init)
        c.pointee.type_spec_class = cEnum(typeSpecClass)
        c.pointee.type_state = typeState?.encode(in: arena)
        c.pointee.type_spec_class_name = arena.string(typeSpecClassName)
        c.pointee.num_flat_components = numFlatComponents
        return c
    }
}

extension AssetFileDef: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__AssetFileDef> {
        let c = arena.message(tensorflow__asset_file_def__init)
        if hasTensorInfo || tensorInfo != TensorInfo() { c.pointee.tensor_info = tensorInfo.encode(in: arena) }
        c.pointee.filename = arena.string(filename)
        return c
    }
}

// MARK: - CollectionDef, Any

extension CollectionDef: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__CollectionDef> {
        let c = arena.message(tensorflow__collection_def__init)
        switch kind {
        case .nodeList(let values):
            let list = arena.message(tensorflow__collection_def__node_list__init)
            (list.pointee.n_value, list.pointee.value) = (values.count, arena.strings(values))
            c.pointee.kind_case = TENSORFLOW__COLLECTION_DEF__KIND_NODE_LIST
            c.pointee.node_list = list
        case .bytesList(let values):
            let list = arena.message(tensorflow__collection_def__bytes_list__init)
            (list.pointee.n_value, list.pointee.value) = (values.count, arena.byteArrays(values))
            c.pointee.kind_case = TENSORFLOW__COLLECTION_DEF__KIND_BYTES_LIST
            c.pointee.bytes_list = list
        case .int64List(let values):
            let list = arena.message(tensorflow__collection_def__int64_list__init)
            (list.pointee.n_value, list.pointee.value) = (values.count, arena.array(values))
            c.pointee.kind_case = TENSORFLOW__COLLECTION_DEF__KIND_INT64_LIST
            c.pointee.int64_list = list
        case .floatList(let values):
            let list = arena.message(tensorflow__collection_def__float_list__init)
            (list.pointee.n_value, list.pointee.value) = (values.count, arena.array(values))
            c.pointee.kind_case = TENSORFLOW__COLLECTION_DEF__KIND_FLOAT_LIST
            c.pointee.float_list = list
        case .anyList(let values):
            let list = arena.message(tensorflow__collection_def__any_list__init)
            (list.pointee.n_value, list.pointee.value) = (values.count, arena.messages(values) { $0.encode(in: arena) })
            c.pointee.kind_case = TENSORFLOW__COLLECTION_DEF__KIND_ANY_LIST
            c.pointee.any_list = list
        case .none:
            break
        }
        return c
    }
}

extension ProtoAny: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Google__Protobuf__Any> {
        let c = arena.message(google__protobuf__any__init)
        c.pointee.type_url = arena.string(typeURL)
        c.pointee.value = arena.bytes(value)
        return c
    }

    /// `message` packed as an `Any`: type URL `type.googleapis.com/<full message name>`.
    public init<M: ProtoEncodable>(packing message: M) throws {
        self.init(typeURL: "type.googleapis.com/" + M.protoMessageName, value: try message.serializedBytes())
    }
}

// MARK: - SaverDef, VariableDef

extension SaverDef: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__SaverDef> {
        let c = arena.message(tensorflow__saver_def__init)
        c.pointee.filename_tensor_name = arena.string(filenameTensorName)
        c.pointee.save_tensor_name = arena.string(saveTensorName)
        c.pointee.restore_op_name = arena.string(restoreOpName)
        c.pointee.max_to_keep = maxToKeep
        c.pointee.sharded = cBool(sharded)
        c.pointee.keep_checkpoint_every_n_hours = keepCheckpointEveryNHours
        c.pointee.version = cEnum(version.rawValue)
        return c
    }
}

extension VariableDef: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__VariableDef> {
        let c = arena.message(tensorflow__variable_def__init)
        c.pointee.variable_name = arena.string(variableName)
        c.pointee.initial_value_name = arena.string(initialValueName)
        c.pointee.initializer_name = arena.string(initializerName)
        c.pointee.snapshot_name = arena.string(snapshotName)
        c.pointee.save_slice_info_def = saveSliceInfoDef?.encode(in: arena)
        c.pointee.is_resource = cBool(isResource)
        c.pointee.trainable = cBool(trainable)
        c.pointee.synchronization = cEnum(synchronization.rawValue)
        c.pointee.aggregation = cEnum(aggregation.rawValue)
        return c
    }
}

extension SaveSliceInfoDef: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__SaveSliceInfoDef> {
        let c = arena.message(tensorflow__save_slice_info_def__init)
        c.pointee.full_name = arena.string(fullName)
        (c.pointee.n_full_shape, c.pointee.full_shape) = (fullShape.count, arena.array(fullShape))
        (c.pointee.n_var_offset, c.pointee.var_offset) = (varOffset.count, arena.array(varOffset))
        (c.pointee.n_var_shape, c.pointee.var_shape) = (varShape.count, arena.array(varShape))
        return c
    }
}
