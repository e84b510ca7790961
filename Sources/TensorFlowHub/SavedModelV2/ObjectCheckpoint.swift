import Foundation
import Tensors
import TensorBundle
import TFProto

/// The checkpoint of a TF2 SavedModel (`variables/variables.{index,data-*}`) read through the object
/// graph: the value of each variable node of `object_graph_def`.
///
/// A variable's key comes from the checkpoint's own object graph (`_CHECKPOINTABLE_OBJECT_GRAPH`, a
/// `TrackableObjectGraph`): the saved node is matched to a checkpoint node by following the same child
/// names from the root (breadth first), and that node's `VARIABLE_VALUE` attribute names the key, e.g.
/// `layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE`. A checkpoint without that tensor is
/// name-based, which `tf.saved_model.load` does not restore SavedModels from either.
struct ObjectCheckpoint {
    static let objectGraphKey = "_CHECKPOINTABLE_OBJECT_GRAPH"
    static let variableAttribute = "VARIABLE_VALUE"

    let indexFile: String
    let reader: BundleReader?
    let keys: Set<String>
    /// The checkpoint's object graph, when it has one.
    let trackable: TrackableObjectGraph?
    /// Saved node id -> checkpoint node id.
    let checkpointNode: [Int32: Int32]
    /// Saved node id -> child names from the root.
    let paths: [Int32: [String]]

    init(directory: URL, objects: SavedObjectGraph) throws {
        let prefix = directory.appendingPathComponent(ModuleFiles.variablesPrefix)
        indexFile = prefix.path + ".index"
        if FileManager.default.fileExists(atPath: indexFile) {
            let reader = try BundleReader(prefix: prefix)
            self.reader = reader
            keys = Set(reader.keys)
            if keys.contains(Self.objectGraphKey) {
                let stored = try reader.tensor(forKey: Self.objectGraphKey)
                guard stored.dtype == .string, let bytes = try stored.strings().first, stored.elementCount == 1 else {
                    throw ModuleError.badObjectGraph(
                        file: indexFile, field: Self.objectGraphKey,
                        reason: "expected a string scalar (a serialized TrackableObjectGraph), found \(stored.dtype) \(stored.shape)")
                }
                trackable = try TrackableObjectGraph(serializedBytes: bytes)
            } else {
                trackable = nil
            }
        } else {
            reader = nil
            keys = []
            trackable = nil
        }
        (paths, checkpointNode) = Self.walk(objects, trackable)
    }

    /// Breadth first from the root: the first path to every saved node and, along the same names, the
    /// checkpoint node it corresponds to.
    private static func walk(
        _ objects: SavedObjectGraph, _ trackable: TrackableObjectGraph?
    ) -> ([Int32: [String]], [Int32: Int32]) {
        guard !objects.nodes.isEmpty else { return ([:], [:]) }
        var paths: [Int32: [String]] = [0: []]
        var matched: [Int32: Int32] = trackable?.nodes.isEmpty == false ? [0: 0] : [:]
        var queue: [Int32] = [0]
        var head = 0
        while head < queue.count {
            let saved = queue[head]
            head += 1
            let checkpointChildren = matched[saved].flatMap { trackable?.nodes[Int($0)].children } ?? []
            for child in objects.nodes[Int(saved)].children {
                guard child.nodeID >= 0, Int(child.nodeID) < objects.nodes.count else { continue }
                if matched[child.nodeID] == nil,
                   let counterpart = checkpointChildren.first(where: { $0.localName == child.localName }),
                   counterpart.nodeID >= 0, Int(counterpart.nodeID) < trackable?.nodes.count ?? 0 {
                    matched[child.nodeID] = counterpart.nodeID
                }
                if paths[child.nodeID] == nil {
                    paths[child.nodeID] = paths[saved]! + [child.localName]
                    queue.append(child.nodeID)
                }
            }
        }
        return (paths, matched)
    }

    /// The object path of a saved node, `a/b/c` (`<root>` for the root, `<unreachable>` when no path leads there).
    func path(of node: Int32) -> String {
        guard let names = paths[node] else { return "<unreachable>" }
        return names.isEmpty ? "<root>" : names.joined(separator: "/")
    }

    /// The checkpoint key of saved variable node `node`, and where it was read from (for errors).
    func key(ofVariable node: Int32, variable: SavedVariable) throws -> (key: String, field: String) {
        let described = "object_graph_def nodes[\(node)] (variable '\(variable.name)' at '\(path(of: node))')"
        guard let trackable else {
            throw ModuleError.badObjectGraph(
                file: indexFile, field: Self.objectGraphKey,
                reason: "missing: the checkpoint is not object-based, so it names no tensor for \(described)")
        }
        guard let checkpoint = checkpointNode[node] else {
            throw ModuleError.badObjectGraph(
                file: indexFile, field: Self.objectGraphKey, reason: "no object at '\(path(of: node))' for \(described)")
        }
        let attributes = trackable.nodes[Int(checkpoint)].attributes
        guard let index = attributes.firstIndex(where: { $0.name == Self.variableAttribute }) else {
            throw ModuleError.badObjectGraph(
                file: indexFile, field: "\(Self.objectGraphKey) nodes[\(checkpoint)]",
                reason: "no \(Self.variableAttribute) attribute for \(described)")
        }
        return (attributes[index].checkpointKey,
                "\(Self.objectGraphKey) nodes[\(checkpoint)].attributes[\(index)].checkpoint_key for \(described)")
    }

    /// The value of saved variable node `node`, checked against its declared type and shape.
    func value(ofVariable node: Int32, variable: SavedVariable) throws -> Tensor {
        guard let reader else {
            throw ModuleError.missingVariableValue(
                name: variable.name, detail: "the checkpoint \(indexFile) is missing")
        }
        let (key, field) = try key(ofVariable: node, variable: variable)
        guard keys.contains(key) else {
            throw ModuleError.missingCheckpointKey(file: indexFile, key: key, field: field)
        }
        let stored = try reader.tensor(forKey: key)
        let declared = variable.shape.unknownRank ? nil : variable.shape.dim.map(\.size)
        guard stored.dtype == variable.dtype, declared.map({ zip($0, stored.shape).allSatisfy { $0 < 0 || Int($0) == $1 } && $0.count == stored.shape.count }) ?? true
        else {
            throw ModuleError.badObjectGraph(
                file: indexFile, field: field,
                reason: "the checkpoint holds \(stored.dtype) \(stored.shape) under '\(key)', the object graph declares "
                    + "\(variable.dtype) \(declared.map { "\($0)" } ?? "<unknown rank>")")
        }
        guard let tensor = try VariableLoader.tensor(from: stored) else {
            throw ModuleError.badVariable(name: variable.name, reason: "dtype \(stored.dtype) of '\(key)' is not supported")
        }
        return tensor
    }
}
