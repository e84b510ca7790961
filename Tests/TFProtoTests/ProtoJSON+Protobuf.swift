import Foundation
import TFProto

// MARK: - SavedModel, meta graph, bundle and hub messages

extension ProtoJSON {
    func json(_ s: SavedModel) throws -> JSONValue {
        Self.object([
            "saved_model_schema_version": Self.int64Field(s.savedModelSchemaVersion),
            "meta_graphs": try Self.list(s.metaGraphs) { try json($0) },
        ])
    }

    func json(_ m: MetaGraphDef) throws -> JSONValue {
        Self.object([
            "meta_info_def": m.hasMetaInfoDef ? try json(m.metaInfoDef) : nil,
            "graph_def": m.hasGraphDef ? json(m.graphDef) : nil,
            "saver_def": m.hasSaverDef ? json(m.saverDef) : nil,
            "collection_def": try Self.map(m.collectionDef) { try json($0) },
            "signature_def": Self.map(m.signatureDef) { json($0) },
            "asset_file_def": Self.list(m.assetFileDef) { json($0) },
            "object_graph_def": try m.objectGraphDef.map { try json($0) },
        ])
    }

    func json(_ i: MetaGraphDef.MetaInfoDef) throws -> JSONValue {
        Self.object([
            "meta_graph_version": Self.stringField(i.metaGraphVersion),
            "stripped_op_list": i.hasStrippedOpList ? json(i.strippedOpList) : nil,
            "any_info": try i.anyInfo.map { try json($0) },
            "tags": Self.strings(i.tags),
            "tensorflow_version": Self.stringField(i.tensorflowVersion),
            "tensorflow_git_version": Self.stringField(i.tensorflowGitVersion),
            "stripped_default_attrs": Self.boolField(i.strippedDefaultAttrs),
            "function_aliases": Self.map(i.functionAliases) { .string($0) },
        ])
    }

    func json(_ s: SaverDef) -> JSONValue {
        Self.object([
            "filename_tensor_name": Self.stringField(s.filenameTensorName),
            "save_tensor_name": Self.stringField(s.saveTensorName),
            "restore_op_name": Self.stringField(s.restoreOpName), "max_to_keep": Self.int32Field(s.maxToKeep),
            "sharded": Self.boolField(s.sharded),
            "keep_checkpoint_every_n_hours": Self.floatField(s.keepCheckpointEveryNHours),
            "version": enumField("tensorflow.SaverDef.CheckpointFormatVersion", s.version.rawValue),
        ])
    }

    func json(_ c: CollectionDef) throws -> JSONValue {
        switch c.kind {
        case .nodeList(let v): return .object(["node_list": Self.object(["value": Self.strings(v)])])
        case .bytesList(let v): return .object(["bytes_list": Self.object(["value": Self.list(v, Self.bytes)])])
        case .int64List(let v): return .object(["int64_list": Self.object(["value": Self.list(v, Self.int64)])])
        case .floatList(let v): return .object(["float_list": Self.object(["value": Self.list(v) { .float($0) }])])
        case .anyList(let v): return .object(["any_list": Self.object(["value": try Self.list(v) { try json($0) }])])
        case .none: return .object([:])
        }
    }

    /// An `Any` renders as its unpacked message plus `"@type"`.
    func json(_ a: ProtoAny) throws -> JSONValue {
        let inner: JSONValue
        if let asset = try a.unpack(AssetFileDef.self) {
            inner = json(asset)
        } else if let variable = try a.unpack(VariableDef.self) {
            inner = json(variable)
        } else {
            throw UnknownAnyType(typeURL: a.typeURL)
        }
        guard case .object(var fields) = inner else { return inner }
        fields["@type"] = .string(a.typeURL)
        return .object(fields)
    }

    func json(_ s: SignatureDef) -> JSONValue {
        Self.object([
            "inputs": Self.map(s.inputs) { json($0) }, "outputs": Self.map(s.outputs) { json($0) },
            "method_name": Self.stringField(s.methodName), "defaults": Self.map(s.defaults) { json($0) },
        ])
    }

