internal import CProtobufC
internal import CTFProtos

// MARK: - SavedObjectGraph (saved_object_graph.proto)

extension SavedObjectGraph: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__SavedObjectGraph> {
        let c = arena.message(tensorflow__saved_object_graph__init)
        c.pointee.n_nodes = nodes.count
        c.pointee.nodes = arena.messages(nodes) { $0.encode(in: arena) }
        let keys = concreteFunctions.keys.sorted()
        c.pointee.n_concrete_functions = keys.count
        c.pointee.concrete_functions = arena.messages(keys) { key in
            let entry = arena.message(tensorflow__saved_object_graph__concrete_functions_entry__init)
            entry.pointee.key = arena.string(key)
            entry.pointee.value = concreteFunctions[key]!.encode(in: arena)
            return entry
        }
        return c
    }
}

extension SavedObject {
    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__SavedObject> {
        let c = arena.message(tensorflow__saved_object__init)
        c.pointee.n_children = children.count
        c.pointee.children = arena.messages(children) { $0.encode(in: arena) }
        c.pointee.n_dependencies = dependencies.count
        c.pointee.dependencies = arena.messages(dependencies) { $0.encode(in: arena) }
        c.pointee.n_slot_variables = slotVariables.count
        c.pointee.slot_variables = arena.messages(slotVariables) { $0.encode(in: arena) }
        switch kind {
        case .userObject(let value)?:
            c.pointee.kind_case = TENSORFLOW__SAVED_OBJECT__KIND_USER_OBJECT
            let object = arena.message(tensorflow__saved_user_object__init)
            object.pointee.identifier = arena.string(value.identifier)
            object.pointee.version = value.version?.encode(in: arena)
            object.pointee.metadata = arena.string(value.metadata)
            c.pointee.user_object = object
        case .asset(let value)?:
            c.pointee.kind_case = TENSORFLOW__SAVED_OBJECT__KIND_ASSET
            let asset = arena.message(tensorflow__saved_asset__init)
            asset.pointee.asset_file_def_index = value.assetFileDefIndex
            c.pointee.asset = asset
        case .function(let value)?:
            c.pointee.kind_case = TENSORFLOW__SAVED_OBJECT__KIND_FUNCTION
            let function = arena.message(tensorflow__saved_function__init)
            function.pointee.n_concrete_functions = value.concreteFunctions.count
            function.pointee.concrete_functions = arena.strings(value.concreteFunctions)
            function.pointee.function_spec = value.functionSpec?.encode(in: arena)
            c.pointee.function = function
        case .variable(let value)?:
            c.pointee.kind_case = TENSORFLOW__SAVED_OBJECT__KIND_VARIABLE
            c.pointee.variable = value.encode(in: arena)
        case .bareConcreteFunction(let value)?:
            c.pointee.kind_case = TENSORFLOW__SAVED_OBJECT__KIND_BARE_CONCRETE_FUNCTION
            let bare = arena.message(tensorflow__saved_bare_concrete_function__init)
            bare.pointee.concrete_function_name = arena.string(value.concreteFunctionName)
            bare.pointee.n_argument_keywords = value.argumentKeywords.count
            bare.pointee.argument_keywords = arena.strings(value.argumentKeywords)
            bare.pointee.allowed_positional_arguments = value.allowedPositionalArguments
            bare.pointee.function_spec = value.functionSpec?.encode(in: arena)
            c.pointee.bare_concrete_function = bare
        case .constant(let value)?:
            c.pointee.kind_case = TENSORFLOW__SAVED_OBJECT__KIND_CONSTANT
            let constant = arena.message(tensorflow__saved_constant__init)
            constant.pointee.operation = arena.string(value.operation)
            c.pointee.constant = constant
        case .resource(let value)?:
            c.pointee.kind_case = TENSORFLOW__SAVED_OBJECT__KIND_RESOURCE
            let resource = arena.message(tensorflow__saved_resource__init)
            resource.pointee.device = arena.string(value.device)
            c.pointee.resource = resource
        case .capturedTensor(let value)?:
            c.pointee.kind_case = TENSORFLOW__SAVED_OBJECT__KIND_CAPTURED_TENSOR
            let captured = arena.message(tensorflow__captured_tensor__init)
            captured.pointee.name = arena.string(value.name)
            captured.pointee.concrete_function = arena.string(value.concreteFunction)
            c.pointee.captured_tensor = captured
        case nil:
            break
        }
        let keys = saveableObjects.keys.sorted()
        c.pointee.n_saveable_objects = keys.count
        c.pointee.saveable_objects = arena.messages(keys) { key in
            let entry = arena.message(tensorflow__saved_object__saveable_objects_entry__init)
            entry.pointee.key = arena.string(key)
            let value = arena.message(tensorflow__saveable_object__init)
            value.pointee.save_function = saveableObjects[key]!.saveFunction
            value.pointee.restore_function = saveableObjects[key]!.restoreFunction
            entry.pointee.value = value
            return entry
        }
        c.pointee.registered_name = arena.string(registeredName)
        c.pointee.serialized_user_proto = serializedUserProto?.encode(in: arena)
        c.pointee.registered_saver = arena.string(registeredSaver)
        return c
    }
}

