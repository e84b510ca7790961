import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Responses as both protocols write them: JSON bodies, and errors as `{"error": "..."}`.
enum HTTPResponses {
    static func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        json(value.serialized, status: status)
    }

    /// `{"error": message}` with the status of the error (500 for errors that are not `ServingError`).
    static func error(_ error: any Error, retryAfter: Int) -> Response {
        let serving = error as? ServingError
        let status = serving?.status ?? .internalServerError
        var headers: HTTPFields = [:]
        if case .queueFull = serving { headers[.retryAfter] = String(retryAfter) }
        if case .shuttingDown = serving { headers[.retryAfter] = String(retryAfter) }
        if case .draining = serving { headers[.retryAfter] = String(retryAfter) }
        return json(JSONValue.object(["error": .string("\(error)")]).serialized, status: status, headers: headers)
    }
}

extension HTTPField.Name {
    /// The binary tensor extension's length of the JSON part of a body.
    static let inferenceHeaderContentLength = HTTPField.Name("Inference-Header-Content-Length")!
}

extension Request {
    /// The whole body, refused past `limit` bytes (`ServingError.bodyTooLarge`), from its
    /// `Content-Length` before anything is read when it has one.
    func collectBody(limit: Int) async throws -> [UInt8] {
        let declared = headers[.contentLength].flatMap(Int.init)
        if let declared, declared > limit { throw ServingError.bodyTooLarge(limit: limit) }
        do {
            // With a declared length the bytes go straight into an array of that capacity (one copy);
            // accumulating into a growing buffer first cost two or three copies of a 600 KB image.
            var bytes: [UInt8] = []
            bytes.reserveCapacity(declared ?? 0)
            for try await fragment in body {
                guard bytes.count + fragment.readableBytes <= limit else { throw ServingError.bodyTooLarge(limit: limit) }
                fragment.withUnsafeReadableBytes { bytes.append(contentsOf: $0) }
            }
            return bytes
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw ServingError.bodyTooLarge(limit: limit)
        }
    }
}
