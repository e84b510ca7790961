import Foundation
import Testing
import TestSupport
import TFProto

// Every fixture written by TensorFlow decodes, and every field equals TF's own JSON rendering.

private func fixture(_ name: String) -> URL { Fixtures.url("proto/" + name) }

private func renderer() throws -> ProtoJSON {
    try ProtoJSON(enumNamesFile: fixture("enum_names.json"))
}

private func expectSame(_ expected: JSONValue, _ actual: JSONValue, _ what: String) {
    let diffs = differences(expected: expected, actual: actual)
    #expect(diffs.isEmpty, "\(what): \(diffs.count) differences, first: \(diffs.prefix(10).joined(separator: "\n"))")
}

@Test func graphDefWithEveryAttrKindMatchesTFJSON() throws {
    let graph = try GraphDef(contentsOf: fixture("attrs_graph.pb"))
    expectSame(try JSONValue.load(fixture("attrs_graph.json")), try renderer().json(graph), "attrs_graph.pb")

    // Spot checks that the fixture covers what it claims to.
    let attrs = try #require(graph.node.first { $0.name == "all_attrs" }).attr
    #expect(attrs["shape_unknown_rank"] == .shape(TensorShapeProto(unknownRank: true)))
    #expect(attrs["shape"] == .shape(TensorShapeProto(dims: [-1, 224, 224, 3])))
    #expect(attrs["type_unknown"] == .type(DataType(rawValue: 77)))
    #expect(attrs["type_ref"] == .type(.floatRef))
    #expect(attrs["unset"] == .unset)
    #expect(attrs["list_empty"] == .list(AttrValue.ListValue()))
    guard case .f(let nan)? = attrs["f_nan"] else { Issue.record("f_nan is not a float"); return }
    #expect(nan.isNaN)
    let fill = try #require(graph.node.first { $0.name == "fill_last_float" })
    guard case .tensor(let tensor)? = fill.attr["value"] else { Issue.record("no tensor"); return }
    #expect(tensor.floatVal == [1, 2] && tensor.tensorShape.dims == [4])
    #expect(try #require(graph.node.first { $0.name == "after_conv/y" }).parsedInputs == [.control(node: "conv")])
    #expect(!graph.library.function.isEmpty)
}

@Test func hubSavedModelMatchesTFJSON() throws {
    let model = try SavedModel(contentsOf: fixture("hub_module/saved_model.pb"))
    expectSame(try JSONValue.load(fixture("hub_module.saved_model.json")), try renderer().json(model), "saved_model.pb")

    #expect(model.metaGraphs.map(\.metaInfoDef.tags) == [[], ["train"]])
    for meta in model.metaGraphs {
        #expect(Set(meta.signatureDef.keys) == ["default", "image_feature_vector"])
        let input = try #require(meta.signatureDef["image_feature_vector"]?.inputs["default"])
        #expect(input.name == "images:0" && input.dtype == .float && input.tensorShape.dims == [-1, 8, 8, 3])
        guard case .anyList(let assets)? = meta.collectionDef["saved_model_assets"]?.kind else {
            Issue.record("saved_model_assets is not an any_list"); continue
        }
        #expect(try assets.first?.unpack(AssetFileDef.self)?.filename == "tfproto_labels.txt")
    }
}

@Test func hubModuleDefMatchesTFJSON() throws {
    let moduleDef = try ModuleDef(contentsOf: fixture("hub_module/tfhub_module.pb"))
    expectSame(try JSONValue.load(fixture("hub_module.tfhub_module.json")), try renderer().json(moduleDef), "tfhub_module.pb")
    #expect(moduleDef.format == .v3 && moduleDef.requiredFeatures.isEmpty)
}

/// Messages TF stores as bytes inside other messages: VariableDefs in collections, the
/// ModuleAttachment in `hub_module_attachments`, and the ImageModuleInfo inside it.
@Test func nestedMessagesMatchTFJSON() throws {
    let render = try renderer()
    let entries = try JSONValue.load(fixture("nested.json")).arrayValue
    #expect(entries.count >= 20)
    var types: Set<String> = []
    for entry in entries {
        let bytes = try #require(Data(base64Encoded: entry["bytes"]?.stringValue ?? "")).map { $0 }
        let expected = try #require(entry["json"])
        let type = entry["type"]?.stringValue ?? ""
        let where_ = entry["where"]?.stringValue ?? ""
        types.insert(type)
        switch type {
        case VariableDef.protoMessageName:
            expectSame(expected, render.json(try VariableDef(serializedBytes: bytes)), where_)
        case ModuleAttachment.protoMessageName:
            expectSame(expected, render.json(try ModuleAttachment(serializedBytes: bytes)), where_)
        case ImageModuleInfo.protoMessageName:
            let info = try ImageModuleInfo(serializedBytes: bytes)
            expectSame(expected, render.json(info), where_)
            #expect(info.defaultImageSize == ImageModuleInfo.InputSize(height: 8, width: 8))
        default:
            Issue.record("unexpected type \(type) at \(where_)")
        }
    }
    #expect(types == [VariableDef.protoMessageName, ModuleAttachment.protoMessageName, ImageModuleInfo.protoMessageName])
}

