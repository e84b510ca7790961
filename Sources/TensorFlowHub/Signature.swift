import TFProto

/// A named entry point of a module (`default`, `image_feature_vector`, ...) with its inputs and outputs.
public struct Signature: Sendable, Equatable {
    public let name: String
    /// Inputs by key, e.g. `"images"`: float32 `[batch, height, width, 3]` in [0, 1] (NHWC).
    public let inputs: [String: TensorSpec]
    /// Outputs by key, e.g. `"default"`: float32 `[batch, features]`.
    public let outputs: [String: TensorSpec]

    init(name: String, inputs: [String: TensorSpec], outputs: [String: TensorSpec]) {
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
    }

    /// The output the single-tensor call returns: `default`, else the only output; `nil` otherwise.
    public var defaultOutputKey: String? {
        if outputs["default"] != nil { return "default" }
        return outputs.count == 1 ? outputs.keys.first : nil
    }

    init(name: String, definition: SignatureDef) throws {
        self.name = name
        func specs(_ infos: [String: TensorInfo]) throws -> [String: TensorSpec] {
            var result: [String: TensorSpec] = [:]
            for (key, info) in infos {
                guard let tensorName = info.name, !tensorName.isEmpty else {
                    throw ModuleError.unsupportedTensorEncoding(
                        signature: name, key: key, reason: "only dense tensors are supported (found a sparse or composite tensor)")
                }
                result[key] = TensorSpec(tensorName: tensorName, dataType: info.dtype, shape: info.tensorShape)
            }
            return result
        }
        inputs = try specs(definition.inputs)
        outputs = try specs(definition.outputs)
    }
}
