import ImageInput
import TensorFlowHub

/// How a `ModelServer` listens, batches and caps requests.
public struct ServingConfiguration: Sendable {
    /// The address to bind (`127.0.0.1` by default; `0.0.0.0` for every interface).
    public var host: String
    /// The port to bind; 0 picks a free one (reported to `ModelServer.run(onListening:)`).
    public var port: Int
    /// Most rows (summed over the batch dimension of the requests) one module call runs.
    public var maxBatchSize: Int
    /// How long the oldest queued request waits for others to fill its batch, in microseconds.
    public var batchTimeoutMicros: Int
    /// Batches run at once (TF Serving's `num_batch_threads`), each on its share of the module's kernel
    /// threads and cut to the module's micro-batch while others run; 1: one batch at a time, up to
    /// `maxBatchSize` rows, on all of them. Default: the kernel thread count (`TFHUB_NUM_THREADS`, else
    /// the active processor count).
    public var numBatchThreads: Int
    /// Most requests waiting for a batch; past it a request is answered 503 with `Retry-After`.
    public var maxQueueSize: Int
    /// How long a request may wait for a batch before it is answered 504 instead of run, in
    /// microseconds; 0: no deadline. A v2 request's `parameters.timeout` (microseconds) overrides it.
    public var requestTimeoutMicros: Int
    /// Largest request body accepted, in bytes (413 past it).
    public var maxBodyBytes: Int
    /// Most elements one request tensor may have (decoded images included; 400 past it).
    public var maxTensorElements: Int
    /// Largest image decoded, in pixels (width x height), checked before decoding.
    public var maxImagePixels: Int
    /// The signature run when a request names none (TF Serving's `serving_default` also means it).
    public var defaultSignature: String
    /// Seconds a client is told to wait (`Retry-After`) when the queue is full.
    public var retryAfterSeconds: Int
    /// After SIGTERM (or `ModelServer.shutDown()`), the least time the listener stays open with readiness
    /// answering 503, so load balancers see it before connections are refused; it then closes once no
    /// request is in flight. 0: as soon as none is.
    public var drainDelaySeconds: Double

    public init(
        host: String = "127.0.0.1", port: Int = 8501, maxBatchSize: Int = 32, batchTimeoutMicros: Int = 20_000,
        maxQueueSize: Int = 128, requestTimeoutMicros: Int = 0, maxBodyBytes: Int = 64 << 20, maxTensorElements: Int = 1 << 26,
        maxImagePixels: Int = ImageDecoder.defaultPixelLimit, defaultSignature: String = "default",
        retryAfterSeconds: Int = 1, drainDelaySeconds: Double = 0, numBatchThreads: Int = PlanOptions.defaultThreadCount
    ) {
        self.numBatchThreads = max(1, numBatchThreads)
        self.host = host
        self.port = port
        self.maxBatchSize = maxBatchSize
        self.batchTimeoutMicros = batchTimeoutMicros
        self.maxQueueSize = maxQueueSize
        self.requestTimeoutMicros = requestTimeoutMicros
        self.maxBodyBytes = maxBodyBytes
        self.maxTensorElements = maxTensorElements
        self.maxImagePixels = maxImagePixels
        self.defaultSignature = defaultSignature
        self.retryAfterSeconds = retryAfterSeconds
        self.drainDelaySeconds = drainDelaySeconds
    }
}
