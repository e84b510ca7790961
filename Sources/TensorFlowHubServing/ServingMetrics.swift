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
        depth = registry.makeGauge(name: "tfhub_queue_depth", help: "Requests waiting for a batch.")
        let sizes: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256]
        batchSizes = registry.makeValueHistogram(name: "tfhub_batch_size", buckets: sizes, help: "Rows per module call.")
        batchRequests = registry.makeValueHistogram(
            name: "tfhub_batch_requests", buckets: sizes, help: "Requests per module call.")
    }

    func queueDepth(_ count: Int) { depth.set(Double(count)) }

    func batch(size: Int, requests: Int) {
        batchSizes.record(Double(size))
        batchRequests.record(Double(requests))
    }

    func request(endpoint: String, code: Int, duration: Duration) {
        registry.makeCounter(
            name: "tfhub_requests_total", labels: [("endpoint", endpoint), ("code", String(code))],
            help: "Requests answered, by endpoint and HTTP status."
        ).increment()
        registry.makeDurationHistogram(
            name: "tfhub_request_duration_seconds", labels: [("endpoint", endpoint)], buckets: Self.latencyBuckets,
            help: "Time from request to response."
        ).record(duration)
    }

    /// The metrics in Prometheus' text format.
    public func exposition() -> [UInt8] { registry.emitToBuffer() }
}
