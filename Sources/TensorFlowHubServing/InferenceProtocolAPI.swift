import TensorFlowHub
import Tensors

/// The Open Inference Protocol v2 (KServe, Triton; `inference_rest.md`) with Triton's binary tensor
/// data extension:
///
/// - `GET /v2`: server metadata; `GET /v2/health/live`, `/v2/health/ready`;
/// - `GET /v2/models/NAME[/versions/V]`: name, versions, platform, inputs and outputs of the default
///   signature (`{name, datatype, shape}`, -1 for unknown dimensions); `.../ready`;
/// - `POST /v2/models/NAME[/versions/V]/infer`: `{"inputs": [{"name", "shape", "datatype", "data"}],
///   "outputs"?, "parameters"?}`. An input with `parameters.binary_data_size` is read from the bytes after
///   the JSON header (`Inference-Header-Content-Length`); an output is written in binary when its
///   `parameters.binary_data` (else the request's `binary_data_output`) is true. The request parameter
///   `signature_name` picks a signature other than the default, `timeout` (microseconds) sets the
///   request's deadline.
struct InferenceProtocolAPI: Sendable {
    let service: InferenceService
    static let serverVersion = "0.3.0"

    func serverMetadata() -> JSONValue {
        .object([
            "name": .string("tfhub"), "version": .string(Self.serverVersion),
            "extensions": .array([.string("binary_tensor_data")]),
        ])
    }

    func modelMetadata(name: String, version: String?) throws -> JSONValue {
        let model = try service.model(name, version: version)
        let (_, signature) = try model.signature(nil, defaultName: service.configuration.defaultSignature)
        let versions = (service.repository.models[name] ?? [:]).keys.sorted().map { JSONValue.string(String($0)) }
        func tensors(_ specs: [String: TensorSpec]) -> JSONValue {
            .array(specs.keys.sorted().map { key in
                let spec = specs[key]!
                let shape = spec.shape.map { $0.map { JSONValue.number(Double($0 ?? -1)) } } ?? [.number(-1)]
                return .object([
                    "name": .string(key), "datatype": .string(spec.elementType.map(DataTypeNames.v2) ?? spec.dataTypeName),
                    "shape": .array(shape),
                ])
            })
        }
        return .object([
            "name": .string(model.name), "versions": .array(versions), "platform": .string("tensorflow_hub_tf1"),
            "inputs": tensors(signature.inputs), "outputs": tensors(signature.outputs),
        ])
    }

    /// Runs an infer request; returns the body and, when it has binary outputs, the JSON header's length.
    func infer(name: String, version: String?, body: [UInt8], headerLength: Int?) async throws -> (body: [UInt8], headerLength: Int?) {
        let model = try service.model(name, version: version)
        let (jsonPart, binaryPart) = try BinaryTensorData.split(body, headerLength: headerLength)
        guard let request = try JSONValue.parse(jsonPart).objectValue else {
            throw ServingError.malformedRequest("the inference request must be a JSON object with \"inputs\"")
        }
        guard let inputs = request["inputs"]?.arrayValue else {
            throw ServingError.malformedRequest("the inference request has no \"inputs\" list")
        }
        let parameters = request["parameters"]?.objectValue ?? [:]
        var tensors: [String: RequestTensor] = [:]
        var offset = binaryPart.startIndex
        for (index, input) in inputs.enumerated() {
            let (name, tensor) = try readInput(input, index: index, binary: binaryPart, offset: &offset)
            guard tensors[name] == nil else { throw ServingError.malformedRequest("input '\(name)' is given twice") }
            tensors[name] = tensor
        }
        guard offset == binaryPart.endIndex else {
            throw ServingError.malformedRequest(
                "\(binaryPart.endIndex - offset) bytes after the JSON header are not claimed by any input's binary_data_size")
        }
        let signatureName = parameters["signature_name"]?.stringValue
        var timeout: Int? = nil
        if let value = parameters["timeout"] {
            guard let micros = value.numberValue.flatMap({ Int(exactly: $0) }), micros >= 0 else {
                throw ServingError.malformedRequest("parameters.timeout must be a whole number of microseconds")
            }
            timeout = micros
        }
        let (_, outputs) = try await service.infer(
            model: model, signature: signatureName, tensors: tensors, timeoutMicros: timeout)

        // Outputs: those asked for, in that order, else all of them, sorted.
        let binaryDefault: Bool
        if case .bool(let flag)? = parameters["binary_data_output"] { binaryDefault = flag } else { binaryDefault = false }
        var selected: [(name: String, binary: Bool)] = []
        if let requested = request["outputs"]?.arrayValue {
            for entry in requested {
                guard let outputName = entry["name"]?.stringValue else {
                    throw ServingError.malformedRequest("every requested output needs a \"name\"")
                }
                guard outputs[outputName] != nil else {
                    throw ServingError.badInput(
                        input: outputName, reason: "not an output of the signature; outputs: \(outputs.keys.sorted())")
                }
                var binary = binaryDefault
                if case .bool(let flag)? = entry["parameters"]?["binary_data"] { binary = flag }
                selected.append((outputName, binary))
            }
        } else {
            selected = outputs.keys.sorted().map { ($0, binaryDefault) }
        }

        var writer = JSONWriter(reservingCapacity: 1024)
        writer.raw("{\"model_name\":")
        writer.string(model.name)
        writer.raw(",\"model_version\":")
        writer.string(String(model.version))
        if let id = request["id"]?.stringValue {
            writer.raw(",\"id\":")
            writer.string(id)
        }
        writer.raw(",\"outputs\":[")
        var binary: [UInt8] = []
        for (i, output) in selected.enumerated() {
            let tensor = outputs[output.name]!
            if i > 0 { writer.raw(",") }
            writer.raw("{\"name\":")
            writer.string(output.name)
            writer.raw(",\"datatype\":")
            writer.string(DataTypeNames.v2(tensor.elementType))
            writer.raw(",\"shape\":[" + tensor.shape.dimensions.map(String.init).joined(separator: ",") + "]")
            if output.binary {
                let bytes = BinaryTensorData.encode(tensor)
                writer.raw(",\"parameters\":{\"binary_data_size\":\(bytes.count)}")
                binary += bytes
            } else {
                writer.raw(",\"data\":")
                TensorJSONEncoding.writeFlat(tensor, into: &writer)
            }
            writer.raw("}")
        }
        writer.raw("]}")
        let header = writer.bytes
        if selected.contains(where: \.binary) { return (header + binary, header.count) }
        return (header, nil)
    }

