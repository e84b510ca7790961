import Foundation
import TFProto

/// The files of a module folder and the checks tensorflow_hub makes on them. With `tfhub_module.pb`
/// (a TF1 hub module, `native_module.Loader`): it is `FORMAT_V3` with no required features, and the
/// requested tag set matches exactly one MetaGraphDef. Without it (a SavedModel, `hub.load`): the
/// requested tag set, or when none is given the only MetaGraphDef, else the one tagged `serve`
/// (`tf.saved_model.load` with `tags=None`). Either way `saved_model.pb` has unique tag sets.
struct ModuleFiles {
    static let moduleDefName = "tfhub_module.pb"
    static let savedModelName = "saved_model.pb"
    static let variablesPrefix = "variables/variables"
    static let assetsDirectory = "assets"
    /// The tag set TF2's `tf.saved_model.save` writes.
    static let serveTags: Set<String> = ["serve"]

    let directory: URL
    let savedModel: SavedModel
    /// Whether the folder holds `tfhub_module.pb` (a TF1 hub module).
    let isHubModule: Bool

    var savedModelPath: String { directory.appendingPathComponent(Self.savedModelName).path }
    var variablesIndexPath: String { directory.appendingPathComponent(Self.variablesPrefix + ".index").path }

    init(directory: URL, protoLimits: ProtoDecodingLimits = .default) throws {
        self.directory = directory
        let moduleDefURL = directory.appendingPathComponent(Self.moduleDefName)
        let savedModelURL = directory.appendingPathComponent(Self.savedModelName)
        guard FileManager.default.fileExists(atPath: savedModelURL.path) else {
            throw ModuleError.missingFile(directory: directory.path, file: Self.savedModelName)
        }
        isHubModule = FileManager.default.fileExists(atPath: moduleDefURL.path)
        if isHubModule {
            let moduleDef = try ModuleDef(contentsOf: moduleDefURL, limits: protoLimits)
            guard moduleDef.format.rawValue == 3 else {
                throw ModuleError.unsupportedFormat(file: moduleDefURL.path, format: moduleDef.format.rawValue)
            }
            guard moduleDef.requiredFeatures.isEmpty else {
                throw ModuleError.unsupportedFeatures(file: moduleDefURL.path, features: moduleDef.requiredFeatures)
            }
        }
        savedModel = try SavedModel(contentsOf: savedModelURL, limits: protoLimits)
        var seen: Set<Set<String>> = []
        for metaGraph in savedModel.metaGraphs {
            let tags = Set(metaGraph.metaInfoDef.tags)
            guard seen.insert(tags).inserted else {
                throw ModuleError.duplicateTagSet(file: savedModelURL.path, tags: tags.sorted())
            }
        }
    }

    /// Every tag set, in file order (`[]` is a hub module's inference graph, `["train"]` its
    /// fine-tuning one, `["serve"]` a TF2 SavedModel's).
    var tagSets: [Set<String>] { savedModel.metaGraphs.map { Set($0.metaInfoDef.tags) } }

    /// The MetaGraphDef whose tag set equals `tags`; for a SavedModel asked for `[]` without such a
    /// graph, its only MetaGraphDef, else its `serve` one.
    func metaGraph(tags: Set<String>) throws -> MetaGraphDef {
        if let match = savedModel.metaGraphs.first(where: { Set($0.metaInfoDef.tags) == tags }) { return match }
        if !isHubModule, tags.isEmpty {
            if savedModel.metaGraphs.count == 1 { return savedModel.metaGraphs[0] }
            if let serve = savedModel.metaGraphs.first(where: { Set($0.metaInfoDef.tags) == Self.serveTags }) {
                return serve
            }
        }
        throw ModuleError.noSuchGraphVariant(
            file: savedModelPath, requested: tags.sorted(), available: tagSets.map { $0.sorted() })
    }

    /// The format of the folder read with this graph variant.
    func format(of metaGraph: MetaGraphDef) -> ModuleFormat {
        if isHubModule { return .hubModule }
        return metaGraph.objectGraphDef == nil ? .savedModelV1 : .savedModelV2
    }
}
