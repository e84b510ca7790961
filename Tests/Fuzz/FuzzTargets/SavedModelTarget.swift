import Foundation
import HubResolver
import Interpreter
import TensorFlowHub
import TFProto

// MARK: - saved_model.pb and tfhub_module.pb

enum SavedModelTarget {
    /// Small enough that a fuzzed shape cannot make one input take seconds.
    static let graphLimits = GraphLimits(
        maximumNodeCount: 100_000, maximumTensorByteCount: 16 << 20, maximumConstantByteCount: 64 << 20)

    static let moduleFolder: URL = {
        let folder = Scratch.root.appendingPathComponent("module", isDirectory: true)
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // A valid tfhub_module.pb: format FORMAT_V3.
        _ = FileManager.default.createFile(atPath: folder.appendingPathComponent("tfhub_module.pb").path,
                                       contents: Data([0x08, 0x03]))
        return folder
    }()

    /// The same bytes without `tfhub_module.pb`: a SavedModel, read as TF2 when it has an object graph.
    static let savedModelFolder: URL = {
        let folder = Scratch.root.appendingPathComponent("savedmodel", isDirectory: true)
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }()

    static func run(_ bytes: UnsafeRawBufferPointer) {
        _ = try? ModuleDef(serializedBytes: bytes)
        guard let savedModel = try? SavedModel(serializedBytes: bytes) else { return }
        for metaGraph in savedModel.metaGraphs.prefix(4) {
            guard let graph = try? Graph(
                graphDef: metaGraph.graphDef, opList: metaGraph.metaInfoDef.strippedOpList, limits: graphLimits)
            else { continue }
            for signature in metaGraph.signatureDef.values.prefix(4) {
                GraphTarget.plan(graph, inputs: Array(signature.inputs.values.compactMap(\.name).prefix(4)),
                                 fetches: Array(signature.outputs.values.compactMap(\.name).prefix(4)))
            }
        }
        // The whole hub load path: module files, tag sets, signatures, assets, attachments, graph.
        Scratch.write(bytes, to: moduleFolder.appendingPathComponent("saved_model.pb"))
        let options = Module.LoadOptions(graphLimits: graphLimits)
        for tags: Set<String> in [[], ["train"]] {
            _ = try? Module(handle: moduleFolder.path, tags: tags, options: options)
        }
        // The SavedModel path (TF2 object graph, signatures' captures, __call__), without tfhub_module.pb.
        if mkdir(savedModelFolder.path, 0o755) != 0, errno == ENOENT {  // again after a cleanUp removed the scratch root
            try? FileManager.default.createDirectory(at: savedModelFolder, withIntermediateDirectories: true)
        }
        Scratch.write(bytes, to: savedModelFolder.appendingPathComponent("saved_model.pb"))
        _ = try? Module(handle: savedModelFolder.path, options: options)
    }
}
