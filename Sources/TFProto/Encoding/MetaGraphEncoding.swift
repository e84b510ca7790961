internal import CProtobufC
internal import CTFProtos

// MARK: - SavedModel, MetaGraphDef

extension SavedModel: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__SavedModel> {
        let c = arena.message(tensorflow__saved_model__init)
        c.pointee.saved_model_schema_version = savedModelSchemaVersion
        c.pointee.n_meta_graphs = metaGraphs.count
        c.pointee.meta_graphs = arena.messages(metaGraphs) { $0.encode(in: arena) }
        return c
    }
}

extension MetaGraphDef: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__MetaGraphDef> {
        let c = arena.message(tensorflow__meta_graph_def__init)
        if hasMetaInfoDef || metaInfoDef != MetaInfoDef() { c.pointee.meta_info_def = metaInfoDef.encode(in: arena) }
        if hasGraphDef || graphDef != GraphDef() { c.pointee.graph_def = graphDef.encode(in: arena) }
        if hasSaverDef || saverDef != SaverDef() { c.pointee.saver_def = saverDef.encode(in: arena) }
        let collectionKeys = collectionDef.keys.sorted()
        c.pointee.n_collection_def = collectionKeys.count
        c.pointee.collection_def = arena.messages(collectionKeys) { key in
            let entry = arena.message(tensorflow__meta_graph_def__collection_def_entry__init)
            entry.pointee.key = arena.string(key)
            entry.pointee.value = collectionDef[key]!.encode(in: arena)
            return entry
        }
        let signatureKeys = signatureDef.keys.sorted()
        c.pointee.n_signature_def = signatureKeys.count
        c.pointee.signature_def = arena.messages(signatureKeys) { key in
            let entry = arena.message(tensorflow__meta_graph_def__signature_def_entry__init)
            entry.pointee.key = arena.string(key)
            entry.pointee.value = signatureDef[key]!.encode(in: arena)
            return entry
        }
        c.pointee.n_asset_file_def = assetFileDef.count
        c.pointee.asset_file_def = arena.messages(assetFileDef) { $0.encode(in: arena) }
        c.pointee.object_graph_def = objectGraphDef?.encode(in: arena)
        return c
    }
}

extension MetaGraphDef.MetaInfoDef: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__MetaGraphDef__MetaInfoDef> {
        let c = arena.message(tensorflow__meta_graph_def__meta_info_def__init)
        c.pointee.meta_graph_version = arena.string(metaGraphVersion)
        if hasStrippedOpList || strippedOpList != OpList() { c.pointee.stripped_op_list = strippedOpList.encode(in: arena) }
        c.pointee.any_info = anyInfo?.encode(in: arena)
        c.pointee.n_tags = tags.count
        c.pointee.tags = arena.strings(tags)
        c.pointee.tensorflow_version = arena.string(tensorflowVersion)
        c.pointee.tensorflow_git_version = arena.string(tensorflowGitVersion)
        c.pointee.stripped_default_attrs = cBool(strippedDefaultAttrs)
        let aliasKeys = functionAliases.keys.sorted()
        c.pointee.n_function_aliases = aliasKeys.count
        c.pointee.function_aliases = arena.messages(aliasKeys) { key in
            let entry = arena.message(tensorflow__meta_graph_def__meta_info_def__function_aliases_entry__init)
            entry.pointee.key = arena.string(key)
            entry.pointee.value = arena.string(functionAliases[key]!)
            return entry
        }
        return c
    }
}

// MARK: - OpList, OpDef

extension OpList: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__OpList> {
        let c = arena.message(tensorflow__op_list__init)
        c.pointee.n_op = op.count
        c.pointee.op = arena.messages(op) { $0.encode(in: arena) }
        return c
    }
}

extension OpDef: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__OpDef> {
        let c = arena.message(tensorflow__op_def__init)
        c.pointee.name = arena.string(name)
        c.pointee.n_input_arg = inputArg.count
        c.pointee.input_arg = arena.messages(inputArg) { $0.encode(in: arena) }
        c.pointee.n_output_arg = outputArg.count
        c.pointee.output_arg = arena.messages(outputArg) { $0.encode(in: arena) }
        c.pointee.n_control_output = controlOutput.count
        c.pointee.control_output = arena.strings(controlOutput)
        c.pointee.n_attr = attr.count
        c.pointee.attr = arena.messages(attr) { $0.encode(in: arena) }
        c.pointee.deprecation = deprecation?.encode(in: arena)
        c.pointee.summary = arena.string(summary)
        c.pointee.description = arena.string(description)
        c.pointee.is_commutative = cBool(isCommutative)
        c.pointee.is_aggregate = cBool(isAggregate)
        c.pointee.is_stateful = cBool(isStateful)
        c.pointee.allows_uninitialized_input = cBool(allowsUninitializedInput)
        c.pointee.is_distributed_communication = cBool(isDistributedCommunication)
        return c
    }
}

extension OpDef.ArgDef: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__OpDef__ArgDef> {
        let c = arena.message(tensorflow__op_def__arg_def__init)
        c.pointee.name = arena.string(name)
        c.pointee.description = arena.string(description)
        c.pointee.type = cEnum(type.rawValue)
        c.pointee.type_attr = arena.string(typeAttr)
        c.pointee.number_attr = arena.string(numberAttr)
        c.pointee.type_list_attr = arena.string(typeListAttr)
        c.pointee.n_handle_data = handleData.count
        c.pointee.handle_data = arena.messages(handleData) { $0.encode(in: arena) }
        c.pointee.is_ref = cBool(isRef)
        c.pointee.experimental_full_type = experimentalFullType?.encode(in: arena)
        return c
    }
}

extension OpDef.AttrDef: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__OpDef__AttrDef> {
        let c = arena.message(tensorflow__op_def__attr_def__init)
        c.pointee.name = arena.string(name)
        c.pointee.type = arena.string(type)
        c.pointee.default_value = defaultValue?.encode(in: arena)
        c.pointee.description = arena.string(description)
        c.pointee.has_minimum = cBool(hasMinimum)
        c.pointee.minimum = minimum
        c.pointee.allowed_values = allowedValues?.encode(in: arena)
        return c
    }
}

extension OpDeprecation: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__OpDeprecation> {
        let c = arena.message(tensorflow__op_deprecation__init)
        c.pointee.version = version
        c.pointee.explanation = arena.string(explanation)
        return c
    }
}
