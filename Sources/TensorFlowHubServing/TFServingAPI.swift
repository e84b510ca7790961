import Hummingbird
import TensorFlowHub
import Tensors

/// TF Serving's REST API (`tensorflow_serving/g3doc/api_rest.md`):
///
/// - `GET /v1/models/NAME[/versions/V]`: `{"model_version_status": [...]}`;
/// - `GET /v1/models/NAME[/versions/V]/metadata`: the signature defs;
/// - `POST /v1/models/NAME[/versions/V]:predict`: `{"signature_name"?, "instances": [...]}` (row format,
///   every input shares dimension 0) -> `{"predictions": [...]}`, or `{"inputs": ...}` (columnar) ->
///   `{"outputs": ...}`. Byte strings and JPEG/PNG images are written `{"b64": "..."}`.
struct TFServingAPI: Sendable {
    let service: InferenceService

    func status(name: String, version: String?) throws -> JSONValue {
        let models: [ServedModel]
        if let version {
            models = [try service.model(name, version: version)]
        } else {
            _ = try service.model(name, version: nil)
            models = (service.repository.models[name] ?? [:]).values.sorted { $0.version > $1.version }
        }
        // TF Serving's state of a version being unloaded: draining after SIGTERM.
        let state = service.drain.isDraining ? "UNLOADING" : "AVAILABLE"
        return .object(["model_version_status": .array(models.map { model in
            .object([
                "version": .string(String(model.version)), "state": .string(state),
                "status": .object(["error_code": .string("OK"), "error_message": .string("")]),
            ])
        })])
    }

    func metadata(name: String, version: String?) throws -> JSONValue {
        let model = try service.model(name, version: version)
        var defs: [String: JSONValue] = [:]
        for (signatureName, signature) in model.module.signatures {
            defs[signatureName] = .object([
                "inputs": Self.tensorInfos(signature.inputs), "outputs": Self.tensorInfos(signature.outputs),
                "method_name": .string(""),
            ])
        }
        return .object([
            "model_spec": .object([
                "name": .string(model.name), "signature_name": .string(""), "version": .string(String(model.version)),
            ]),
            "metadata": .object(["signature_def": .object(["signature_def": .object(defs)])]),
        ])
    }

    private static func tensorInfos(_ specs: [String: TensorSpec]) -> JSONValue {
        .object(specs.mapValues { spec in
            let shape: JSONValue
            if let dims = spec.shape {
                shape = .object([
                    "dim": .array(dims.map { .object(["size": .string(String($0 ?? -1)), "name": .string("")]) }),
                    "unknown_rank": .bool(false),
                ])
            } else {
                shape = .object(["dim": .array([]), "unknown_rank": .bool(true)])
            }
            return .object(["dtype": .string(spec.dataTypeName), "tensor_shape": shape, "name": .string(spec.tensorName)])
        })
    }

    /// Runs a predict request; returns the response body.
    func predict(name: String, version: String?, body: [UInt8]) async throws -> [UInt8] {
        let model = try service.model(name, version: version)
        guard let request = try JSONValue.parse(body).objectValue else {
            throw ServingError.malformedRequest("the body must be a JSON object with \"instances\" or \"inputs\"")
        }
        let requestedSignature: String?
        switch request["signature_name"] {
        case nil, .null?: requestedSignature = nil
        case .string(let text)?: requestedSignature = text
        case let other?: throw ServingError.malformedRequest("\"signature_name\" must be a string, found \(other.kindName)")
        }
        let (signatureName, signature) = try model.signature(requestedSignature, defaultName: service.configuration.defaultSignature)
        let limit = service.configuration.maxTensorElements
        switch (request["instances"], request["inputs"]) {
        case (let instances?, nil):
            guard let rows = instances.arrayValue else {
                throw ServingError.malformedRequest("\"instances\" must be a list, one element per instance")
            }
            var columns: [String: [JSONValue]] = [:]
            for (index, row) in rows.enumerated() {
                for (input, value) in try Self.namedValues(row, signature: signature, what: "instance \(index)") {
                    columns[input, default: []].append(value)
                }
            }
            if rows.isEmpty { throw ServingError.malformedRequest("\"instances\" is empty") }
            if let (input, values) = columns.first(where: { $0.value.count != rows.count }) {
                throw ServingError.badInput(
                    input: input, reason: "given in \(values.count) of \(rows.count) instances; every instance needs every input")
            }
            let named = Dictionary(uniqueKeysWithValues: try columns.keys.map { key in
                (key, try RequestTensor.fromJSON(.array(columns[key]!), input: key, limit: limit))
            })
            let (_, outputs) = try await service.infer(model: model, signature: signatureName, tensors: named)
            return try Self.rowResponse(outputs, rows: rows.count)
        case (nil, let inputs?):
            let named = try Self.namedValues(inputs, signature: signature, what: "\"inputs\"")
            let tensors = Dictionary(uniqueKeysWithValues: try named.map { key, value in
                (key, try RequestTensor.fromJSON(value, input: key, limit: limit))
            })
            let (_, outputs) = try await service.infer(model: model, signature: signatureName, tensors: tensors)
            return Self.columnarResponse(outputs)
        case (nil, nil):
            throw ServingError.malformedRequest("the body has neither \"instances\" (row format) nor \"inputs\" (columnar format)")
        case (_?, _?):
            throw ServingError.malformedRequest("the body has both \"instances\" and \"inputs\"; give one")
        }
    }

