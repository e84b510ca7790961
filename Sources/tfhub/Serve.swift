import ArgumentParser
import Foundation
import ImageInput
import Logging
import TensorFlowHub
import TensorFlowHubServing

/// `tfhub serve`: TF Serving REST and Open Inference Protocol v2 over HTTP (Docs/serving.md).
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve a module over HTTP: TF Serving REST (/v1) and the Open Inference Protocol v2 (/v2).",
        discussion: """
            Concurrent requests are batched (up to --max-batch-size rows, as many as the previous batch held, or \
            as many as arrive within --batch-timeout-micros of the oldest); past --max-queue-size waiting requests the server answers 503 \
            with Retry-After. JPEG/PNG files ({"b64": ...} in TF Serving JSON, BYTES tensors in v2) are decoded \
            and resized for image inputs as `tfhub embed` does. SIGTERM or SIGINT drains: /v2/health/ready and \
            /v2/models/NAME/ready answer 503 (TF Serving status: UNLOADING) while the listener stays open, for at \
            least --drain-delay-seconds and until no request is in flight; then it stops accepting connections, \
            answers every accepted request and exits 0 (a second signal closes the listener at once). With --port 0 a free port is chosen; the first line on \
            stdout is always `listening on HOST:PORT`.
            """)

    @Argument(help: "Module handle (default: the shipped NASNet-A mobile module), or none with --model-base-path.")
    var handle: String?

    @Option(help: ArgumentHelp(
        "A TF Serving model base path: DIR/<version>/ module folders; the highest version is served, and a higher one appearing is swapped in.", valueName: "DIR"))
    var modelBasePath: String?

    @Option(help: ArgumentHelp(
        "TF Serving's model config file: model_config_list { config { name: \"a\" base_path: \"DIR\" } ... }, several models.",
        valueName: "FILE"))
    var modelConfigFile: String?

    @Option(help: "Seconds between scans of --model-base-path for a new version, which is loaded and swapped in; 0: no scans.")
    var fileSystemPollWaitSeconds = 1.0

    @Option(help: "The model name clients use in /v1/models/NAME and /v2/models/NAME.")
    var modelName = "default"

    @Option(help: "Address to listen on (0.0.0.0 for every interface).")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port = 8501

    @Option(help: "Most rows one module call runs (requests are batched up to it).")
    var maxBatchSize = 32

    @Option(help: "How long the oldest waiting request waits for a batch to fill, in microseconds.")
    var batchTimeoutMicros = 20_000

    @Option(help: "Batches run at once, each on its share of the kernel threads and cut to the module's micro-batch while others run (TF Serving's num_batch_threads; default: the kernel thread count). 1: one batch at a time, up to --max-batch-size rows, on all threads.")
    var numBatchThreads: Int?

    @Option(help: "Most requests waiting for a batch; more are answered 503 with Retry-After.")
    var maxQueueSize = 128

    @Option(help: "How long a request may wait for a batch before it is answered 504, in microseconds; 0: no deadline (a v2 request's parameters.timeout overrides it).")
    var requestTimeoutMicros = 0

    @Option(help: "Largest request body, in bytes (413 past it).")
    var maxBodyBytes = ServingConfiguration().maxBodyBytes

    @Option(help: "Most elements of one request tensor, decoded images included (400 past it).")
    var maxTensorElements = ServingConfiguration().maxTensorElements

    @Option(help: "Largest image decoded, in pixels (width x height); larger files are refused before decoding.")
    var maxImagePixels = ImageDecoder.defaultPixelLimit

    @Option(help: "After SIGTERM, the least time readiness answers 503 before the listener closes (for load balancers to notice).")
    var drainDelaySeconds = 0.0

    @Option(help: "The signature run when a request names none.")
    var signature = "default"

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    @OptionGroup var moduleOptions: ModuleOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0...65535") }
        guard drainDelaySeconds >= 0 else { throw ValidationError("--drain-delay-seconds must not be negative") }
        guard fileSystemPollWaitSeconds >= 0 else { throw ValidationError("--file-system-poll-wait-seconds must not be negative") }
        guard maxBatchSize > 0 else { throw ValidationError("--max-batch-size must be positive") }
        guard batchTimeoutMicros >= 0 else { throw ValidationError("--batch-timeout-micros must not be negative") }
        guard numBatchThreads.map({ $0 > 0 }) ?? true else { throw ValidationError("--num-batch-threads must be positive") }
        guard maxQueueSize > 0 else { throw ValidationError("--max-queue-size must be positive") }
        guard requestTimeoutMicros >= 0 else { throw ValidationError("--request-timeout-micros must not be negative") }
        guard maxBodyBytes > 0, maxTensorElements > 0, maxImagePixels > 0 else {
            throw ValidationError("--max-body-bytes, --max-tensor-elements and --max-image-pixels must be positive")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        if [handle != nil, modelBasePath != nil, modelConfigFile != nil].filter({ $0 }).count > 1 {
            throw ValidationError("give one of HANDLE, --model-base-path and --model-config-file")
        }
    }

    func run() throws {
        var logger = Logger(label: "tfhub.serve")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        // Models: one handle, or the highest version of each model base path (one, or a config file's).
        var basePaths: [ModelConfig] = []
        if let modelConfigFile {
            do {
                basePaths = try ModelConfigFile.read(URL(fileURLWithPath: modelConfigFile))
            } catch {
                printError("tfhub serve: \(error)")
                throw ExitCode(1)
            }
        } else if let modelBasePath {
            basePaths = [ModelConfig(name: modelName, basePath: modelBasePath)]
        }
        var models: [ServedModel] = []
        for source in basePaths {
            let latest: (version: Int, directory: String)
            do {
                latest = try ModelBasePath.latest(in: source.basePath)
            } catch {
                printError("tfhub serve: model '\(source.name)': \(error)")
                throw ExitCode(1)
            }
            logger.info("loading", metadata: ["model": "\(source.name)", "version": "\(latest.version)", "path": "\(latest.directory)"])
            models.append(ServedModel(
                name: source.name, version: latest.version, module: try loadModule(latest.directory, options: moduleOptions)))
        }
        if basePaths.isEmpty {
            models = [ServedModel(name: modelName, version: 1, module: try loadModule(handle, options: moduleOptions))]
        }
        var configuration = ServingConfiguration(
            host: host, port: port, maxBatchSize: maxBatchSize, batchTimeoutMicros: batchTimeoutMicros,
            maxQueueSize: maxQueueSize, requestTimeoutMicros: requestTimeoutMicros, maxBodyBytes: maxBodyBytes, maxTensorElements: maxTensorElements,
            maxImagePixels: maxImagePixels, defaultSignature: signature, drainDelaySeconds: drainDelaySeconds)
        if let numBatchThreads { configuration.numBatchThreads = numBatchThreads }
        for model in models where model.module.signature(signature) == nil {
            throw ValidationError("model '\(model.name)' has no signature '\(signature)'; it has "
                + model.module.signatureNames.joined(separator: ", "))
        }
        var watchers: [ModelVersionWatcher] = []
        if fileSystemPollWaitSeconds > 0 {
            let (tags, resolver) = (moduleOptions.tagSet, moduleOptions.resolver)
            for source in basePaths {
                watchers.append(ModelVersionWatcher(
                    basePath: source.basePath, name: source.name,
                    pollInterval: .milliseconds(Int(fileSystemPollWaitSeconds * 1000)),
                    load: { try Module(handle: $0, tags: tags, resolver: resolver) }))
            }
        }
        let server = ModelServer(
            repository: ModelRepository(models), configuration: configuration, logger: logger, watchers: watchers)

        // ArgumentParser runs this command synchronously; the server runs on Swift's concurrency pool
        // while this thread waits for it to stop.
        let outcome = ServeOutcome()
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await server.run { host, port in
                    print("listening on \(host):\(port)")
                    fflush(nil)  // every C stream: `stdout` itself is not concurrency-safe to name here
                }
            } catch {
                outcome.set(error)
            }
            done.signal()
        }
        done.wait()
        if let error = outcome.error {
            printError("tfhub serve: \(error)")
            throw ExitCode(1)
        }
    }
}

/// The error the server stopped with, handed from its task to the command's thread.
private final class ServeOutcome: @unchecked Sendable {
    // @unchecked: written once by the server task before `done.signal()`, read after `done.wait()`.
    private(set) var error: (any Error)?
    func set(_ error: any Error) { self.error = error }
}
