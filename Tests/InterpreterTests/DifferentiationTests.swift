import Foundation
import Interpreter
import TFProto
import TensorBundle
import Tensors
import Testing
import TestSupport

// MARK: - Reverse-mode differentiation against tf.gradients (Tests/Fixtures/gradients/make_gradients.py)

private struct GradientCase: Decodable, CustomStringConvertible, Sendable {
    let name: String
    let loss: String
    let placeholders: [String]
    let targets: [String]
    var description: String { name }
}

private let gradientCases: [GradientCase] = {
    struct Manifest: Decodable { let cases: [GradientCase] }
    guard let data = try? Data(contentsOf: Fixtures.url("gradients/manifest.json")),
          let manifest = try? JSONDecoder().decode(Manifest.self, from: data) else { return [] }
    return manifest.cases
}()

/// The gradient of a stem/cell/classifier loss (conv, batch norm in training and inference mode,
/// depthwise, bias, relu6, max and average pools, concat, mean, matmul, broadcasting add, sparse
/// softmax cross-entropy, L2 loss) with respect to the images and every weight equals TensorFlow's.
@Test(arguments: gradientCases)
fileprivate func gradientsEqualTensorFlows(_ c: GradientCase) throws {
    let folder = Fixtures.url("gradients/\(c.name)")
    let graphDef = try GraphDef(serializedBytes: [UInt8](Data(contentsOf: folder.appendingPathComponent("graph.pb"))))
    let graph = try Graph(graphDef: graphDef)
    var feeds: [String: Tensor] = [:]
    for name in c.placeholders { feeds[name] = try NumpyFile.read(folder.appendingPathComponent("\(name).npy")) }
    let types = feeds.mapValues { ValueType($0.elementType, $0.shape) }

    let differentiated = try graph.differentiating(c.loss, withRespectTo: c.targets, feeds: types)
    let plan = try differentiated.graph.plan(
        feeds: types, fetches: [differentiated.loss] + differentiated.gradients, options: PlanOptions(optimize: false))
    let results = try plan.run(feeds: feeds)

    let loss = try NumpyFile.read(folder.appendingPathComponent("loss.npy"))
    #expect(abs(results[0].scalars(as: Float.self)[0] - loss.scalars(as: Float.self)[0]) <= 1e-5 * max(1, abs(loss.scalars(as: Float.self)[0])))
    var worst: Float = 0
    for (target, ours) in zip(c.targets, results.dropFirst()) {
        let theirs = try NumpyFile.read(folder.appendingPathComponent("grad_\(target).npy"))
        #expect(ours.shape == theirs.shape, "\(target)")
        let error = relativeError(ours, theirs)
        worst = max(worst, error)
        #expect(error <= 1e-4, "\(c.name) d loss / d \(target): relative error \(error)")
    }
    print("\(c.name): worst relative gradient error \(worst) over \(c.targets.count) targets")
}

/// Every op without a gradient rule on the way from the targets to the loss is named in one error.
@Test func opsWithoutAGradientAreListedTogether() throws {
    var g = GraphBuilder()
    g.placeholder("x", [2, 3])
    g.node("a", "Floor", ["x"], ["T": .type(.float)])
    g.node("b", "Rsqrt", ["x"], ["T": .type(.float)])
    g.node("c", "AddV2", ["a", "b"], ["T": .type(.float)])
    g.const("axes", ints: [0, 1])
    g.node("loss", "Sum", ["c", "axes"], ["T": .type(.float), "Tidx": .type(.int32)])
    let graph = try g.graph()
    #expect {
        _ = try graph.differentiating("loss", withRespectTo: ["x"], feeds: ["x": ValueType(.float32, [2, 3])])
    } throws: { error in
        guard case .noGradient(let ops)? = error as? GradientError else { return false }
        return Set(ops.map(\.op)) == ["Floor", "Rsqrt"] && "\(error)".contains("Floor") && "\(error)".contains("Rsqrt")
    }
}

// MARK: - Whole reduced NASNet-A modules with a classifier head (make_module_gradients.py)

private struct ModuleGradientCase: Decodable, CustomStringConvertible, Sendable {
    struct Target: Decodable, Sendable {
        let name: String
        let shape: [Int]
        let offset: Int
    }
    let style: String
    let folder: String
    let images: String
    let loss: String
    let inputs: String
    let targets: [Target]
    var description: String { style }
}

