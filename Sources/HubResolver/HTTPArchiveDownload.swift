import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

// MARK: - Streaming an archive over HTTP(S)

/// One GET whose body is streamed into an ``ArchiveStream`` as it arrives (never held whole).
/// Redirects are followed like urllib does (at most 10, http/https targets only); a non-2xx final
/// answer, an HTML page or a body that is not an archive is reported as what it is. The transfer
/// fails after `idleTimeout` seconds without data.
// `@unchecked Sendable`: the mutable fields are written only on the session's serial delegate queue while `run`
// waits on `finished`, and read by `run` after the semaphore is signalled (which orders the accesses).
final class HTTPArchiveDownload: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    static let maxRedirects = 10

    private let handle: String
    private let request: URL
    private let archive: ArchiveStream
    private let progress: DownloadProgress
    private let finished = DispatchSemaphore(value: 0)
    // Touched only on the session's serial delegate queue until `finished` is signalled.
    private var failure: Error?
    private var redirects: [String] = []
    private var status = 0
    private var finalURL = ""
    private var errorBody = [UInt8]()
    private var archiveComplete = false
    private var idleTimeout: TimeInterval = 60

    init(handle: String, request: URL, archive: ArchiveStream, progress: DownloadProgress) {
        self.handle = handle
        self.request = request
        self.archive = archive
        self.progress = progress
    }

    /// Runs the transfer to its end; throws ``ResolverError``.
    func run(idleTimeout: TimeInterval) throws {
        self.idleTimeout = idleTimeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = idleTimeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: configuration, delegate: self, delegateQueue: queue)
        defer { session.finishTasksAndInvalidate() }
        session.dataTask(with: URLRequest(url: request)).resume()
        finished.wait()
        progress.finish()
        if let failure { throw failure }
        guard (200..<300).contains(status) else {
            if (300..<400).contains(status) {
                throw ResolverError.tooManyRedirects(url: request.absoluteString, chain: redirects)
            }
            let text = String(decoding: errorBody, as: UTF8.self)
                .replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces)
            throw ResolverError.httpStatus(url: request.absoluteString, status: status, finalURL: finalURL, body: text)
        }
        try archive.finish()
    }

    // MARK: - URLSession delegate

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        let target = newRequest.url?.absoluteString ?? "?"
        redirects.append(target)
        let scheme = newRequest.url?.scheme?.lowercased() ?? ""
        if scheme != "http" && scheme != "https" {
            failure = ResolverError.unsupportedRedirect(url: request.absoluteString, target: target)
            completionHandler(nil)
        } else if redirects.count > Self.maxRedirects {
            failure = ResolverError.tooManyRedirects(url: request.absoluteString, chain: redirects)
            completionHandler(nil)
        } else {
            completionHandler(newRequest)
        }
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        let http = response as? HTTPURLResponse
        status = http?.statusCode ?? 200
        finalURL = response.url?.absoluteString ?? request.absoluteString
        var context = "\(handle) (requested \(request.absoluteString)"
        if finalURL != request.absoluteString { context += ", final URL \(finalURL)" }
        context += ", HTTP \(status)"
        if let type = http?.value(forHTTPHeaderField: "Content-Type") { context += ", Content-Type \(type)" }
        archive.source = context + ")"
        progress.start(expected: response.expectedContentLength)
        if response.expectedContentLength > 0 { archive.expectedSize = response.expectedContentLength }
        completionHandler(failure == nil ? .allow : .cancel)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard failure == nil, !archiveComplete else { return }
        guard (200..<300).contains(status) else {
            errorBody += data.prefix(max(0, 300 - errorBody.count))
            if errorBody.count >= 300 { dataTask.cancel() }
            return
        }
        do {
            try data.withUnsafeBytes { try archive.consume($0) }
            progress.update(received: archive.bytesReceived)
            if archive.isComplete {
                // The tar stream ended; whatever follows is not needed.
                archiveComplete = true
                dataTask.cancel()
            }
        } catch {
            failure = error
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        if failure == nil, let error, !archiveComplete, !(errorBody.count >= 300) {
            let nsError = error as NSError
            let reason = nsError.code == NSURLErrorTimedOut
                ? "no data for \(idleTimeout) s (timed out)"
                : nsError.localizedDescription + " (URLError \(nsError.code), \(archive.bytesReceived) bytes received)"
            failure = ResolverError.network(url: request.absoluteString, reason: reason)
        }
        finished.signal()
    }
}