@Test func bundleIndexMessagesMatchTFJSON() throws {
    let render = try renderer()
    let entries = try JSONValue.load(fixture("bundle.json")).arrayValue
    var sliced = 0
    for entry in entries {
        let bytes = try #require(Data(base64Encoded: entry["bytes"]?.stringValue ?? "")).map { $0 }
        let expected = try #require(entry["json"])
        let key = entry["key"]?.stringValue ?? ""
        if entry["type"]?.stringValue == BundleHeaderProto.protoMessageName {
            expectSame(expected, render.json(try BundleHeaderProto(serializedBytes: bytes)), "header")
        } else {
            let decoded = try BundleEntryProto(serializedBytes: bytes)
            if !decoded.slices.isEmpty { sliced += 1 }
            expectSame(expected, render.json(decoded), "entry \(key)")
        }
    }
    #expect(entries.count > 5)
    #expect(sliced >= 1, "the partitioned variable's entry lists its slices")
}

/// `DataType.description` spells every value as TF's descriptor does.
@Test func dataTypeNamesMatchTFDescriptor() throws {
    let render = try renderer()
    let names = try #require(render.enumNames["tensorflow.DataType"])
    #expect(names.count > 60)
    for (value, name) in names {
        let type = try #require(Int32(value).map(DataType.init(rawValue:)))
        #expect(type.description == name)
        #expect(DataType(name: name) == type)
    }
}

/// The comparison is not vacuous: one changed field, one dropped entry and one extra field are
/// each reported.
@Test func jsonComparisonReportsChanges() throws {
    let render = try renderer()
    let expected = try JSONValue.load(fixture("attrs_graph.json"))
    var graph = try GraphDef(contentsOf: fixture("attrs_graph.pb"))
    let index = try #require(graph.node.firstIndex { $0.name == "all_attrs" })

    var changed = graph
    changed.node[index].attr["i"] = .i(1)
    #expect(differences(expected: expected, actual: render.json(changed)).count == 1)

    var dropped = graph
    dropped.node[index].attr["list_f"] = nil
    #expect(differences(expected: expected, actual: render.json(dropped)).count == 1)

    graph.node[index].device = ""
    graph.node[index].input.append("extra")
    #expect(differences(expected: expected, actual: render.json(graph)).count == 2)
}

// MARK: - TF2 object graphs (generate_tf2.py)

private func tf2Renderer() throws -> ProtoJSON {
    var renderer = try renderer()
    if case .object(let extra) = try JSONValue.load(fixture("tf2_enum_names.json")) {
        for (name, values) in extra {
            if case .object(let table) = values { renderer.enumNames[name] = table.compactMapValues(\.stringValue) }
        }
    }
    return renderer
}

/// A TF2 SavedModel with every kind of object a tf.Module gives (variables, functions with specs,
/// signatures, an asset, constants, a resource): every field of `object_graph_def` equals TF's JSON.
@Test func tf2SavedModelObjectGraphMatchesTFJSON() throws {
    let model = try SavedModel(contentsOf: fixture("tf2_module/saved_model.pb"))
    expectSame(try JSONValue.load(fixture("tf2_module.saved_model.json")), try tf2Renderer().json(model), "tf2 saved_model.pb")

    let objects = try #require(model.metaGraphs.first?.objectGraphDef)
    var kinds: Set<String> = []
    for node in objects.nodes {
        if let kind = node.kind { kinds.insert(String("\(kind)".prefix { $0 != "(" })) }
    }
    #expect(kinds == ["userObject", "variable", "asset", "resource", "function", "bareConcreteFunction", "constant"])
    // The root's `__call__` was traced twice: training=True and training=False, as Python bools.
    let call = try #require(objects.nodes.first?.child("__call__"))
    guard case .function(let function)? = objects.nodes[Int(call)].kind else {
        Issue.record("__call__ is not a function")
        return
    }
    #expect(function.concreteFunctions.count == 2)
    let trainings = function.concreteFunctions.compactMap { name -> StructuredValue? in
        guard case .tuple(let pair)? = objects.concreteFunctions[name]?.canonicalizedInputSignature,
              case .tuple(let args) = pair.first, args.count > 1 else { return nil }
        return args[1]
    }
    #expect(Set(trainings) == [.bool(true), .bool(false)])
    // TF 2.21 leaves `self` out of a method's arguments (and is_method unset); older writers kept both.
    #expect(function.functionSpec?.fullargspec?[field: "args"] == .list([.string("x"), .string("training"), .string("scale")]))
    #expect(function.functionSpec?.isMethod == false)
}

/// The checkpoint's `_CHECKPOINTABLE_OBJECT_GRAPH` (a TrackableObjectGraph) decodes as TF reads it.
@Test func trackableObjectGraphMatchesTFJSON() throws {
    let entry = try JSONValue.load(fixture("tf2_object_graph.json"))
    let bytes = try #require(Data(base64Encoded: entry["bytes"]?.stringValue ?? "")).map { $0 }
    let graph = try TrackableObjectGraph(serializedBytes: bytes)
    expectSame(try #require(entry["json"]), try renderer().json(graph), "_CHECKPOINTABLE_OBJECT_GRAPH")
    let keys = graph.nodes.flatMap(\.attributes).map(\.checkpointKey)
    #expect(keys.contains("params/w..0.Sa/.ATTRIBUTES/VARIABLE_VALUE"), "\(keys)")
}

/// The checkpoint's object graph, which TF serialized on its own, re-encodes to TF's exact bytes.
@Test func trackableObjectGraphReencodesToTFBytes() throws {
    let entry = try JSONValue.load(fixture("tf2_object_graph.json"))
    let bytes = try #require(Data(base64Encoded: entry["bytes"]?.stringValue ?? "")).map { $0 }
    #expect(try TrackableObjectGraph(serializedBytes: bytes).serializedBytes() == bytes)
}