private let moduleGradientCases: [ModuleGradientCase] = {
    struct Manifest: Decodable { let cases: [ModuleGradientCase] }
    guard let data = try? Data(contentsOf: Fixtures.url("gradients/module_manifest.json")),
          let manifest = try? JSONDecoder().decode(Manifest.self, from: data) else { return [] }
    return manifest.cases
}()

/// `mean(sparse_xent(features @ W + b))` on the {"train"} graph of each reduced NASNet-A module
/// (TF-Slim with VariableV2 + FusedBatchNorm, resource variables + V3, Keras): the gradient with
/// respect to the images and every trainable variable equals TensorFlow's within 1e-4 of its scale.
@Test(arguments: moduleGradientCases)
fileprivate func moduleGradientsEqualTensorFlows(_ c: ModuleGradientCase) throws {
    let module = Fixtures.url("nasnet/\(c.style)/module")
    let savedModel = try SavedModel(
        serializedBytes: [UInt8](Data(contentsOf: module.appendingPathComponent("saved_model.pb"))))
    let meta = try #require(savedModel.metaGraphs.first { $0.metaInfoDef.tags == ["train"] })
    let folder = Fixtures.url("gradients/\(c.folder)")
    let head = try GraphDef(serializedBytes: [UInt8](Data(contentsOf: folder.appendingPathComponent("head.pb"))))
    let graph = try Graph(graphDef: GraphDef(node: meta.graphDef.node + head.node), opList: meta.metaInfoDef.strippedOpList)
    let images = try NumpyFile.read(Fixtures.url(c.inputs))
    let feeds = [c.images: images]
    let types = feeds.mapValues { ValueType($0.elementType, $0.shape) }

    let differentiated = try graph.differentiating(c.loss, withRespectTo: c.targets.map(\.name), feeds: types)
    let plan = try differentiated.graph.plan(
        feeds: types, fetches: [differentiated.loss] + differentiated.gradients, options: PlanOptions(optimize: false))
    let bundle = try BundleReader(prefix: module.appendingPathComponent("variables/variables"))
    var variables: [String: Tensor] = [:]
    for name in plan.variables.keys {
        let stored = try bundle.tensor(forKey: name)
        variables[name] = Tensor(shape: Shape(stored.shape), scalars: try stored.floats())
    }
    let results = try plan.run(feeds: feeds, variables: variables, context: ExecutionContext(threads: 2))

    let expectedLoss = try NumpyFile.read(folder.appendingPathComponent("loss.npy")).scalars(as: Float.self)[0]
    let loss = results[0].scalars(as: Float.self)[0]
    #expect(abs(loss - expectedLoss) <= 1e-4 * max(1, abs(expectedLoss)), "loss \(loss) vs TF \(expectedLoss)")
    let all = try NumpyFile.read(folder.appendingPathComponent("grads.npy")).scalars(as: Float.self)
    // Some gradients are zero in exact arithmetic (a beta feeding a batch norm in training mode, which
    // removes constant offsets); TF's values there are rounding noise near 1e-7. Their error is taken
    // relative to the network's largest gradient; every other gradient relative to its own scale.
    let networkScale = all.map(abs).max() ?? 1
    var worst: (error: Float, name: String) = (0, "")
    var noiseTargets = 0
    for (target, ours) in zip(c.targets, results.dropFirst()) {
        let count = target.shape.reduce(1, *)
        let theirs = Tensor(shape: Shape(target.shape), scalars: Array(all[target.offset..<(target.offset + count)]))
        #expect(ours.shape == theirs.shape, "\(target.name)")
        let scale = theirs.scalars(as: Float.self).map(abs).max() ?? 0
        let difference = zip(ours.scalars(as: Float.self), theirs.scalars(as: Float.self)).map { abs($0 - $1) }.max() ?? 0
        let isNoise = scale < 1e-5 * networkScale
        if isNoise { noiseTargets += 1 }
        let error = difference / (isNoise ? networkScale : max(scale, .leastNormalMagnitude))
        if error > worst.error { worst = (error, target.name) }
        #expect(error <= 1e-4, "\(c.style) d loss / d \(target.name): relative error \(error), scale \(scale)")
    }
    print("\(c.style): worst relative gradient error \(worst.error) (\(worst.name)) over \(c.targets.count) targets, "
        + "\(noiseTargets) of them zero up to rounding")
}
