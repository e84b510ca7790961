import Logging
import TensorFlowHub
import Tensors

/// What both protocols share: finds the model and signature, binds the request's tensors to the
/// signature's inputs and runs them through the batch scheduler.
struct InferenceService: Sendable {
    let repository: ModelRepository
    let configuration: ServingConfiguration
    let scheduler: BatchScheduler
    let drain: DrainState

    /// The model `name` at `version` (`nil`: the highest).
    func model(_ name: String, version: String?) throws -> ServedModel {
        try repository.model(name, version: version)
    }

    /// Runs `signature` (`nil`: the default) of `model` on `tensors`; returns every output by key.
    func infer(
        model: ServedModel, signature requested: String?, tensors: [String: RequestTensor], timeoutMicros: Int? = nil
    ) async throws -> (signature: String, outputs: [String: Tensor]) {
        let (name, signature) = try model.signature(requested, defaultName: configuration.defaultSignature)
        let binding = InputBinding(
            model: model, signatureName: name, signature: signature,
            maxTensorElements: configuration.maxTensorElements, maxImagePixels: configuration.maxImagePixels)
        let inputs = try binding.bind(tensors)
        let outputs = try await scheduler.run(
            inputs, signature: name, module: model.module, rows: Self.batchRows(inputs, signature: signature),
            timeoutMicros: timeoutMicros ?? configuration.requestTimeoutMicros)
        return (name, outputs)
    }

    /// The rows a request adds to a batch, or `nil` when it must run alone: every input and output of
    /// the signature must have an unknown first (batch) dimension and the inputs must agree on it.
    static func batchRows(_ inputs: [String: Tensor], signature: Signature) -> Int? {
        let specs = Array(signature.inputs.values) + Array(signature.outputs.values)
        guard specs.allSatisfy({ spec in spec.shape.map { !$0.isEmpty && $0[0] == nil } ?? false }) else { return nil }
        let rows = Set(inputs.values.map { $0.shape.dimensions.first ?? -1 })
        guard rows.count == 1, let only = rows.first, only > 0 else { return nil }
        return only
    }
}