    func json(_ t: TensorInfo) -> JSONValue {
        var fields: [String: JSONValue?] = [
            "dtype": dtypeField(t.dtype), "tensor_shape": t.hasTensorShape ? json(t.tensorShape) : nil,
        ]
        switch t.encoding {
        case .name(let name)?: fields["name"] = .string(name)
        case .cooSparse(let c)?:
            fields["coo_sparse"] = Self.object([
                "values_tensor_name": Self.stringField(c.valuesTensorName),
                "indices_tensor_name": Self.stringField(c.indicesTensorName),
                "dense_shape_tensor_name": Self.stringField(c.denseShapeTensorName),
            ])
        case .compositeTensor(let c)?:
            fields["composite_tensor"] = Self.object([
                "type_spec": c.typeSpec.map {
                    Self.object([
                        "type_spec_class": enumField("tensorflow.TypeSpecProto.TypeSpecClass", $0.typeSpecClass),
                        "type_state": $0.typeState.map { json($0) },
                        "type_spec_class_name": Self.stringField($0.typeSpecClassName),
                        "num_flat_components": Self.int32Field($0.numFlatComponents),
                    ])
                },
                "components": Self.list(c.components) { json($0) },
            ])
        case nil: break
        }
        return Self.object(fields)
    }

    func json(_ a: AssetFileDef) -> JSONValue {
        Self.object(["tensor_info": a.hasTensorInfo ? json(a.tensorInfo) : nil, "filename": Self.stringField(a.filename)])
    }

    func json(_ v: VariableDef) -> JSONValue {
        Self.object([
            "variable_name": Self.stringField(v.variableName), "initial_value_name": Self.stringField(v.initialValueName),
            "initializer_name": Self.stringField(v.initializerName), "snapshot_name": Self.stringField(v.snapshotName),
            "save_slice_info_def": v.saveSliceInfoDef.map {
                Self.object([
                    "full_name": Self.stringField($0.fullName), "full_shape": Self.list($0.fullShape, Self.int64),
                    "var_offset": Self.list($0.varOffset, Self.int64), "var_shape": Self.list($0.varShape, Self.int64),
                ])
            },
            "is_resource": Self.boolField(v.isResource), "trainable": Self.boolField(v.trainable),
            "synchronization": enumField("tensorflow.VariableSynchronization", v.synchronization.rawValue),
            "aggregation": enumField("tensorflow.VariableAggregation", v.aggregation.rawValue),
        ])
    }

    func json(_ m: ModuleDef) -> JSONValue {
        Self.object([
            "format": enumField("tensorflow_hub.ModuleDef.Format", m.format.rawValue),
            "required_features": Self.strings(m.requiredFeatures),
        ])
    }

    func json(_ a: ModuleAttachment) -> JSONValue {
        Self.object(["key": Self.stringField(a.key), "value": Self.bytesField(a.value)])
    }

    func json(_ i: ImageModuleInfo) -> JSONValue {
        Self.object([
            "default_image_size": i.defaultImageSize.map {
                Self.object(["height": Self.int32Field($0.height), "width": Self.int32Field($0.width)])
            },
        ])
    }

    func json(_ h: BundleHeaderProto) -> JSONValue {
        Self.object([
            "num_shards": Self.int32Field(h.numShards),
            "endianness": enumField("tensorflow.BundleHeaderProto.Endianness", h.endianness.rawValue),
            "version": h.hasVersion ? json(h.version) : nil,
        ])
    }

    func json(_ e: BundleEntryProto) -> JSONValue {
        Self.object([
            "dtype": dtypeField(e.dtype), "shape": e.hasShape ? json(e.shape) : nil,
            "shard_id": Self.int32Field(e.shardID), "offset": Self.int64Field(e.offset), "size": Self.int64Field(e.size),
            "crc32c": Self.uint32Field(e.crc32c),
            "slices": Self.list(e.slices) { json($0) },
        ])
    }

    func json(_ s: TensorSliceProto) -> JSONValue {
        Self.object([
            "extent": Self.list(s.extent) { e in
                Self.object(["start": Self.int64Field(e.start), "length": e.length.map(Self.int64)])
            },
        ])
    }
}
