import Foundation
import Hummingbird
import Logging
import NIOCore

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
        self.scheduler = BatchScheduler(
            maxBatchSize: configuration.maxBatchSize, batchTimeoutMicros: configuration.batchTimeoutMicros,
            maxQueueSize: configuration.maxQueueSize, metrics: metrics, logger: logger)
    }

    /// Serves until SIGTERM or SIGINT (when `handlingSignals`) or until the calling task is cancelled.
    /// Shutting down stops accepting connections, answers every request already accepted, then returns.
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
        try await withThrowingTaskGroup(of: Void.self) { group in
            for watcher in watchers {
                group.addTask { [repository, logger] in await watcher.run(repository: repository, logger: logger) }
            }
            if handlingSignals {
                try await application.runService()
            } else {
                try await application.run()
            }
            group.cancelAll()
        }
        logger.info("stopped: every accepted request was answered")
    }

    /// The number of requests waiting for a batch.
    public var queueDepth: Int { scheduler.depth }
}
