import Prometheus

/// The server's Prometheus metrics, served at `GET /metrics` in the text exposition format:
///
/// - `tfhub_requests_total{endpoint, code}`: requests answered, by endpoint kind and HTTP status;
/// - `tfhub_request_duration_seconds{endpoint}`: latency histogram, from request to response;
/// - `tfhub_batch_size`: rows per module call (histogram); `tfhub_batch_requests`: requests per call;
/// - `tfhub_queue_depth`: requests waiting for a batch.
public final class ServingMetrics: Sendable {
    /// The registry the metrics live in.
    public let registry: PrometheusCollectorRegistry
    private let depth: Gauge
    private let batchSizes: ValueHistogram
    private let batchRequests: ValueHistogram

    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .seconds(2.5), .seconds(5), .seconds(10),
    ]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        depth = registry.makeGauge(descriptor: Self.name("queue", "depth", "Requests waiting for a batch."))
        let sizes: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256]
        batchSizes = registry.makeValueHistogram(
            descriptor: Self.name("batch", "size", "Rows per module call."), buckets: sizes)
        batchRequests = registry.makeValueHistogram(
            descriptor: Self.name("batch", "requests", "Requests per module call."), buckets: sizes)
    }

    func queueDepth(_ count: Int) { depth.set(Double(count)) }

    func batch(size: Int, requests: Int) {
        batchSizes.record(Double(size))
        batchRequests.record(Double(requests))
    }

    func request(endpoint: String, code: Int, duration: Duration) {
        registry.makeCounter(
            descriptor: Self.name("requests", "total", "Requests answered, by endpoint and HTTP status."),
            labels: [("endpoint", endpoint), ("code", String(code))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Self.name("request_duration", "seconds", "Time from request to response."),
            labels: [("endpoint", endpoint)], buckets: Self.latencyBuckets
        ).record(duration)
    }

    /// `tfhub_<metric>_<unit>`.
    private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "tfhub", metricName: metric, unitName: unit, helpText: help)
    }

    /// The metrics in Prometheus' text format.
    public func exposition() -> [UInt8] { registry.emitToBuffer() }
}
