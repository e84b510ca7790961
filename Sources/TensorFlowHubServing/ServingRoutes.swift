import Foundation
import Hummingbird
import Logging

/// The HTTP routes of both protocols and `/metrics`; every failure is answered `{"error": "..."}` with
/// the status of its `ServingError`.
struct ServingRoutes: Sendable {
    let server: ModelServer

    private var service: InferenceService {
        InferenceService(
            repository: server.repository, configuration: server.configuration, scheduler: server.scheduler, drain: server.drain)
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: UnknownRouteMiddleware())
        router.add(middleware: InFlightMiddleware(drain: server.drain))
        let tfServing = TFServingAPI(service: service)
        let v2 = InferenceProtocolAPI(service: service)
        let limit = server.configuration.maxBodyBytes

        // MARK: TF Serving REST
        router.get("/v1/models/{name}") { _, context in
            try await answer("v1_status") { HTTPResponses.json(try tfServing.status(name: try context.parameters.require("name"), version: nil)) }
        }
        router.get("/v1/models/{name}/versions/{version}") { _, context in
            try await answer("v1_status") {
                HTTPResponses.json(try tfServing.status(
                    name: try context.parameters.require("name"), version: try context.parameters.require("version")))
            }
        }
        router.get("/v1/models/{name}/metadata") { _, context in
            try await answer("v1_metadata") { HTTPResponses.json(try tfServing.metadata(name: try context.parameters.require("name"), version: nil)) }
        }
        router.get("/v1/models/{name}/versions/{version}/metadata") { _, context in
            try await answer("v1_metadata") {
                HTTPResponses.json(try tfServing.metadata(
                    name: try context.parameters.require("name"), version: try context.parameters.require("version")))
            }
        }
        // `NAME:predict` and `V:predict` are one path segment each.
        router.post("/v1/models/{name}") { request, context in
            try await answer("v1_predict") {
                let name = try Self.verb(try context.parameters.require("name"), expected: "predict")
                let body = try await request.collectBody(limit: limit)
                return HTTPResponses.json(try await tfServing.predict(name: name, version: nil, body: body))
            }
        }
        router.post("/v1/models/{name}/versions/{version}") { request, context in
            try await answer("v1_predict") {
                let version = try Self.verb(try context.parameters.require("version"), expected: "predict")
                let body = try await request.collectBody(limit: limit)
                return HTTPResponses.json(try await tfServing.predict(
                    name: try context.parameters.require("name"), version: version, body: body))
            }
        }

        // MARK: Open Inference Protocol v2
        router.get("/v2") { _, _ in try await answer("v2_server") { HTTPResponses.json(v2.serverMetadata()) } }
        router.get("/v2/health/live") { _, _ in try await answer("v2_health") { HTTPResponses.json(.object([:])) } }
        // Not ready while draining (SIGTERM): load balancers stop sending before the listener closes.
        router.get("/v2/health/ready") { _, _ in
            try await answer("v2_health") {
                if server.drain.isDraining { throw ServingError.draining }
                return HTTPResponses.json(.object([:]))
            }
        }
        router.get("/v2/models/{name}") { _, context in
            try await answer("v2_metadata") { HTTPResponses.json(try v2.modelMetadata(name: try context.parameters.require("name"), version: nil)) }
        }
        router.get("/v2/models/{name}/versions/{version}") { _, context in
            try await answer("v2_metadata") {
                HTTPResponses.json(try v2.modelMetadata(
                    name: try context.parameters.require("name"), version: try context.parameters.require("version")))
            }
        }
        router.get("/v2/models/{name}/ready") { _, context in
            try await answer("v2_ready") {
                _ = try service.model(try context.parameters.require("name"), version: nil)
                if server.drain.isDraining { throw ServingError.draining }
                return HTTPResponses.json(.object([:]))
            }
        }
        router.get("/v2/models/{name}/versions/{version}/ready") { _, context in
            try await answer("v2_ready") {
                _ = try service.model(try context.parameters.require("name"), version: try context.parameters.require("version"))
                if server.drain.isDraining { throw ServingError.draining }
                return HTTPResponses.json(.object([:]))
            }
        }
        router.post("/v2/models/{name}/infer") { request, context in
            try await answer("v2_infer") {
                try await Self.infer(v2, request: request, name: try context.parameters.require("name"), version: nil, limit: limit)
            }
        }
        router.post("/v2/models/{name}/versions/{version}/infer") { request, context in
            try await answer("v2_infer") {
                try await Self.infer(
                    v2, request: request, name: try context.parameters.require("name"),
                    version: try context.parameters.require("version"), limit: limit)
            }
        }

        // MARK: Operations
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: server.metrics.exposition())))
        }
        return router
    }

    /// Runs `body`, answers its errors as `{"error": ...}`, records the request's metrics and logs it.
    private func answer(_ endpoint: String, _ body: () async throws -> Response) async throws -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        var response: Response
        do {
            response = try await body()
        } catch {
            response = HTTPResponses.error(error, retryAfter: server.configuration.retryAfterSeconds)
            // Back-pressure (503) is expected under load; other server errors are not.
            let code = response.status.code
            let level: Logger.Level = code == 503 ? .notice : code >= 500 ? .warning : .info
            server.logger.log(level: level, "request failed", metadata: [
                "endpoint": "\(endpoint)", "status": "\(response.status.code)", "error": "\(error)",
            ])
        }
        let elapsed = clock.now - start
        server.metrics.request(endpoint: endpoint, code: response.status.code, duration: elapsed)
        server.logger.debug("request", metadata: [
            "endpoint": "\(endpoint)", "status": "\(response.status.code)", "seconds": "\(elapsed)",
        ])
        return response
    }

    /// `NAME` from `NAME:verb`; other verbs (`classify`, `regress`) and no verb are 404s or 400s.
    private static func verb(_ segment: String, expected: String) throws -> String {
        guard let colon = segment.lastIndex(of: ":") else {
            throw ServingError.malformedRequest("POST needs a verb: /v1/models/NAME[/versions/V]:\(expected)")
        }
        let verb = segment[segment.index(after: colon)...]
        guard verb == expected else {
            throw ServingError.malformedRequest("':\(verb)' is not supported; only ':\(expected)' is")
        }
        return String(segment[..<colon])
    }

    private static func infer(
        _ api: InferenceProtocolAPI, request: Request, name: String, version: String?, limit: Int
    ) async throws -> Response {
        var headerLength: Int? = nil
        if let text = request.headers[.inferenceHeaderContentLength] {
            guard let value = Int(text) else {
                throw ServingError.malformedRequest("Inference-Header-Content-Length '\(text)' is not a byte count")
            }
            headerLength = value
        }
        let body = try await request.collectBody(limit: limit)
        let result = try await api.infer(name: name, version: version, body: body, headerLength: headerLength)
        guard let length = result.headerLength else { return HTTPResponses.json(result.body) }
        var headers: HTTPFields = [:]
        headers[.contentType] = "application/octet-stream"
        headers[.inferenceHeaderContentLength] = String(length)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: result.body)))
    }
}

/// Answers requests no route matches (or with the wrong method) as `{"error": ...}` too.
struct UnknownRouteMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            let message = error.status == .notFound
                ? "no endpoint \(request.method) \(request.uri.path); see Docs/serving.md (/v1/models/NAME, /v2/models/NAME, /metrics)"
                : (error.body ?? "\(error.status)")
            return HTTPResponses.json(JSONValue.object(["error": .string(message)]).serialized, status: error.status)
        }
    }
}
