import Foundation
import TFProto

// MARK: - TF2 object graphs (saved_object_graph.proto, trackable_object_graph.proto, struct.proto)

extension ProtoJSON {
    func json(_ g: SavedObjectGraph) throws -> JSONValue {
        Self.object([
            "nodes": try Self.list(g.nodes) { try json($0) },
            "concrete_functions": Self.map(g.concreteFunctions) { json($0) },
        ])
    }

    func json(_ r: SavedObject.ObjectReference) -> JSONValue {
        Self.object(["node_id": Self.int32Field(r.nodeID), "local_name": Self.stringField(r.localName)])
    }

    func json(_ s: TrackableObjectGraph.TrackableObject.SlotVariableReference) -> JSONValue {
        Self.object([
            "original_variable_node_id": Self.int32Field(s.originalVariableNodeID),
            "slot_name": Self.stringField(s.slotName),
            "slot_variable_node_id": Self.int32Field(s.slotVariableNodeID),
        ])
    }

    func json(_ o: SavedObject) throws -> JSONValue {
        var fields: [String: JSONValue?] = [
            "children": Self.list(o.children) { json($0) },
            "dependencies": Self.list(o.dependencies) { json($0) },
            "slot_variables": Self.list(o.slotVariables) { json($0) },
            "saveable_objects": Self.map(o.saveableObjects) {
                Self.object([
                    "save_function": Self.int32Field($0.saveFunction), "restore_function": Self.int32Field($0.restoreFunction),
                ])
            },
            "registered_name": Self.stringField(o.registeredName),
            "serialized_user_proto": try o.serializedUserProto.map { try json($0) },
            "registered_saver": Self.stringField(o.registeredSaver),
        ]
        switch o.kind {
        case .userObject(let u)?:
            fields["user_object"] = Self.object([
                "identifier": Self.stringField(u.identifier), "version": u.version.map { json($0) },
                "metadata": Self.stringField(u.metadata),
            ])
        case .asset(let a)?: fields["asset"] = Self.object(["asset_file_def_index": Self.int32Field(a.assetFileDefIndex)])
        case .function(let f)?:
            fields["function"] = Self.object([
                "concrete_functions": Self.strings(f.concreteFunctions), "function_spec": f.functionSpec.map { json($0) },
            ])
        case .variable(let v)?: fields["variable"] = json(v)
        case .bareConcreteFunction(let b)?:
            fields["bare_concrete_function"] = Self.object([
                "concrete_function_name": Self.stringField(b.concreteFunctionName),
                "argument_keywords": Self.strings(b.argumentKeywords),
                "allowed_positional_arguments": Self.int64Field(b.allowedPositionalArguments),
                "function_spec": b.functionSpec.map { json($0) },
            ])
        case .constant(let c)?: fields["constant"] = Self.object(["operation": Self.stringField(c.operation)])
        case .resource(let r)?: fields["resource"] = Self.object(["device": Self.stringField(r.device)])
        case .capturedTensor(let c)?:
            fields["captured_tensor"] = Self.object([
                "name": Self.stringField(c.name), "concrete_function": Self.stringField(c.concreteFunction),
            ])
        case nil: break
        }
        return Self.object(fields)
    }

    func json(_ v: SavedVariable) -> JSONValue {
        Self.object([
            "dtype": dtypeField(v.dtype), "shape": json(v.shape), "trainable": Self.boolField(v.trainable),
            "synchronization": enumField("tensorflow.VariableSynchronization", v.synchronization.rawValue),
            "aggregation": enumField("tensorflow.VariableAggregation", v.aggregation.rawValue),
            "name": Self.stringField(v.name), "device": Self.stringField(v.device),
            "experimental_distributed_variable_components": Self.list(v.experimentalDistributedVariableComponents) { json($0) },
        ])
    }

