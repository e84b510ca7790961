import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

// MARK: - Streaming an archive over HTTP(S)

/// One GET whose body is streamed into an ``ArchiveStream`` as it arrives (never held whole), on
/// AsyncHTTPClient with an event loop of its own: the next body part is read only once the previous
/// one is extracted (back-pressure), and a stalled transfer waits without using the CPU. Redirects
/// are followed like urllib does (at most 10, http/https targets only); a non-2xx final answer, an
/// HTML page or a body that is not an archive is reported as what it is. The transfer fails after
/// `idleTimeout` seconds without data.
final class HTTPArchiveDownload {
    static let maxRedirects = 10

    private let handle: String
    private let request: URL
    private let archive: ArchiveStream
    private let progress: DownloadProgress

    init(handle: String, request: URL, archive: ArchiveStream, progress: DownloadProgress) {
        self.handle = handle
        self.request = request
        self.archive = archive
        self.progress = progress
    }

    /// Runs the transfer to its end; throws ``ResolverError``.
    func run(idleTimeout: TimeInterval) throws {
        // Extraction writes files on the event loop thread, so the loop is this download's own.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let timeout = TimeAmount.nanoseconds(Int64(idleTimeout * 1e9))
        let client = HTTPClient(
            eventLoopGroup: group,
            configuration: HTTPClient.Configuration(
                redirectConfiguration: .disallow, timeout: .init(connect: timeout, read: timeout),
                decompression: .disabled))
        defer {
            try? client.syncShutdown()
            try? group.syncShutdownGracefully()
            progress.finish()
        }
        var url = request
        var redirects: [String] = []
        while true {
            let response = try fetch(url, client: client, on: group.next(), idleTimeout: idleTimeout)
            guard let target = response.redirectTarget else { return try finish(response) }
            redirects.append(target)
            let scheme = URL(string: target)?.scheme?.lowercased() ?? ""
            guard scheme == "http" || scheme == "https" else {
                throw ResolverError.unsupportedRedirect(url: request.absoluteString, target: target)
            }
            guard redirects.count <= Self.maxRedirects, let next = URL(string: target) else {
                throw ResolverError.tooManyRedirects(url: request.absoluteString, chain: redirects)
            }
            url = next
        }
    }

    /// One request of the redirect chain, to its end.
    private func fetch(
        _ url: URL, client: HTTPClient, on loop: any EventLoop, idleTimeout: TimeInterval
    ) throws -> ArchiveResponse {
        let response = ArchiveResponse(handle: handle, requested: request, url: url, archive: archive, progress: progress)
        let httpRequest: HTTPClient.Request
        do { httpRequest = try HTTPClient.Request(url: url.absoluteString) } catch {
            throw ResolverError.network(url: request.absoluteString, reason: "\(url.absoluteString) is not a URL to fetch (\(error))")
        }
        do {
            try client.execute(request: httpRequest, delegate: response, eventLoop: .delegate(on: loop)).wait()
        } catch {
            // Cancelled on purpose: the archive ended, extraction failed, or an error page was read far enough.
            if response.stoppedOnPurpose { return response }
            throw ResolverError.network(url: request.absoluteString, reason: reason(error, idleTimeout: idleTimeout))
        }
        return response
    }

    private func finish(_ response: ArchiveResponse) throws {
        if let failure = response.failure { throw failure }
        guard (200..<300).contains(response.status) else {
            let text = String(decoding: response.errorBody, as: UTF8.self)
                .replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces)
            throw ResolverError.httpStatus(
                url: request.absoluteString, status: response.status, finalURL: response.url.absoluteString, body: text)
        }
        try archive.finish()
    }

    private func reason(_ error: any Error, idleTimeout: TimeInterval) -> String {
        let seconds = idleTimeout.rounded() == idleTimeout ? String(Int(idleTimeout)) : String(idleTimeout)
        switch error as? HTTPClientError {
        case .readTimeout?: return "no data for \(seconds) s (timed out)"
        case .connectTimeout?: return "no connection within \(seconds) s (timed out)"
        default: return "\(error) (\(archive.bytesReceived) bytes received)"
        }
    }
}

// MARK: - One response

/// Receives one response of a download: a redirect's target, an error page's first 300 bytes, or
/// the archive body, extracted part by part.
///
/// `@unchecked Sendable`: AsyncHTTPClient calls it on one event loop only, and `HTTPArchiveDownload`
/// reads its fields after the request's future has completed.
private final class ArchiveResponse: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = Void

    let url: URL
    private let handle: String
    private let requested: URL
    private let archive: ArchiveStream
    private let progress: DownloadProgress

    private(set) var status = 0
    private(set) var redirectTarget: String?
    private(set) var errorBody = [UInt8]()
    private(set) var failure: (any Error)?
    private var archiveComplete = false

    init(handle: String, requested: URL, url: URL, archive: ArchiveStream, progress: DownloadProgress) {
        self.handle = handle
        self.requested = requested
        self.url = url
        self.archive = archive
        self.progress = progress
    }

    /// Whether this side cancelled the transfer (so the cancellation error is not a failure).
    var stoppedOnPurpose: Bool { failure != nil || archiveComplete || errorBody.count >= 300 }

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        status = Int(head.status.code)
        if (300..<400).contains(status), let location = head.headers.first(name: "Location") {
            redirectTarget = URL(string: location, relativeTo: url)?.absoluteString ?? location
            return task.eventLoop.makeSucceededVoidFuture()
        }
        var context = "\(handle) (requested \(requested.absoluteString)"
        if url != requested { context += ", final URL \(url.absoluteString)" }
        context += ", HTTP \(status)"
        if let type = head.headers.first(name: "Content-Type") { context += ", Content-Type \(type)" }
        archive.source = context + ")"
        let length = head.headers.first(name: "Content-Length").flatMap { Int64($0) } ?? -1
        progress.start(expected: length)
        if length > 0 { archive.expectedSize = length }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        guard redirectTarget == nil, failure == nil, !archiveComplete else { return task.eventLoop.makeSucceededVoidFuture() }
        guard (200..<300).contains(status) else {
            errorBody += buffer.readableBytesView.prefix(max(0, 300 - errorBody.count))
            if errorBody.count >= 300 { task.cancel() }
            return task.eventLoop.makeSucceededVoidFuture()
        }
        do {
            try buffer.withUnsafeReadableBytes { try archive.consume($0) }
            progress.update(received: archive.bytesReceived)
            if archive.isComplete {
                // The tar stream ended; whatever follows is not needed.
                archiveComplete = true
                task.cancel()
            }
        } catch {
            failure = error
            task.cancel()
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {}
}
