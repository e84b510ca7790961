import Foundation
import TFProto

// MARK: - ProtoJSON

/// Renders our Swift values the way `json_format.MessageToJson(preserving_proto_field_name=True)`
/// renders the protobuf message: proto field names, default-valued scalars and empty repeated
/// fields omitted, present sub-messages always written, int64/uint64 as strings, bytes as base64,
/// enums by name (a number when the value has no name), oneof members written even when default.
/// Enum names come from TF's descriptors (enum_names.json), not from this package.
struct ProtoJSON {
    var enumNames: [String: [String: String]]

    init(enumNamesFile: URL) throws {
        var names: [String: [String: String]] = [:]
        if case .object(let enums) = try JSONValue.load(enumNamesFile) {
            for (enumName, values) in enums {
                if case .object(let table) = values { names[enumName] = table.compactMapValues(\.stringValue) }
            }
        }
        enumNames = names
    }

    // MARK: Scalars

    func enumValue(_ type: String, _ value: Int32) -> JSONValue {
        enumNames[type]?[String(value)].map(JSONValue.string) ?? .number(Double(value))
    }
    func enumField(_ type: String, _ value: Int32) -> JSONValue? { value == 0 ? nil : enumValue(type, value) }
    func dtype(_ type: DataType) -> JSONValue { enumValue("tensorflow.DataType", type.rawValue) }
    func dtypeField(_ type: DataType) -> JSONValue? { enumField("tensorflow.DataType", type.rawValue) }

    static func int64(_ v: Int64) -> JSONValue { .string(String(v)) }
    static func bytes(_ v: [UInt8]) -> JSONValue { .string(Data(v).base64EncodedString()) }
    static func int64Field(_ v: Int64) -> JSONValue? { v == 0 ? nil : int64(v) }
    static func uint64Field(_ v: UInt64) -> JSONValue? { v == 0 ? nil : .string(String(v)) }
    static func int32Field(_ v: Int32) -> JSONValue? { v == 0 ? nil : .number(Double(v)) }
    static func uint32Field(_ v: UInt32) -> JSONValue? { v == 0 ? nil : .number(Double(v)) }
    static func stringField(_ v: String) -> JSONValue? { v.isEmpty ? nil : .string(v) }
    static func bytesField(_ v: [UInt8]) -> JSONValue? { v.isEmpty ? nil : bytes(v) }
    static func boolField(_ v: Bool) -> JSONValue? { v ? .bool(true) : nil }
    static func floatField(_ v: Float) -> JSONValue? { v.bitPattern == 0 ? nil : .float(v) }
    static func list<T>(_ values: [T], _ render: (T) throws -> JSONValue) rethrows -> JSONValue? {
        values.isEmpty ? nil : .array(try values.map(render))
    }
    static func map<K, V>(_ values: [K: V], _ render: (V) throws -> JSONValue) rethrows -> JSONValue? {
        values.isEmpty ? nil : .object(Dictionary(uniqueKeysWithValues: try values.map { ("\($0.key)", try render($0.value)) }))
    }
    static func object(_ fields: [String: JSONValue?]) -> JSONValue { .object(fields.compactMapValues { $0 }) }
    static func strings(_ v: [String]) -> JSONValue? { list(v) { .string($0) } }

    struct UnknownAnyType: Error { let typeURL: String }
}

// MARK: - Framework messages

extension ProtoJSON {
    func json(_ s: TensorShapeProto) -> JSONValue {
        Self.object([
            "dim": Self.list(s.dim) { Self.object(["size": Self.int64Field($0.size), "name": Self.stringField($0.name)]) },
            "unknown_rank": Self.boolField(s.unknownRank),
        ])
    }