    /// One `$request_input`: its name and tensor, read from JSON `data` or from the binary part.
    private func readInput(
        _ input: JSONValue, index: Int, binary: ArraySlice<UInt8>, offset: inout Int
    ) throws -> (String, RequestTensor) {
        guard let name = input["name"]?.stringValue else {
            throw ServingError.malformedRequest("input \(index) has no \"name\"")
        }
        guard let datatype = input["datatype"]?.stringValue else {
            throw ServingError.badInput(input: name, reason: "no \"datatype\" (FP32, INT64, BYTES, ...)")
        }
        guard let type = DataTypeNames.elementType(v2: datatype) else {
            throw ServingError.badInput(input: name, reason: "datatype \(datatype) is not supported (FP16 and BF16 are not)")
        }
        guard let shapeValues = input["shape"]?.arrayValue else {
            throw ServingError.badInput(input: name, reason: "no \"shape\" list")
        }
        let shape = try shapeValues.map { value -> Int in
            guard let number = value.numberValue, let dimension = Int(exactly: number), dimension >= 0 else {
                throw ServingError.badInput(input: name, reason: "shape \(shapeValues.map(\.serializedText)) has a dimension that is not a non-negative integer")
            }
            return dimension
        }
        let limit = service.configuration.maxTensorElements
        let count = try RequestTensor.elementCount(shape, input: name, limit: limit)
        if let sizeValue = input["parameters"]?["binary_data_size"] {
            guard let size = sizeValue.numberValue.flatMap({ Int(exactly: $0) }), size >= 0 else {
                throw ServingError.badInput(input: name, reason: "binary_data_size must be a non-negative integer")
            }
            guard binary.endIndex - offset >= size else {
                throw ServingError.badInput(
                    input: name, reason: "binary_data_size is \(size), but only \(binary.endIndex - offset) bytes follow the JSON header")
            }
            let bytes = binary[offset..<(offset + size)]
            offset += size
            if type == .string {
                return (name, .bytes(shape: shape, try BinaryTensorData.byteStrings(bytes, count: count, input: name)))
            }
            return (name, .typed(try BinaryTensorData.dense(bytes, shape: shape, type: type, input: name)))
        }
        guard let data = input["data"] else {
            throw ServingError.badInput(input: name, reason: "neither \"data\" nor parameters.binary_data_size")
        }
        let flat = try RequestTensor.fromJSON(data, input: name, limit: limit)
        let given = flat.shape.reduce(1, *)
        guard given == count else {
            throw ServingError.badInput(input: name, reason: "\"data\" has \(given) elements; shape \(shape) takes \(count)")
        }
        switch flat {
        case .bytes(_, let strings):
            guard type == .string else {
                throw ServingError.badInput(input: name, reason: "\"data\" holds strings, but the datatype is \(datatype)")
            }
            return (name, .bytes(shape: shape, strings))
        case .json(_, let leaves):
            guard type != .string else {
                throw ServingError.badInput(input: name, reason: "BYTES data must be strings")
            }
            return (name, .typed(try RequestTensor.dense(leaves, shape: shape, as: type, input: name)))
        case .typed(let tensor):
            return (name, .typed(tensor.reshaped(to: Shape(shape))))
        }
    }
}

extension JSONValue {
    /// Compact JSON text, for error messages.
    var serializedText: String { String(decoding: serialized, as: UTF8.self) }
}
