import Foundation
import Interpreter
import Tensors

/// A reason a signature cannot run, found by planning it (see `Module.checkSignatures()`).
public struct SignatureProblem: Sendable, CustomStringConvertible {
    /// The signature's name.
    public let signature: String
    /// What is wrong (missing nodes, unsupported ops, variables without values, ...).
    public let reason: String

    public var description: String { "signature '\(signature)': \(reason)" }
}

extension Module {
    /// Plans every signature for a batch of one (unknown dimensions of images taken from
    /// `getExpectedImageSize()`, other unknown dimensions as 1) and lists what would stop it from
    /// running: nodes the graph lacks, unsupported ops (all of them), variables the checkpoint has no
    /// value for, invalid nodes. Empty when every signature plans. Nothing is run.
    public func checkSignatures() -> [SignatureProblem] {
        var problems: [SignatureProblem] = []
        for name in signatureNames {
            if let problem = unusableSignatures[name] {
                problems.append(SignatureProblem(signature: name, reason: "\(problem)"))
                continue
            }
            guard let signature = signatures[name] else { continue }
            var inputs: [String: ValueType] = [:]
            var unusable: String?
            for (key, spec) in signature.inputs {
                guard let elementType = spec.elementType else {
                    unusable = "input '\(key)' has dtype \(spec.dataTypeName), which this interpreter does not handle"
                    break
                }
                inputs[key] = ValueType(elementType, Shape(concreteDimensions(spec, signature: name)))
            }
            if let unusable {
                problems.append(SignatureProblem(signature: name, reason: unusable))
                continue
            }
            do {
                let plan = try self.plan(signature: name, inputs: inputs)
                let missing = plan.variables.keys.filter { variables[$0] == nil }.sorted()
                if !missing.isEmpty {
                    let shown = missing.prefix(3).map { "'\($0)'" }.joined(separator: ", ")
                    problems.append(SignatureProblem(
                        signature: name,
                        reason: "\(missing.count) variable(s) have no value in the checkpoint "
                            + "(\(shown)\(missing.count > 3 ? ", ..." : "")): \(checkpointDescription)"))
                }
            } catch {
                problems.append(SignatureProblem(signature: name, reason: "\(error)"))
            }
        }
        return problems
    }

    /// Where the module's checkpoint is, and whether it is there at all.
    var checkpointDescription: String {
        let folder = directory.appendingPathComponent("variables")
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory) || !isDirectory.boolValue {
            return "the folder \(folder.path) is missing"
        }
        return "checkpoint \(folder.appendingPathComponent("variables").path)"
    }

    private func concreteDimensions(_ spec: TensorSpec, signature: String) -> [Int] {
        guard let shape = spec.shape else { return [1] }
        let imageSize = shape.count == 4 ? try? getExpectedImageSize(signature: signature) : nil
        return shape.enumerated().map { index, dimension in
            if let dimension { return dimension }
            if let imageSize, index == 1 { return imageSize.height }
            if let imageSize, index == 2 { return imageSize.width }
            return 1
        }
    }
}
