import TFProto

/// One graph variant of the source module with the classifier head added: nodes, op definitions,
/// variable collections and the `default` / `image_classification` / `image_feature_vector` signatures.
/// Everything else (other collections such as `update_ops` and `hub_module_attachments`, other
/// signatures, assets, meta info) is kept as it was.
enum HeadedMetaGraph {
    static let featureSignatures = ["image_feature_vector", "default"]

    /// The feature vector the head reads: the first of `featureSignatures` with an output `default`.
    static func featureSignature(of meta: MetaGraphDef, file: String) throws -> (name: String, signature: SignatureDef) {
        let tags = meta.metaInfoDef.tags
        guard let name = featureSignatures.first(where: { meta.signatureDef[$0]?.outputs["default"] != nil }),
              let signature = meta.signatureDef[name]
        else {
            throw ModuleExportError.noFeatureSignature(file: file, tags: tags, available: meta.signatureDef.keys.sorted())
        }
        return (name, signature)
    }

    /// `meta` with a head of `classCount` classes on its feature vector; returns the feature count too.
    static func adding(classCount: Int, to meta: MetaGraphDef, file: String) throws -> (MetaGraphDef, features: Int) {
        let tags = meta.metaInfoDef.tags
        let (signatureName, signature) = try featureSignature(of: meta, file: file)
        let output = signature.outputs["default"]!
        func bad(_ detail: String) -> ModuleExportError {
            .badFeatureOutput(file: file, signature: signatureName, detail: detail)
        }
        guard let featureTensor = output.name else { throw bad("not a dense tensor") }
        guard output.dtype == .float else { throw bad("dtype \(output.dtype), expected DT_FLOAT") }
        guard let dims = output.tensorShape.dims, dims.count == 2, dims[1] > 0 else {
            throw bad("shape \(output.tensorShape.dims.map { "\($0)" } ?? "of unknown rank"), expected [batch, features]")
        }

        var result = meta
        let head = ClassifierHeadGraph(
            isResource: usesResourceVariables(meta), features: featureTensor, batch: dims[0], featureCount: dims[1],
            classCount: Int64(classCount))
        let newNodes = head.nodes
        let existing = Set(meta.graphDef.node.map(\.name))
        if let clash = newNodes.first(where: { existing.contains($0.name) }) {
            throw ModuleExportError.nameClash(name: clash.name, file: file)
        }
        result.graphDef.node += newNodes

        var ops = meta.metaInfoDef.strippedOpList.op
        let known = Set(ops.map(\.name))
        ops += head.opNames.subtracting(known).compactMap { HeadOpDefs.byName[$0] }
        result.metaInfoDef.strippedOpList.op = ops.sorted { $0.name < $1.name }

        let definitions = try head.variableDefs.map { try $0.serializedBytes() }
        for collection in ["variables", "trainable_variables"] {
            switch meta.collectionDef[collection]?.kind {
            case .bytesList(let values)?:
                result.collectionDef[collection] = CollectionDef(kind: .bytesList(values + definitions))
            case nil, .none?:
                result.collectionDef[collection] = CollectionDef(kind: .bytesList(definitions))
            default:
                throw ModuleExportError.badCollection(file: file, tags: tags, name: collection)
            }
        }

        let classification = SignatureDef(
            inputs: signature.inputs, outputs: ["default": head.logits], methodName: signature.methodName)
        result.signatureDef["image_feature_vector"] = meta.signatureDef["image_feature_vector"] ?? signature
        result.signatureDef["default"] = classification
        result.signatureDef["image_classification"] = classification
        return (result, Int(dims[1]))
    }

    /// Whether the graph's variables are resource variables (`VarHandleOp`), by its `variables`
    /// collection (the majority, should it mix styles), else by its nodes.
    static func usesResourceVariables(_ meta: MetaGraphDef) -> Bool {
        if case .bytesList(let values)? = meta.collectionDef["variables"]?.kind {
            let definitions = values.compactMap { try? VariableDef(serializedBytes: $0) }
            if !definitions.isEmpty {
                return 2 * definitions.filter(\.isResource).count >= definitions.count
            }
        }
        return meta.graphDef.node.contains { $0.op == "VarHandleOp" }
    }
}
