import Foundation
import Interpreter
import TFProto
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