    /// The values of one instance (or of `inputs`) by input name: an object keyed by input names, or, for
    /// a signature with one input, the value itself.
    private static func namedValues(_ value: JSONValue, signature: Signature, what: String) throws -> [String: JSONValue] {
        if let object = value.objectValue, !(object.count == 1 && object["b64"] != nil && signature.inputs["b64"] == nil) {
            return object
        }
        guard signature.inputs.count == 1, let only = signature.inputs.keys.first else {
            throw ServingError.malformedRequest(
                "\(what) must be an object keyed by input name; the signature takes \(signature.inputs.keys.sorted())")
        }
        return [only: value]
    }

    /// `{"predictions": [...]}`: one element per row; an object by output key when there are several.
    static func rowResponse(_ outputs: [String: Tensor], rows: Int) throws -> [UInt8] {
        let keys = outputs.keys.sorted()
        for key in keys where outputs[key]!.shape.dimensions.first != rows {
            throw ServingError.executionFailed(
                "output '\(key)' has shape \(outputs[key]!.shape), not [\(rows), ...]: it cannot be written in row "
                    + "format; send \"inputs\" (columnar) instead")
        }
        let writers = keys.map { TensorJSONEncoding.elementWriter(outputs[$0]!) }
        var writer = JSONWriter(reservingCapacity: 1024)
        writer.raw("{\"predictions\":[")
        for row in 0..<rows {
            if row > 0 { writer.raw(",") }
            if keys.count == 1 {
                let dims = outputs[keys[0]]!.shape.dimensions.dropFirst()
                TensorJSONEncoding.writeNested(writers[0], dims: dims, start: row * dims.reduce(1, *), into: &writer)
                continue
            }
            writer.raw("{")
            for (i, key) in keys.enumerated() {
                if i > 0 { writer.raw(",") }
                writer.string(key)
                writer.raw(":")
                let dims = outputs[key]!.shape.dimensions.dropFirst()
                TensorJSONEncoding.writeNested(writers[i], dims: dims, start: row * dims.reduce(1, *), into: &writer)
            }
            writer.raw("}")
        }
        writer.raw("]}")
        return writer.bytes
    }

    /// `{"outputs": value}` for one output, `{"outputs": {key: value, ...}}` for several.
    static func columnarResponse(_ outputs: [String: Tensor]) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 1024)
        writer.raw("{\"outputs\":")
        let keys = outputs.keys.sorted()
        if keys.count == 1 {
            TensorJSONEncoding.writeNested(outputs[keys[0]]!, into: &writer)
        } else {
            writer.raw("{")
            for (i, key) in keys.enumerated() {
                if i > 0 { writer.raw(",") }
                writer.string(key)
                writer.raw(":")
                TensorJSONEncoding.writeNested(outputs[key]!, into: &writer)
            }
            writer.raw("}")
        }
        writer.raw("}")
        return writer.bytes
    }
}
