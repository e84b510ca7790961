import Foundation
import Interpreter
import TFProto

/// Points asset-path constants at this module's `assets/` folder, as hub's
/// `_merge_assets_key_collection` does: each `AssetFileDef` of the `saved_model_assets` collection
/// names a string `Const` whose value (`SAVEDMODEL-ASSET` on export) becomes `<module>/assets/<file>`.
enum Assets {
    static let collectionKey = "saved_model_assets"

    static func patch(_ graphDef: inout GraphDef, metaGraph: MetaGraphDef, directory: URL, file: String) throws {
        guard let collection = metaGraph.collectionDef[collectionKey] else { return }
        guard case .anyList(let values) = collection.kind else {
            throw ModuleError.badAsset(file: file, reason: "\(collectionKey) must be an any_list")
        }
        let assetsDirectory = directory.appendingPathComponent(ModuleFiles.assetsDirectory)
        var indexByName: [String: Int] = [:]
        for (i, node) in graphDef.node.enumerated() { indexByName[node.name] = i }
        for value in values {
            let asset: AssetFileDef
            do { asset = try AssetFileDef(serializedBytes: value.value) } catch {
                throw ModuleError.badAsset(file: file, reason: "\(error)")
            }
            let filename = asset.filename
            guard !filename.isEmpty, !filename.contains("/"), filename != ".", filename != ".." else {
                throw ModuleError.badAsset(file: file, reason: "asset file name '\(filename)' escapes assets/")
            }
            guard let tensorName = asset.tensorInfo.name,
                  let nodeName = try? TensorName(parsing: tensorName).node,
                  let index = indexByName[nodeName],
                  case .tensor(var tensor)? = graphDef.node[index].attr["value"],
                  tensor.dtype == .string
            else {
                throw ModuleError.badAsset(
                    file: file, reason: "asset '\(filename)' does not name a string Const node")
            }
            tensor.stringVal = [Array(assetsDirectory.appendingPathComponent(filename).path.utf8)]
            tensor.tensorContent = []
            graphDef.node[index].attr["value"] = .tensor(tensor)
        }
    }
}
