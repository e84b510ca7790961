internal import CProtobufC
internal import CTFProtos

// MARK: - GraphDef, FunctionDefLibrary, NodeDef

extension GraphDef: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__GraphDef> {
        let c = arena.message(tensorflow__graph_def__init)
        c.pointee.n_node = node.count
        c.pointee.node = arena.messages(node) { $0.encode(in: arena) }
        if hasVersions || versions != VersionDef() { c.pointee.versions = versions.encode(in: arena) }
        if hasLibrary || !library.isEmpty { c.pointee.library = library.encode(in: arena) }
        return c
    }
}

extension FunctionDefLibrary: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__FunctionDefLibrary> {
        let c = arena.message(tensorflow__function_def_library__init)
        c.pointee.n_function = function.count
        c.pointee.function = arena.messages(function) { $0.encode(in: arena) }
        c.pointee.n_gradient = gradient.count
        c.pointee.gradient = arena.messages(gradient) { $0.encode(in: arena) }
        c.pointee.n_registered_gradients = registeredGradients.count
        c.pointee.registered_gradients = arena.messages(registeredGradients) { $0.encode(in: arena) }
        return c
    }
}

extension FunctionDef: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__FunctionDef> {
        let c = arena.message(tensorflow__function_def__init)
        if hasSignature || signature != OpDef() { c.pointee.signature = signature.encode(in: arena) }
        (c.pointee.n_attr, c.pointee.attr) = cAttrMap(attr, tensorflow__function_def__attr_entry__init, arena)
        let argIndices = argAttr.keys.sorted()
        c.pointee.n_arg_attr = argIndices.count
        c.pointee.arg_attr = arena.messages(argIndices) { index in
            let entry = arena.message(tensorflow__function_def__arg_attr_entry__init)
            entry.pointee.key = index
            let attrs = arena.message(tensorflow__function_def__arg_attrs__init)
            (attrs.pointee.n_attr, attrs.pointee.attr) = cAttrMap(
                argAttr[index]!, tensorflow__function_def__arg_attrs__attr_entry__init, arena)
            entry.pointee.value = attrs
            return entry
        }
        let resourceIndices = resourceArgUniqueID.keys.sorted()
        c.pointee.n_resource_arg_unique_id = resourceIndices.count
        c.pointee.resource_arg_unique_id = arena.messages(resourceIndices) { index in
            let entry = arena.message(tensorflow__function_def__resource_arg_unique_id_entry__init)
            entry.pointee.key = index
            entry.pointee.value = resourceArgUniqueID[index]!
            return entry
        }
        c.pointee.n_node_def = nodeDef.count
        c.pointee.node_def = arena.messages(nodeDef) { $0.encode(in: arena) }
        let retKeys = ret.keys.sorted()
        c.pointee.n_ret = retKeys.count
        c.pointee.ret = arena.messages(retKeys) { key in
            let entry = arena.message(tensorflow__function_def__ret_entry__init)
            entry.pointee.key = arena.string(key)
            entry.pointee.value = arena.string(ret[key]!)
            return entry
        }
        let controlKeys = controlRet.keys.sorted()
        c.pointee.n_control_ret = controlKeys.count
        c.pointee.control_ret = arena.messages(controlKeys) { key in
            let entry = arena.message(tensorflow__function_def__control_ret_entry__init)
            entry.pointee.key = arena.string(key)
            entry.pointee.value = arena.string(controlRet[key]!)
            return entry
        }
        return c
    }
}

extension GradientDef: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__GradientDef> {
        let c = arena.message(tensorflow__gradient_def__init)
        c.pointee.function_name = arena.string(functionName)
        c.pointee.gradient_func = arena.string(gradientFunc)
        return c
    }
}

extension RegisteredGradient: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__RegisteredGradient> {
        let c = arena.message(tensorflow__registered_gradient__init)
        c.pointee.gradient_func = arena.string(gradientFunc)
        c.pointee.registered_op_type = arena.string(registeredOpType)
        return c
    }
}

extension NodeDef: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__NodeDef> {
        let c = arena.message(tensorflow__node_def__init)
        c.pointee.name = arena.string(name)
        c.pointee.op = arena.string(op)
        c.pointee.n_input = input.count
        c.pointee.input = arena.strings(input)
        c.pointee.device = arena.string(device)
        (c.pointee.n_attr, c.pointee.attr) = cAttrMap(attr, tensorflow__node_def__attr_entry__init, arena)
        c.pointee.experimental_debug_info = experimentalDebugInfo?.encode(in: arena)
        c.pointee.experimental_type = experimentalType?.encode(in: arena)
        return c
    }
}

extension NodeDef.ExperimentalDebugInfo: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__NodeDef__ExperimentalDebugInfo> {
        let c = arena.message(tensorflow__node_def__experimental_debug_info__init)
        c.pointee.n_original_node_names = originalNodeNames.count
        c.pointee.original_node_names = arena.strings(originalNodeNames)
        c.pointee.n_original_func_names = originalFuncNames.count
        c.pointee.original_func_names = arena.strings(originalFuncNames)
        return c
    }
}

extension FullTypeDef: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__FullTypeDef> {
        let c = arena.message(tensorflow__full_type_def__init)
        c.pointee.type_id = cEnum(typeID)
        c.pointee.n_args = args.count
        c.pointee.args = arena.messages(args) { $0.encode(in: arena) }
        switch attr {
        case .s(let value):
            c.pointee.attr_case = TENSORFLOW__FULL_TYPE_DEF__ATTR_S
            c.pointee.s = arena.string(value)
        case .i(let value):
            c.pointee.attr_case = TENSORFLOW__FULL_TYPE_DEF__ATTR_I
            c.pointee.i = value
        case nil:
            break
        }
        return c
    }
}
