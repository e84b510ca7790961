import ImageInput
import TensorFlowHub
import Tensors

/// Matches request tensors with a signature's inputs: element types, known dimensions, element caps,
/// and encoded images decoded and resized for image inputs.
struct InputBinding {
    let model: ServedModel
    let signatureName: String
    let signature: Signature
    let maxTensorElements: Int
    let maxImagePixels: Int

    /// Every input of the signature as a tensor, checked against its spec.
    ///
    /// - Throws: `ServingError.badInput` for a missing, extra or mistyped input.
    func bind(_ tensors: [String: RequestTensor]) throws -> [String: Tensor] {
        if let extra = tensors.keys.sorted().first(where: { signature.inputs[$0] == nil }) {
            throw ServingError.badInput(
                input: extra, reason: "not an input of signature '\(signatureName)'; it takes \(signature.inputs.keys.sorted())")
        }
        var bound: [String: Tensor] = [:]
        for (name, spec) in signature.inputs {
            guard let tensor = tensors[name] else {
                throw ServingError.badInput(input: name, reason: "missing; signature '\(signatureName)' expects \(spec)")
            }
            bound[name] = try bind(tensor, input: name, spec: spec)
        }
        return bound
    }

    /// One request tensor as the tensor `spec` expects.
    func bind(_ request: RequestTensor, input: String, spec: TensorSpec) throws -> Tensor {
        guard let type = spec.elementType else {
            throw ServingError.badInput(input: input, reason: "its dtype \(spec.dataTypeName) is not supported by this server")
        }
        let tensor: Tensor
        switch request {
        case .json(let shape, let leaves):
            tensor = try RequestTensor.dense(leaves, shape: shape, as: type, input: input)
        case .typed(let typed):
            guard typed.elementType == type else {
                throw ServingError.badInput(
                    input: input, reason: "expected \(DataTypeNames.v2(type)) (\(spec.dataTypeName)), found \(DataTypeNames.v2(typed.elementType))")
            }
            tensor = typed
        case .bytes(let shape, let strings):
            if type == .string {
                tensor = Tensor(shape: Shape(shape), strings: strings)
            } else if Self.isImage(spec) {
                tensor = try images(strings, shape: shape, input: input)
            } else {
                throw ServingError.badInput(
                    input: input, reason: "byte strings given, but the input is \(spec) (images are accepted for "
                        + "float32 [batch, height, width, 3] inputs only)")
            }
        }
        try check(tensor, input: input, spec: spec)
        return tensor
    }

    /// Whether `spec` is an image input: float32 `[batch, height, width, 3]` (NHWC).
    static func isImage(_ spec: TensorSpec) -> Bool {
        guard spec.elementType == .float32, let shape = spec.shape, shape.count == 4 else { return false }
        return shape[3] == nil || shape[3] == 3
    }

    /// JPEG/PNG files decoded to RGB in [0, 1] and resized bilinearly to the module's expected size,
    /// as `tfhub embed` does: `[batch]` (or `[batch, 1]`) encoded images -> float32 `[batch, height, width, 3]`.
    private func images(_ files: [[UInt8]], shape: [Int], input: String) throws -> Tensor {
        guard shape.count == 1 || (shape.count == 2 && shape[1] == 1) else {
            throw ServingError.badInput(
                input: input, reason: "encoded images must be a list [batch] (or [batch, 1]), found shape \(shape)")
        }
        let size: (height: Int, width: Int)
        do {
            size = try model.module.getExpectedImageSize(signature: signatureName, inputName: input)
        } catch {
            throw ServingError.badInput(input: input, reason: "images cannot be resized for it: \(error)")
        }
        _ = try RequestTensor.elementCount([files.count, size.height, size.width, 3], input: input, limit: maxTensorElements)
        let plane = size.height * size.width * 3
        var failure: (index: Int, error: ImageError)?
        let batch = Tensor(shape: [files.count, size.height, size.width, 3], of: Float.self) { out in
            for (index, file) in files.enumerated() where failure == nil {
                do {
                    try ImageDecoder.decodeResized(
                        file, source: "\(input)[\(index)]", height: size.height, width: size.width, pixelLimit: maxImagePixels,
                        into: out.baseAddress! + index * plane)
                } catch let error as ImageError {
                    failure = (index, error)
                } catch {
                    failure = (index, ImageError(source: "\(input)[\(index)]", reason: "\(error)"))
                }
            }
        }
        if let failure { throw ServingError.badInput(input: input, reason: "image \(failure.index): \(failure.error.reason)") }
        return batch
    }

    /// Element type, rank, known dimensions and element count.
    private func check(_ tensor: Tensor, input: String, spec: TensorSpec) throws {
        _ = try RequestTensor.elementCount(tensor.shape.dimensions, input: input, limit: maxTensorElements)
        guard let shape = spec.shape else { return }
        let dims = tensor.shape.dimensions
        let matches = shape.count == dims.count && zip(shape, dims).allSatisfy { $0 == nil || $0 == $1 }
        guard matches else {
            let expected = "[" + shape.map { $0.map(String.init) ?? "-1" }.joined(separator: ", ") + "]"
            throw ServingError.badInput(input: input, reason: "expected shape \(expected), found \(dims)")
        }
    }
}

/// Open Inference Protocol datatype names (`FP32`, `INT64`, `BYTES`, ...) for element types.
enum DataTypeNames {
    static func v2(_ type: ElementType) -> String {
        switch type {
        case .float32: return "FP32"
        case .float64: return "FP64"
        case .int8: return "INT8"
        case .int16: return "INT16"
        case .int32: return "INT32"
        case .int64: return "INT64"
        case .uint8: return "UINT8"
        case .uint16: return "UINT16"
        case .uint32: return "UINT32"
        case .uint64: return "UINT64"
        case .bool: return "BOOL"
        case .string: return "BYTES"
        }
    }

    static func elementType(v2 name: String) -> ElementType? {
        ElementType.allCases.first { v2($0) == name }
    }
}
