import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// An HTTP server for hub modules speaking TF Serving's REST API and the Open Inference Protocol v2,
/// with dynamic batching and Prometheus metrics (`Docs/serving.md`).
///
/// ```swift
/// let module = try Module(handle: "Modules/nasnet_mobile_feature_vector")
/// let server = ModelServer(repository: ModelRepository([ServedModel(name: "nasnet", version: 1, module: module)]))
/// try await server.run { host, port in print("listening on \(host):\(port)") }   // until SIGTERM
/// ```
///
/// Image inputs are float32 `[batch, height, width, 3]` (NHWC, values in [0, 1]); clients may instead
/// send JPEG/PNG files, which are decoded and resized to the module's expected size.
public final class ModelServer: Sendable {
    public let repository: ModelRepository
    public let configuration: ServingConfiguration
    public let metrics: ServingMetrics
    let logger: Logger
    let scheduler: BatchScheduler
    let watchers: [ModelVersionWatcher]
    let drain = DrainState()
    private let stopRequests: AsyncStream<Void>
    private let stopContinuation: AsyncStream<Void>.Continuation

    /// - Parameter watchers: model base paths to poll for new versions while serving.
    public init(
        repository: ModelRepository, configuration: ServingConfiguration = ServingConfiguration(),
        metrics: ServingMetrics = ServingMetrics(), logger: Logger = Logger(label: "tfhub.serve"),
        watchers: [ModelVersionWatcher] = []
    ) {
        self.repository = repository
        self.watchers = watchers
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        (self.stopRequests, self.stopContinuation) = AsyncStream<Void>.makeStream()
        self.scheduler = BatchScheduler(
            maxBatchSize: configuration.maxBatchSize, batchTimeoutMicros: configuration.batchTimeoutMicros,
            maxQueueSize: configuration.maxQueueSize, batchThreads: configuration.numBatchThreads, metrics: metrics,
            logger: logger)
    }

    /// Serves until SIGTERM or SIGINT (when `handlingSignals`) or `shutDown()`, or until the calling task
    /// is cancelled. Shutting down drains first: readiness answers 503 while the listener stays open
    /// (at least `ServingConfiguration.drainDelaySeconds`) until no request is in flight; then the
    /// listener closes, every request already accepted is answered, and this returns.
    ///
    /// - Parameter onListening: called once with the bound host and port (the chosen one for port 0).
    public func run(
        handlingSignals: Bool = true, onListening: @escaping @Sendable (String, Int) async -> Void = { _, _ in }
    ) async throws {
        scheduler.start()
        defer { scheduler.shutdown() }
        let router = ServingRoutes(server: self).router()
        let host = configuration.host
        let application = Application(
            router: router,
            configuration: ApplicationConfiguration(
                address: .hostname(host, port: configuration.port), serverName: "tfhub"),
            onServerRunning: { [logger] channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("listening", metadata: ["host": "\(host)", "port": "\(port)"])
                await onListening(host, port)
            },
            logger: logger)
        // The signals are trapped before the server listens, so a SIGTERM right after `listening` drains.
        let signals = handlingSignals ? await UnixSignalsSequence(trapping: .sigterm, .sigint) : nil
        let services = ServiceGroup(configuration: .init(services: [application], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for watcher in watchers {
                group.addTask { [repository, logger] in await watcher.run(repository: repository, logger: logger) }
            }
            if let signals {
                // The first signal drains; a second one closes the listener at once.
                group.addTask { [logger] in
                    for await signal in signals {
                        if self.drain.isDraining {
                            logger.notice("closing the listener without waiting", metadata: ["signal": "\(signal)"])
                            await services.triggerGracefulShutdown()
                            break
                        }
                        logger.notice("draining: readiness answers 503", metadata: ["signal": "\(signal)"])
                        self.shutDown()
                    }
                }
            }
            group.addTask { [drain, stopRequests, logger, delay = configuration.drainDelaySeconds] in
                var requests = stopRequests.makeAsyncIterator()
                guard await requests.next() != nil, !Task.isCancelled else { return }
                if delay > 0 { try? await Task.sleep(for: .milliseconds(Int(delay * 1000))) }
                await drain.idle()
                guard !Task.isCancelled else { return }
                logger.info("drained: closing the listener")
                await services.triggerGracefulShutdown()
            }
            try await services.run()
            group.cancelAll()
        }
        logger.info("stopped: every accepted request was answered")
    }

    /// Starts draining, as SIGTERM does: readiness answers 503 from now on, the listener closes once no
    /// request is in flight (after `ServingConfiguration.drainDelaySeconds`), then `run` returns.
    public func shutDown() {
        if drain.begin() { stopContinuation.yield() }
    }

    /// Whether the server is draining (readiness answers 503).
    public var isDraining: Bool { drain.isDraining }

    /// The number of requests waiting for a batch.
    public var queueDepth: Int { scheduler.depth }
}
