import Foundation
import TFProto

/// The files of a TF1 hub module folder and the checks tensorflow_hub makes on them
/// (`native_module.Loader`): `tfhub_module.pb` is `FORMAT_V3` with no required features,
/// `saved_model.pb` has unique tag sets, and the requested tag set matches exactly one MetaGraphDef.
struct ModuleFiles {
    static let moduleDefName = "tfhub_module.pb"
    static let savedModelName = "saved_model.pb"
    static let variablesPrefix = "variables/variables"
    static let assetsDirectory = "assets"

    let directory: URL
    let savedModel: SavedModel

    var savedModelPath: String { directory.appendingPathComponent(Self.savedModelName).path }

    init(directory: URL, protoLimits: ProtoDecodingLimits = .default) throws {
        self.directory = directory
        let moduleDefURL = directory.appendingPathComponent(Self.moduleDefName)
        let savedModelURL = directory.appendingPathComponent(Self.savedModelName)
        for url in [moduleDefURL, savedModelURL] where !FileManager.default.fileExists(atPath: url.path) {
            throw ModuleError.missingFile(directory: directory.path, file: url.lastPathComponent)
        }
        let moduleDef = try ModuleDef(contentsOf: moduleDefURL, limits: protoLimits)
        guard moduleDef.format.rawValue == 3 else {
            throw ModuleError.unsupportedFormat(file: moduleDefURL.path, format: moduleDef.format.rawValue)
        }
        guard moduleDef.requiredFeatures.isEmpty else {
            throw ModuleError.unsupportedFeatures(file: moduleDefURL.path, features: moduleDef.requiredFeatures)
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

    /// Every tag set, in file order (`[]` is the inference graph, `["train"]` the fine-tuning one).
    var tagSets: [Set<String>] { savedModel.metaGraphs.map { Set($0.metaInfoDef.tags) } }

    /// The one MetaGraphDef whose tag set equals `tags`.
    func metaGraph(tags: Set<String>) throws -> MetaGraphDef {
        guard let match = savedModel.metaGraphs.first(where: { Set($0.metaInfoDef.tags) == tags }) else {
            throw ModuleError.noSuchGraphVariant(
                file: savedModelPath, requested: tags.sorted(), available: tagSets.map { $0.sorted() })
        }
        return match
    }
}