    func json(_ t: TensorProto) -> JSONValue {
        Self.object([
            "dtype": dtypeField(t.dtype),
            "tensor_shape": t.hasTensorShape ? json(t.tensorShape) : nil,
            "version_number": Self.int32Field(t.versionNumber),
            "tensor_content": Self.bytesField(t.tensorContent),
            "half_val": Self.list(t.halfVal) { .number(Double($0)) },
            "float_val": Self.list(t.floatVal) { .float($0) },
            "double_val": Self.list(t.doubleVal) { .number($0) },
            "int_val": Self.list(t.intVal) { .number(Double($0)) },
            "string_val": Self.list(t.stringVal, Self.bytes),
            "scomplex_val": Self.list(t.scomplexVal) { .float($0) },
            "int64_val": Self.list(t.int64Val, Self.int64),
            "bool_val": Self.list(t.boolVal) { .bool($0) },
            "dcomplex_val": Self.list(t.dcomplexVal) { .number($0) },
            "resource_handle_val": Self.list(t.resourceHandleVal) { json($0) },
            "variant_val": Self.list(t.variantVal) { v in
                Self.object([
                    "type_name": Self.stringField(v.typeName), "metadata": Self.bytesField(v.metadata),
                    "tensors": Self.list(v.tensors) { json($0) },
                ])
            },
            "uint32_val": Self.list(t.uint32Val) { .number(Double($0)) },
            "uint64_val": Self.list(t.uint64Val) { .string(String($0)) },
            "float8_val": Self.bytesField(t.float8Val),
        ])
    }

    func json(_ h: ResourceHandleProto) -> JSONValue {
        Self.object([
            "device": Self.stringField(h.device), "container": Self.stringField(h.container),
            "name": Self.stringField(h.name), "hash_code": Self.uint64Field(h.hashCode),
            "maybe_type_name": Self.stringField(h.maybeTypeName),
            "dtypes_and_shapes": Self.list(h.dtypesAndShapes) { json($0) },
        ])
    }

    func json(_ d: ResourceHandleProto.DtypeAndShape) -> JSONValue {
        Self.object(["dtype": dtypeField(d.dtype), "shape": d.hasShape ? json(d.shape) : nil])
    }

    func json(_ a: AttrValue) -> JSONValue {
        switch a {
        case .list(let l): return .object(["list": json(l)])
        case .s(let s): return .object(["s": Self.bytes(s)])
        case .i(let i): return .object(["i": Self.int64(i)])
        case .f(let f): return .object(["f": .float(f)])
        case .b(let b): return .object(["b": .bool(b)])
        case .type(let t): return .object(["type": dtype(t)])
        case .shape(let s): return .object(["shape": json(s)])
        case .tensor(let t): return .object(["tensor": json(t)])
        case .placeholder(let p): return .object(["placeholder": .string(p)])
        case .func(let f): return .object(["func": json(f)])
        case .unset: return .object([:])
        }
    }

    func json(_ l: AttrValue.ListValue) -> JSONValue {
        Self.object([
            "s": Self.list(l.s, Self.bytes), "i": Self.list(l.i, Self.int64), "f": Self.list(l.f) { .float($0) },
            "b": Self.list(l.b) { .bool($0) }, "type": Self.list(l.type) { dtype($0) },
            "shape": Self.list(l.shape) { json($0) }, "tensor": Self.list(l.tensor) { json($0) },
            "func": Self.list(l.func) { json($0) },
        ])
    }

    func json(_ f: NameAttrList) -> JSONValue {
        Self.object(["name": Self.stringField(f.name), "attr": Self.map(f.attr) { json($0) }])
    }

    func json(_ n: NodeDef) -> JSONValue {
        Self.object([
            "name": Self.stringField(n.name), "op": Self.stringField(n.op), "input": Self.strings(n.input),
            "device": Self.stringField(n.device), "attr": Self.map(n.attr) { json($0) },
            "experimental_debug_info": n.experimentalDebugInfo.map {
                Self.object([
                    "original_node_names": Self.strings($0.originalNodeNames),
                    "original_func_names": Self.strings($0.originalFuncNames),
                ])
            },
            "experimental_type": n.experimentalType.map { json($0) },
        ])
    }

    func json(_ t: FullTypeDef) -> JSONValue {
        var fields: [String: JSONValue?] = [
            "type_id": enumField("tensorflow.FullTypeId", t.typeID), "args": Self.list(t.args) { json($0) },
        ]
        switch t.attr {
        case .s(let s)?: fields["s"] = .string(s)
        case .i(let i)?: fields["i"] = Self.int64(i)
        case nil: break
        }
        return Self.object(fields)
    }

