import Foundation
import HubResolver
import Interpreter
import Logging
import Tensors
import TensorBundle
import TFProto

/// Everything a `Module` reads from its folder: one graph variant, its signatures, attachments and
/// variables.
struct ModuleContents {
    let directory: URL
    let format: ModuleFormat
    /// The tag set of the graph variant read.
    let tags: Set<String>
    let availableTagSets: [Set<String>]
    let signatures: [String: Signature]
    /// Signatures that cannot be called, with the error a call gives (TF2: non-tensor inputs, ...).
    let unusableSignatures: [String: ModuleError]
    /// What calls that name no signature run.
    let defaultSignature: String
    let imageModuleInfo: ImageModuleInfo?
    let opHistogram: [String: Int]
    /// The graph as written, with the variables bound for inference plans.
    let graph: Graph
    let variables: [String: Tensor]
    /// Variable node names of the `trainable_variables` collection.
    let trainableVariables: [String]
    /// Node names of the `update_ops` collection, in its order.
    let updateOps: [String]
    /// Tensor names of the `regularization_losses` collection, in its order.
    let regularizationLosses: [String]

    /// Resolves `handle` and reads the module. A cached copy (from an archive or a URL) whose files
    /// fail to decode or to pass their checksums is broken, not the module: it is moved out of the
    /// cache, fetched again once, and read again; if that copy fails too, the error names the handle
    /// and the cache folder.
    static func load(handle: String, tags: Set<String>, resolver: ModuleResolver, options: Module.LoadOptions) throws -> ModuleContents {
        let directory = try resolver.resolve(handle)
        guard let cached = resolver.cacheFolder(for: handle),
              cached.standardizedFileURL.path == directory.standardizedFileURL.path
        else { return try read(directory: directory, tags: tags, options: options) }
        do {
            return try read(directory: directory, tags: tags, options: options)
        } catch where isDamagedFile(error) {
            Logger(label: "TensorFlowHub.Module").warning(
                "Cached copy \(directory.path) of '\(handle)' is broken (\(error)); fetching it again.")
            try resolver.evict(handle)
            let again = try resolver.resolve(handle)
            do {
                return try read(directory: again, tags: tags, options: options)
            } catch where isDamagedFile(error) {
                throw ModuleError.brokenCacheEntry(handle: handle, folder: again.path, reason: "\(error)")
            }
        }
    }

    /// Whether `error` says a file's bytes are damaged (truncated, overwritten, checksum mismatch), as
    /// opposed to a module that is well formed but not supported or not asked for correctly.
    static func isDamagedFile(_ error: any Error) -> Bool {
        error is ProtoDecodingError || error is BundleError
    }

    static func read(directory: URL, tags: Set<String>, options: Module.LoadOptions) throws -> ModuleContents {
        let files = try ModuleFiles(directory: directory, protoLimits: options.protoLimits)
        let metaGraph = try files.metaGraph(tags: tags)
        let file = files.savedModelPath
        let format = files.format(of: metaGraph)
        if format == .savedModelV2 {
            let read = try SavedModelV2Reader.read(directory: directory, file: file, metaGraph: metaGraph, options: options)
            return ModuleContents(
                directory: directory, format: format, tags: Set(metaGraph.metaInfoDef.tags),
                availableTagSets: files.tagSets, signatures: read.signatures, unusableSignatures: read.unusable,
                defaultSignature: read.defaultSignature, imageModuleInfo: nil, opHistogram: read.opHistogram,
                graph: read.graph, variables: read.variables, trainableVariables: read.trainableVariables,
                updateOps: [], regularizationLosses: [])
        }

        var graphDef = metaGraph.graphDef
        try Assets.patch(&graphDef, metaGraph: metaGraph, directory: directory, file: file)

        var signatures: [String: Signature] = [:]
        for (name, definition) in metaGraph.signatureDef where !SavedModelV2Reader.internalSignatures.contains(name) {
            signatures[name] = try Signature(name: name, definition: definition)
        }
        let variables = try VariableLoader.load(directory: directory, metaGraph: metaGraph)
        // Function calls the signatures reach are inlined; the library's other functions are ignored.
        let graph = try Graph(
            graphDef: graphDef, opList: metaGraph.metaInfoDef.strippedOpList, limits: options.graphLimits,
            functionCallsReaching: signatures.values.flatMap { $0.outputs.values.map(\.tensorName) },
            feeds: signatures.values.flatMap { $0.inputs.values.map(\.tensorName) })
            .freezingVariables(variables)
        let defaultSignature = format == .hubModule || signatures["default"] != nil
            ? "default" : signatures["serving_default"] != nil ? "serving_default" : signatures.keys.sorted().first ?? "default"
        return ModuleContents(
            directory: directory, format: format, tags: Set(metaGraph.metaInfoDef.tags), availableTagSets: files.tagSets,
            signatures: signatures, unusableSignatures: [:], defaultSignature: defaultSignature,
            imageModuleInfo: try Attachments(metaGraph: metaGraph, file: file).imageModuleInfo(file: file),
            opHistogram: graphDef.node.reduce(into: [:]) { $0[$1.op, default: 0] += 1 },
            graph: graph, variables: variables, trainableVariables: try VariableLoader.trainableNames(metaGraph),
            updateOps: nodeList(metaGraph, "update_ops"), regularizationLosses: nodeList(metaGraph, "regularization_losses"))
    }

    /// The names of a `node_list` collection (`tf.GraphKeys`), or none.
    private static func nodeList(_ metaGraph: MetaGraphDef, _ collection: String) -> [String] {
        guard case .nodeList(let names)? = metaGraph.collectionDef[collection]?.kind else { return [] }
        return names
    }
}

extension Module {
    /// Reads every file of the module folder `directory` as loading does (the protobuf files, every
    /// graph variant, every variable with its checkpoint checksums) and throws the first problem;
    /// for checking cached copies (`tfhub cache verify`).
    public static func verifyFiles(in directory: URL, options: LoadOptions = .default) throws {
        let files = try ModuleFiles(directory: directory, protoLimits: options.protoLimits)
        for tags in files.tagSets {
            let metaGraph = try files.metaGraph(tags: tags)
            if files.format(of: metaGraph) == .savedModelV2 {
                _ = try SavedModelV2Reader.read(
                    directory: directory, file: files.savedModelPath, metaGraph: metaGraph, options: options)
            }
            _ = try VariableLoader.load(directory: directory, metaGraph: metaGraph)
        }
    }
}