extension SavedConcreteFunction {
    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__SavedConcreteFunction> {
        let c = arena.message(tensorflow__saved_concrete_function__init)
        c.pointee.n_bound_inputs = boundInputs.count
        c.pointee.bound_inputs = arena.array(boundInputs)
        c.pointee.canonicalized_input_signature = canonicalizedInputSignature?.encode(in: arena)
        c.pointee.output_signature = outputSignature?.encode(in: arena)
        return c
    }
}

extension SavedVariable {
    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__SavedVariable> {
        let c = arena.message(tensorflow__saved_variable__init)
        c.pointee.dtype = cEnum(dtype.rawValue)
        c.pointee.shape = shape.encode(in: arena)
        c.pointee.trainable = cBool(trainable)
        c.pointee.synchronization = cEnum(synchronization.rawValue)
        c.pointee.aggregation = cEnum(aggregation.rawValue)
        c.pointee.name = arena.string(name)
        c.pointee.device = arena.string(device)
        c.pointee.n_experimental_distributed_variable_components = experimentalDistributedVariableComponents.count
        c.pointee.experimental_distributed_variable_components = arena.messages(experimentalDistributedVariableComponents) {
            $0.encode(in: arena)
        }
        return c
    }
}

extension FunctionSpec {
    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__FunctionSpec> {
        let c = arena.message(tensorflow__function_spec__init)
        c.pointee.fullargspec = fullargspec?.encode(in: arena)
        c.pointee.is_method = cBool(isMethod)
        c.pointee.input_signature = inputSignature?.encode(in: arena)
        c.pointee.jit_compile = cEnum(jitCompile)
        return c
    }
}

// MARK: - StructuredValue (struct.proto)

extension StructuredValue: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__StructuredValue> {
        let c = arena.message(tensorflow__structured_value__init)
        switch self {
        case .unset:
            break
        case .none:
            c.pointee.kind_case = TENSORFLOW__STRUCTURED_VALUE__KIND_NONE_VALUE
            c.pointee.none_value = arena.message(tensorflow__none_value__init)
        case .float64(let value):
            c.pointee.kind_case = TENSORFLOW__STRUCTURED_VALUE__KIND_FLOAT64_VALUE
            c.pointee.float64_value = value
        case .int64(let value):
            c.pointee.kind_case = TENSORFLOW__STRUCTURED_VALUE__KIND_INT64_VALUE
            c.pointee.int64_value = value
        case .string(let value):
            c.pointee.kind_case = TENSORFLOW__STRUCTURED_VALUE__KIND_STRING_VALUE
            c.pointee.string_value = arena.string(value)
        case .bool(let value):
            c.pointee.kind_case = TENSORFLOW__STRUCTURED_VALUE__KIND_BOOL_VALUE
            c.pointee.bool_value = cBool(value)
        case .tensorShape(let value):
            c.pointee.kind_case = TENSORFLOW__STRUCTURED_VALUE__KIND_TENSOR_SHAPE_VALUE
            c.pointee.tensor_shape_value = value.encode(in: arena)
        case .tensorDType(let value):
            c.pointee.kind_case = TENSORFLOW__STRUCTURED_VALUE__KIND_TENSOR_DTYPE_VALUE
            c.pointee.tensor_dtype_value = cEnum(value.rawValue)
        case .tensorSpec(let value):
            c.pointee.kind_case = TENSORFLOW__STRUCTURED_VALUE__KIND_TENSOR_SPEC_VALUE
            let spec = arena.message(tensorflow__tensor_spec_proto__init)
            spec.pointee.name = arena.string(value.name)
            spec.pointee.shape = value.shape.encode(in: arena)
            spec.pointee.dtype = cEnum(value.dtype.rawValue)
            c.pointee.tensor_spec_value = spec
        case .typeSpec(let value):
            c.pointee.kind_case = TENSORFLOW__STRUCTURED_VALUE__KIND_TYPE_SPEC_VALUE
            c.pointee.type_spec_value = value.encode(in: arena)
        case .boundedTensorSpec(let value):
            c.pointee.kind_case = TENSORFLOW__STRUCTURED_VALUE__KIND_BOUNDED_TENSOR_SPEC_VALUE
            let spec = arena.message(tensorflow__bounded_tensor_spec_proto__init)
            spec.pointee.name = arena.string(value.name)
            spec.pointee.shape = value.shape.encode(in: arena)
            spec.pointee.dtype = cEnum(value.dtype.rawValue)
            spec.pointee.minimum = value.minimum?.encode(in: arena)
            spec.pointee.maximum = value.maximum?.encode(in: arena)
            c.pointee.bounded_tensor_spec_value = spec
        case .list(let values):
            c.pointee.kind_case = TENSORFLOW__STRUCTURED_VALUE__KIND_LIST_VALUE
            let list = arena.message(tensorflow__list_value__init)
            list.pointee.n_values = values.count
            list.pointee.values = arena.messages(values) { $0.encode(in: arena) }
            c.pointee.list_value = list
        case .tuple(let values):
            c.pointee.kind_case = TENSORFLOW__STRUCTURED_VALUE__KIND_TUPLE_VALUE
            let tuple = arena.message(tensorflow__tuple_value__init)
            tuple.pointee.n_values = values.count
            tuple.pointee.values = arena.messages(values) { $0.encode(in: arena) }
            c.pointee.tuple_value = tuple
        case .dict(let fields):
            c.pointee.kind_case = TENSORFLOW__STRUCTURED_VALUE__KIND_DICT_VALUE
            let dict = arena.message(tensorflow__dict_value__init)
            let keys = fields.keys.sorted()
            dict.pointee.n_fields = keys.count
            dict.pointee.fields = arena.messages(keys) { key in
                let entry = arena.message(tensorflow__dict_value__fields_entry__init)
                entry.pointee.key = arena.string(key)
                entry.pointee.value = fields[key]!.encode(in: arena)
                return entry
            }
            c.pointee.dict_value = dict
        case .namedTuple(let name, let values):
            c.pointee.kind_case = TENSORFLOW__STRUCTURED_VALUE__KIND_NAMED_TUPLE_VALUE
            let named = arena.message(tensorflow__named_tuple_value__init)
            named.pointee.name = arena.string(name)
            named.pointee.n_values = values.count
            named.pointee.values = arena.messages(values) { pair in
                let c = arena.message(tensorflow__pair_value__init)
                c.pointee.key = arena.string(pair.key)
                c.pointee.value = pair.value.encode(in: arena)
                return c
            }
            c.pointee.named_tuple_value = named
        case .tensor(let value):
            c.pointee.kind_case = TENSORFLOW__STRUCTURED_VALUE__KIND_TENSOR_VALUE
            c.pointee.tensor_value = value.encode(in: arena)
        case .numpy(let value):
            c.pointee.kind_case = TENSORFLOW__STRUCTURED_VALUE__KIND_NUMPY_VALUE
            c.pointee.numpy_value = value.encode(in: arena)
        }
        return c
    }
}