    func json(_ v: VersionDef) -> JSONValue {
        Self.object([
            "producer": Self.int32Field(v.producer), "min_consumer": Self.int32Field(v.minConsumer),
            "bad_consumers": Self.list(v.badConsumers) { .number(Double($0)) },
        ])
    }

    func json(_ g: GraphDef) -> JSONValue {
        Self.object([
            "node": Self.list(g.node) { json($0) }, "versions": g.hasVersions ? json(g.versions) : nil,
            "library": g.hasLibrary ? json(g.library) : nil,
        ])
    }

    func json(_ l: FunctionDefLibrary) -> JSONValue {
        Self.object([
            "function": Self.list(l.function) { json($0) },
            "gradient": Self.list(l.gradient) {
                Self.object(["function_name": Self.stringField($0.functionName), "gradient_func": Self.stringField($0.gradientFunc)])
            },
            "registered_gradients": Self.list(l.registeredGradients) {
                Self.object([
                    "gradient_func": Self.stringField($0.gradientFunc),
                    "registered_op_type": Self.stringField($0.registeredOpType),
                ])
            },
        ])
    }

    func json(_ f: FunctionDef) -> JSONValue {
        Self.object([
            "signature": f.hasSignature ? json(f.signature) : nil,
            "attr": Self.map(f.attr) { json($0) },
            "arg_attr": Self.map(f.argAttr) { Self.object(["attr": Self.map($0) { json($0) }]) },
            "resource_arg_unique_id": Self.map(f.resourceArgUniqueID) { .number(Double($0)) },
            "node_def": Self.list(f.nodeDef) { json($0) },
            "ret": Self.map(f.ret) { .string($0) },
            "control_ret": Self.map(f.controlRet) { .string($0) },
        ])
    }

    func json(_ o: OpDef) -> JSONValue {
        Self.object([
            "name": Self.stringField(o.name),
            "input_arg": Self.list(o.inputArg) { json($0) }, "output_arg": Self.list(o.outputArg) { json($0) },
            "control_output": Self.strings(o.controlOutput), "attr": Self.list(o.attr) { json($0) },
            "deprecation": o.deprecation.map {
                Self.object(["version": Self.int32Field($0.version), "explanation": Self.stringField($0.explanation)])
            },
            "summary": Self.stringField(o.summary), "description": Self.stringField(o.description),
            "is_commutative": Self.boolField(o.isCommutative), "is_aggregate": Self.boolField(o.isAggregate),
            "is_stateful": Self.boolField(o.isStateful),
            "allows_uninitialized_input": Self.boolField(o.allowsUninitializedInput),
            "is_distributed_communication": Self.boolField(o.isDistributedCommunication),
        ])
    }

    func json(_ a: OpDef.ArgDef) -> JSONValue {
        Self.object([
            "name": Self.stringField(a.name), "description": Self.stringField(a.description),
            "type": dtypeField(a.type), "type_attr": Self.stringField(a.typeAttr),
            "number_attr": Self.stringField(a.numberAttr), "type_list_attr": Self.stringField(a.typeListAttr),
            "handle_data": Self.list(a.handleData) { json($0) }, "is_ref": Self.boolField(a.isRef),
            "experimental_full_type": a.experimentalFullType.map { json($0) },
        ])
    }

    func json(_ a: OpDef.AttrDef) -> JSONValue {
        Self.object([
            "name": Self.stringField(a.name), "type": Self.stringField(a.type),
            "default_value": a.defaultValue.map { json($0) }, "description": Self.stringField(a.description),
            "has_minimum": Self.boolField(a.hasMinimum), "minimum": Self.int64Field(a.minimum),
            "allowed_values": a.allowedValues.map { json($0) },
        ])
    }

    func json(_ l: OpList) -> JSONValue { Self.object(["op": Self.list(l.op) { json($0) }]) }
}
