import HTTPTypes

/// Why a request could not be served, with the HTTP status it is answered with.
///
/// Every case names what was wrong and, where it helps, what was expected; the message is what the
/// client reads in `{"error": "..."}`.
public enum ServingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The body is not JSON, or not the JSON the endpoint expects (400).
    case malformedRequest(String)
    /// An input has the wrong name, type or shape for the signature (400).
    case badInput(input: String, reason: String)
    /// A request tensor has more elements than `ServingConfiguration.maxTensorElements` (400).
    case tooManyElements(input: String, count: Int, limit: Int)
    /// The body is larger than `ServingConfiguration.maxBodyBytes` (413).
    case bodyTooLarge(limit: Int)
    /// No model of this name is served (404).
    case unknownModel(name: String, available: [String])
    /// The model is served, but not at this version (404).
    case unknownVersion(model: String, version: String, available: [Int])
    /// The model has no signature of this name (404).
    case unknownSignature(model: String, signature: String, available: [String])
    /// The batching queue is full; try again later (503 with `Retry-After`).
    case queueFull(limit: Int)
    /// The server is shutting down and takes no new requests (503).
    case shuttingDown
    /// The server is draining after SIGTERM: not ready for new traffic, though it still answers (503).
    case draining
    /// The request waited longer than its deadline before a batch took it (504).
    case deadlineExceeded(micros: Int)
    /// The module failed while running (500).
    case executionFailed(String)

    /// The HTTP status this error is answered with.
    public var status: HTTPResponse.Status {
        switch self {
        case .malformedRequest, .badInput, .tooManyElements: return .badRequest
        case .bodyTooLarge: return .contentTooLarge
        case .unknownModel, .unknownVersion, .unknownSignature: return .notFound
        case .queueFull, .shuttingDown, .draining: return .serviceUnavailable
        case .executionFailed: return .internalServerError
        case .deadlineExceeded: return .gatewayTimeout
        }
    }

    public var description: String {
        switch self {
        case .malformedRequest(let reason): return "malformed request: \(reason)"
        case .badInput(let input, let reason): return "input '\(input)': \(reason)"
        case .tooManyElements(let input, let count, let limit):
            return "input '\(input)' has \(count) elements; at most \(limit) are accepted (--max-tensor-elements)"
        case .bodyTooLarge(let limit): return "request body larger than \(limit) bytes (--max-body-bytes)"
        case .unknownModel(let name, let available):
            return "model '\(name)' is not served; served models: \(available.joined(separator: ", "))"
        case .unknownVersion(let model, let version, let available):
            return "model '\(model)' has no version '\(version)'; served versions: \(available.map(String.init).joined(separator: ", "))"
        case .unknownSignature(let model, let signature, let available):
            return "model '\(model)' has no signature '\(signature)'; signatures: \(available.joined(separator: ", "))"
        case .queueFull(let limit): return "the batching queue is full (\(limit) requests waiting); retry later"
        case .shuttingDown: return "the server is shutting down"
        case .draining:
            return "not ready: the server is draining (SIGTERM) and answers only the requests in flight; send new ones to another replica"
        case .executionFailed(let reason): return "the module failed: \(reason)"
        case .deadlineExceeded(let micros):
            return "the request was not started within its deadline of \(micros) microseconds (--request-timeout-micros, or the v2 parameter \"timeout\")"
        }
    }
}