    func json(_ s: FunctionSpec) -> JSONValue {
        Self.object([
            "fullargspec": s.fullargspec.map { json($0) }, "is_method": Self.boolField(s.isMethod),
            "input_signature": s.inputSignature.map { json($0) },
            "jit_compile": enumField("tensorflow.FunctionSpec.JitCompile", s.jitCompile),
        ])
    }

    func json(_ c: SavedConcreteFunction) -> JSONValue {
        Self.object([
            "bound_inputs": Self.list(c.boundInputs) { .number(Double($0)) },
            "canonicalized_input_signature": c.canonicalizedInputSignature.map { json($0) },
            "output_signature": c.outputSignature.map { json($0) },
        ])
    }

    /// A oneof member is written even when it holds its default value.
    func json(_ v: StructuredValue) -> JSONValue {
        func values(_ list: [StructuredValue]) -> JSONValue { Self.object(["values": Self.list(list) { json($0) }]) }
        switch v {
        case .unset: return .object([:])
        case .none: return .object(["none_value": .object([:])])
        case .float64(let d): return .object(["float64_value": .number(d)])
        case .int64(let i): return .object(["int64_value": Self.int64(i)])
        case .string(let s): return .object(["string_value": .string(s)])
        case .bool(let b): return .object(["bool_value": .bool(b)])
        case .tensorShape(let s): return .object(["tensor_shape_value": json(s)])
        case .tensorDType(let t): return .object(["tensor_dtype_value": dtype(t)])
        case .tensorSpec(let s):
            return .object(["tensor_spec_value": Self.object([
                "name": Self.stringField(s.name), "shape": json(s.shape), "dtype": dtypeField(s.dtype),
            ])])
        case .typeSpec(let t):
            return .object(["type_spec_value": Self.object([
                "type_spec_class": enumField("tensorflow.TypeSpecProto.TypeSpecClass", t.typeSpecClass),
                "type_state": t.typeState.map { json($0) },
                "type_spec_class_name": Self.stringField(t.typeSpecClassName),
                "num_flat_components": Self.int32Field(t.numFlatComponents),
            ])])
        case .boundedTensorSpec(let b):
            return .object(["bounded_tensor_spec_value": Self.object([
                "name": Self.stringField(b.name), "shape": json(b.shape), "dtype": dtypeField(b.dtype),
                "minimum": b.minimum.map { json($0) }, "maximum": b.maximum.map { json($0) },
            ])])
        case .list(let l): return .object(["list_value": values(l)])
        case .tuple(let t): return .object(["tuple_value": values(t)])
        case .dict(let d): return .object(["dict_value": Self.object(["fields": Self.map(d) { json($0) }])])
        case .namedTuple(let name, let pairs):
            return .object(["named_tuple_value": Self.object([
                "name": Self.stringField(name),
                "values": Self.list(pairs) { Self.object(["key": Self.stringField($0.key), "value": json($0.value)]) },
            ])])
        case .tensor(let t): return .object(["tensor_value": json(t)])
        case .numpy(let t): return .object(["numpy_value": json(t)])
        }
    }

    func json(_ g: TrackableObjectGraph) -> JSONValue {
        Self.object([
            "nodes": Self.list(g.nodes) { node in
                Self.object([
                    "children": Self.list(node.children) { json($0) },
                    "attributes": Self.list(node.attributes) {
                        Self.object([
                            "name": Self.stringField($0.name), "full_name": Self.stringField($0.fullName),
                            "checkpoint_key": Self.stringField($0.checkpointKey),
                        ])
                    },
                    "slot_variables": Self.list(node.slotVariables) { json($0) },
                    "registered_saver": node.registeredSaver.map {
                        Self.object(["name": Self.stringField($0.name), "object_name": Self.stringField($0.objectName)])
                    },
                    // google.protobuf.BoolValue renders as its bare value.
                    "has_checkpoint_values": node.hasCheckpointValues.map { .bool($0) },
                ])
            },
        ])
    }
}
