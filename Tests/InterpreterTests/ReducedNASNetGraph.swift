import Foundation
import Interpreter
import TFProto
import TensorBundle
import Tensors
import Testing
import TestSupport

/// The reduced NASNet module of `style`, tag set, with variables frozen, and its feed and fetch names.
func nasnetGraph(_ style: String, train: Bool) throws -> (graph: Graph, input: String, fetch: String) {
    let folder = Fixtures.url("nasnet/\(style)")
    let savedModel = try SavedModel(
        serializedBytes: [UInt8](Data(contentsOf: folder.appendingPathComponent("module/saved_model.pb"))))
    let meta = try #require(savedModel.metaGraphs.first { $0.metaInfoDef.tags.sorted() == (train ? ["train"] : []) })
    let graph = try Graph(graphDef: meta.graphDef, opList: meta.metaInfoDef.strippedOpList)
    let signature = try #require(meta.signatureDef["image_feature_vector"])
    let input = try #require(signature.inputs["images"]?.name)
    let fetch = try #require(signature.outputs["default"]?.name)
    let size = try NumpyFile.read(folder.appendingPathComponent("inputs_b1.npy")).shape
    let needed = try graph.plan(feeds: [input: ValueType(.float32, size)], fetches: [fetch]).variables
    let bundle = try BundleReader(prefix: folder.appendingPathComponent("module/variables/variables"))
    var variables: [String: Tensor] = [:]
    for name in needed.keys {
        let stored = try bundle.tensor(forKey: name)
        variables[name] = Tensor(shape: Shape(stored.shape), scalars: try stored.floats())
    }
    return (graph.freezingVariables(variables), input, fetch)
}
