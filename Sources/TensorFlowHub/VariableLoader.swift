import Foundation
import Interpreter
import Tensors
import TensorBundle
import TFProto

/// Reads a module's variables from its checkpoint (`variables/variables.{index,data-*}`), keyed by
/// variable node name, which for TF1 hub modules is also the checkpoint key.
///
/// Partitioned variables are stored once under their full name; each part node (`<name>/part_<i>`)
/// gets its block, located by the `SaveSliceInfoDef` of its `VariableDef` in the `variables` collection.
enum VariableLoader {
    static let variablesCollection = "variables"

    static func load(directory: URL, metaGraph: MetaGraphDef) throws -> [String: Tensor] {
        let prefix = directory.appendingPathComponent(ModuleFiles.variablesPrefix)
        guard FileManager.default.fileExists(atPath: prefix.path + ".index") else { return [:] }
        let reader = try BundleReader(prefix: prefix)
        var values: [String: Tensor] = [:]
        values.reserveCapacity(reader.keys.count)
        for key in reader.keys {
            let stored = try reader.tensor(forKey: key)
            if let tensor = try tensor(from: stored) { values[key] = tensor }
        }
        for definition in try variableDefs(metaGraph) {
            guard let slice = definition.saveSliceInfoDef, !slice.fullName.isEmpty else { continue }
            let name = (try? TensorName(parsing: definition.variableName).node) ?? definition.variableName
            guard name != slice.fullName else { continue }
            guard let full = values[slice.fullName] else {
                throw ModuleError.badVariable(name: name, reason: "its full tensor '\(slice.fullName)' is not in the checkpoint")
            }
            values[name] = try block(of: full, offset: slice.varOffset, shape: slice.varShape, variable: name)
        }
        return values
    }

    /// The variable node names of the `trainable_variables` collection, in collection order (what
    /// `tf.compat.v1.trainable_variables()` returns once the meta graph is imported).
    static func trainableNames(_ metaGraph: MetaGraphDef) throws -> [String] {
        try variableDefs(metaGraph, collection: trainableCollection).map {
            (try? TensorName(parsing: $0.variableName).node) ?? $0.variableName
        }
    }

    static let trainableCollection = "trainable_variables"

    private static func variableDefs(_ metaGraph: MetaGraphDef, collection: String = variablesCollection) throws -> [VariableDef] {
        guard case .bytesList(let list)? = metaGraph.collectionDef[collection]?.kind else { return [] }
        return try list.map { try VariableDef(serializedBytes: $0) }
    }

    /// The checkpoint value as a `Tensor`, or `nil` for dtypes the interpreter cannot hold (half, complex, ...).
    static func tensor(from stored: BundleTensor) throws -> Tensor? {
        guard let elementType = ElementType(stored.dtype) else { return nil }
        let shape = Shape(stored.shape)
        if elementType == .string { return Tensor(shape: shape, strings: try stored.strings()) }
        let storage = TensorStorage(uninitializedByteCount: stored.elementCount * (elementType.byteSize ?? 0))
        stored.withUnsafeBytes { storage.mutableRawBuffer.copyMemory(from: $0) }
        return Tensor(elementType: elementType, shape: shape, storage: storage)
    }

    /// The row-major block `[offset, offset + shape)` of `full`.
    private static func block(of full: Tensor, offset: [Int64], shape: [Int64], variable: String) throws -> Tensor {
        let fullDims = full.shape.dimensions
        guard offset.count == fullDims.count, shape.count == fullDims.count,
              zip(zip(offset, shape), fullDims).allSatisfy({ $0.0 >= 0 && $0.1 >= 0 && $0.0 + $0.1 <= Int64($1) })
        else {
            throw ModuleError.badVariable(
                name: variable, reason: "slice offset \(offset) shape \(shape) does not fit the full shape \(fullDims)")
        }
        let blockShape = Shape(shape.map(Int.init))
        let strides = full.shape.strides
        // Indices into the full tensor of the block's elements, in row-major order.
        var sourceIndices: [Int] = []
        sourceIndices.reserveCapacity(blockShape.elementCount)
        var position = [Int](repeating: 0, count: blockShape.rank)
        for _ in 0..<blockShape.elementCount {
            var index = 0
            for axis in 0..<blockShape.rank { index += (Int(offset[axis]) + position[axis]) * strides[axis] }
            sourceIndices.append(index)
            var axis = blockShape.rank - 1
            while axis >= 0 {
                position[axis] += 1
                if position[axis] < blockShape[axis] { break }
                position[axis] = 0
                axis -= 1
            }
        }
        if let strings = full.strings {
            return Tensor(shape: blockShape, strings: sourceIndices.map { strings[$0] })
        }
        let size = full.elementType.byteSize ?? 0
        let storage = TensorStorage(uninitializedByteCount: sourceIndices.count * size)
        full.withUnsafeBytes { source in
            for (i, index) in sourceIndices.enumerated() {
                (storage.baseAddress + i * size).copyMemory(from: source.baseAddress! + index * size, byteCount: size)
            }
        }
        return Tensor(elementType: full.elementType, shape: blockShape, storage: storage)
    }
}