// MARK: - TrackableObjectGraph (trackable_object_graph.proto)

extension TrackableObjectGraph: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__TrackableObjectGraph> {
        let c = arena.message(tensorflow__trackable_object_graph__init)
        c.pointee.n_nodes = nodes.count
        c.pointee.nodes = arena.messages(nodes) { node in
            let object = arena.message(tensorflow__trackable_object_graph__trackable_object__init)
            object.pointee.n_children = node.children.count
            object.pointee.children = arena.messages(node.children) { $0.encode(in: arena) }
            object.pointee.n_attributes = node.attributes.count
            object.pointee.attributes = arena.messages(node.attributes) { attribute in
                let c = arena.message(tensorflow__trackable_object_graph__trackable_object__serialized_tensor__init)
                c.pointee.name = arena.string(attribute.name)
                c.pointee.full_name = arena.string(attribute.fullName)
                c.pointee.checkpoint_key = arena.string(attribute.checkpointKey)
                return c
            }
            object.pointee.n_slot_variables = node.slotVariables.count
            object.pointee.slot_variables = arena.messages(node.slotVariables) { $0.encode(in: arena) }
            object.pointee.registered_saver = node.registeredSaver.map { saver in
                let c = arena.message(tensorflow__registered_saver__init)
                c.pointee.name = arena.string(saver.name)
                c.pointee.object_name = arena.string(saver.objectName)
                return c
            }
            object.pointee.has_checkpoint_values = node.hasCheckpointValues.map { value in
                let c = arena.message(google__protobuf__bool_value__init)
                c.pointee.value = cBool(value)
                return c
            }
            return object
        }
        return c
    }
}

extension TrackableObjectGraph.TrackableObject.ObjectReference {
    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__TrackableObjectGraph__TrackableObject__ObjectReference> {
        let c = arena.message(tensorflow__trackable_object_graph__trackable_object__object_reference__init)
        c.pointee.node_id = nodeID
        c.pointee.local_name = arena.string(localName)
        return c
    }
}

extension TrackableObjectGraph.TrackableObject.SlotVariableReference {
    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__TrackableObjectGraph__TrackableObject__SlotVariableReference> {
        let c = arena.message(tensorflow__trackable_object_graph__trackable_object__slot_variable_reference__init)
        c.pointee.original_variable_node_id = originalVariableNodeID
        c.pointee.slot_name = arena.string(slotName)
        c.pointee.slot_variable_node_id = slotVariableNodeID
        return c
    }
}
