import Foundation
import Logging
import TensorFlowHub
import Tensors

/// Dynamic batching: requests for the same model, signature and per-row input types wait in one bounded
/// queue; a worker thread takes the oldest, adds every compatible request behind it up to
/// `maxBatchSize` rows (or until `batchTimeoutMicros` have passed since the oldest arrived or, when it
/// arrived while the previous batch ran, since that batch ended), runs them as one module call and
/// hands each request its own rows of the outputs.
///
/// Timing the wait from the end of the previous batch keeps closed-loop clients in one wave: under
/// load, the requests that arrived during a call would otherwise leave at once, without the clients
/// whose answers that call just sent, and 32 clients settle into two alternating batches of 16.
///
/// A batch also runs, before its timeout, as soon as it holds as many rows as the previous batch of its
/// kind did: clients that were answered together come back together, so a lone client is not made to
/// wait for company it never has, while 32 clients still meet in one batch. The first batch of a kind
/// waits for `maxBatchSize` rows or the timeout.
///
/// With `batchThreads` > 1 (TF Serving's `num_batch_threads`), that many workers run batches at once,
/// each on `threads / batchThreads` of the module's kernel threads, and a batch is cut to the module's
/// micro-batch (`PlanOptions.microBatch` rows, what one kernel thread runs at a time in a whole-batch
/// call too). Answers then leave a few at a time while the other workers compute, instead of in one
/// wave after a whole batch, during whose round trip every core would wait (32 closed-loop clients on
/// 2 cores: ~0.85x of the in-process batch-32 throughput with one worker). A worker that finds the
/// server idle and nothing else queued runs its batch on all the kernel threads (the others wait), so
/// a lone client keeps the latency of a whole-module call; a worker that finds others running takes
/// what is queued without waiting for the timeout.
///
/// Module calls are CPU-bound and run on the worker threads, never on Swift's cooperative pool or the
/// event loops.
final class BatchScheduler: @unchecked Sendable {
    // @unchecked: every mutable field below is read and written only while `condition` is locked.
    private let condition = NSCondition()
    private var queue: [Job] = []
    private var stopping = false
    private var running = 0
    /// A batch runs on all of the kernel threads: no other worker starts one until it ends.
    private var wideRunning = false
    private var workers: [Thread] = []
    private var soloCount: UInt64 = 0
    /// When the last module call ended (the batch timeout of requests queued during it starts here).
    private var idleSince = Date.distantPast
    /// Rows of the last batch of each kind: the next batch of that kind runs once it has as many.
    private var previousRows: [Key: Int] = [:]

    private let maxBatchSize: Int
    private let batchThreads: Int
    private let batchTimeout: TimeInterval
    private let maxQueueSize: Int
    private let metrics: ServingMetrics
    private let logger: Logger

    /// What groups requests into one batch: same module, signature and input types apart from dim 0.
    struct Key: Hashable {
        let module: ObjectIdentifier
        let signature: String
        let inputs: [String: [Int]]
        let types: [String: ElementType]
        /// 0 for a request that may share a batch; a number of its own for one that runs alone.
        let solo: UInt64
    }

    private struct Job {
        let key: Key
        let module: Module
        let inputs: [String: Tensor]
        let rows: Int
        let enqueued: Date
        /// When the request must have started, and its timeout in microseconds; `nil`: no deadline.
        let deadline: (date: Date, micros: Int)?
        let continuation: CheckedContinuation<[String: Tensor], any Error>
    }

    init(
        maxBatchSize: Int, batchTimeoutMicros: Int, maxQueueSize: Int, batchThreads: Int = 1, metrics: ServingMetrics,
        logger: Logger
    ) {
        self.maxBatchSize = max(1, maxBatchSize)
        self.batchThreads = max(1, batchThreads)
        self.batchTimeout = TimeInterval(max(0, batchTimeoutMicros)) / 1_000_000
        self.maxQueueSize = max(1, maxQueueSize)
        self.metrics = metrics
        self.logger = logger
    }

    /// Starts the worker threads.
    func start() {
        condition.lock()
        defer { condition.unlock() }
        guard workers.isEmpty else { return }
        for index in 0..<batchThreads {
            let thread = Thread { [self] in workLoop() }
            thread.name = "tfhub-serve-batcher-\(index)"
            workers.append(thread)
            thread.start()
        }
    }

    /// Stops taking requests; the workers finish every queued one, then exit.
    func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    /// Requests waiting for a batch (not counting those running).
    var depth: Int {
        condition.lock()
        defer { condition.unlock() }
        return queue.count
    }

    /// Runs `inputs` (every tensor `[rows, ...]`) through `signature` of `module` in a batch with other
    /// requests; returns this request's rows of every output. With `rows` nil the request runs alone
    /// (inputs or outputs without a batch dimension).
    ///
    /// - Throws: `ServingError.queueFull` when `maxQueueSize` requests are waiting already,
    ///   `ServingError.shuttingDown` after `shutdown()`, `ServingError.executionFailed` when the call fails.
    ///   A request not taken into a batch within `timeoutMicros` (> 0) is answered `deadlineExceeded`.
    func run(
        _ inputs: [String: Tensor], signature: String, module: Module, rows: Int?, timeoutMicros: Int = 0
    ) async throws -> [String: Tensor] {
        return try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            var solo: UInt64 = 0
            if rows == nil {
                soloCount += 1
                solo = soloCount
            }
            let key = Key(
                module: ObjectIdentifier(module), signature: signature,
                inputs: inputs.mapValues { Array($0.shape.dimensions.dropFirst()) }, types: inputs.mapValues(\.elementType),
                solo: solo)
            if stopping {
                condition.unlock()
                continuation.resume(throwing: ServingError.shuttingDown)
                return
            }
            if queue.count >= maxQueueSize {
                condition.unlock()
                continuation.resume(throwing: ServingError.queueFull(limit: maxQueueSize))
                return
            }
            let now = Date()
            let deadline = timeoutMicros > 0
                ? (now.addingTimeInterval(TimeInterval(timeoutMicros) / 1_000_000), timeoutMicros) : nil
            queue.append(Job(
                key: key, module: module, inputs: inputs, rows: rows ?? maxBatchSize, enqueued: now,
                deadline: deadline, continuation: continuation))
            metrics.queueDepth(queue.count)
            condition.broadcast()
            condition.unlock()
        }
    }

    // MARK: - Worker

    private func workLoop() {
        // This worker's contexts for batches that share the cores with other workers, by thread count.
        var sharedContexts: [Int: ExecutionContext] = [:]
        condition.lock()
        while true {
            if wideRunning || (queue.isEmpty && !stopping) {
                condition.wait()
                continue
            }
            if queue.isEmpty { break }
            expireOverdueJobs()
            if queue.isEmpty { continue }
            let head = queue[0]
            let shared = batchThreads > 1
            let cap = shared ? min(maxBatchSize, max(1, head.module.planOptions.microBatch)) : maxBatchSize
            var chosen: [Int] = []
            var rows = 0
            for (index, job) in queue.enumerated() where job.key == head.key {
                if chosen.isEmpty || rows + job.rows <= cap {
                    chosen.append(index)
                    rows += job.rows
                }
                if rows >= cap { break }
            }
            let batchDeadline = max(head.enqueued, idleSince).addingTimeInterval(batchTimeout)
            let target = min(cap, previousRows[head.key] ?? cap)
            // With other workers computing, waiting for company would leave this worker's cores idle.
            let othersRunning = shared && running > 0
            if rows < target, !othersRunning, !stopping, Date() < batchDeadline {
                let firstExpiry = queue.compactMap { $0.deadline?.date }.min() ?? batchDeadline
                _ = condition.wait(until: min(batchDeadline, firstExpiry))
                continue
            }
            let jobs = chosen.map { queue[$0] }
            if head.key.solo == 0 { previousRows[head.key] = rows }
            for index in chosen.reversed() { queue.remove(at: index) }
            metrics.queueDepth(queue.count)
            // Alone on an idle server: all of the kernel threads (the module lends a context); else this
            // worker's share of them.
            let alone = shared && running == 0 && queue.isEmpty
            var context: ExecutionContext?
            if shared && !alone {
                let threads = max(1, head.module.planOptions.threads / batchThreads)
                context = sharedContexts[threads] ?? ExecutionContext(
                    threads: threads, recycler: ExecutionContextPool.inferenceRecycler())
                sharedContexts[threads] = context
            }
            running += 1
            if alone { wideRunning = true }
            // A worker waiting for company re-checks: with this batch running it takes what is queued.
            if shared && !queue.isEmpty { condition.broadcast() }
            condition.unlock()
            execute(jobs, rows: rows, context: context)
            // Under a real-time policy a worker with queued work never blocks: let the event loops send
            // the answers just given before taking the next batch.
            if shared { sched_yield() }
            condition.lock()
            running -= 1
            if alone { wideRunning = false }
            idleSince = Date()
            if shared { condition.broadcast() }
        }
        condition.unlock()
    }

    /// Answers every queued request whose deadline has passed (`condition` locked).
    private func expireOverdueJobs() {
        let now = Date()
        guard queue.contains(where: { ($0.deadline?.date).map { $0 <= now } ?? false }) else { return }
        var kept: [Job] = []
        for job in queue {
            if let deadline = job.deadline, deadline.date <= now {
                job.continuation.resume(throwing: ServingError.deadlineExceeded(micros: deadline.micros))
            } else {
                kept.append(job)
            }
        }
        queue = kept
        metrics.queueDepth(queue.count)
    }

    /// One module call for `jobs` (on `context`, else on one the module lends), its outputs split back by rows.
    private func execute(_ jobs: [Job], rows: Int, context: ExecutionContext?) {
        let first = jobs[0]
        metrics.batch(size: rows, requests: jobs.count)
        let outputs: [String: Tensor]
        do {
            if jobs.count == 1 {
                outputs = try first.module(first.inputs, signature: first.key.signature, context: context)
            } else {
                var feeds: [String: Tensor] = [:]
                for name in first.inputs.keys { feeds[name] = TensorBatching.concatenate(jobs.map { $0.inputs[name]! }) }
                outputs = try first.module(feeds, signature: first.key.signature, context: context)
            }
        } catch {
            let failure = ServingError.executionFailed("\(error)")
            logger.error("module call failed", metadata: ["signature": "\(first.key.signature)", "error": "\(error)"])
            for job in jobs { job.continuation.resume(throwing: failure) }
            return
        }
        if jobs.count == 1 {
            first.continuation.resume(returning: outputs)
            return
        }
        if let (name, tensor) = outputs.first(where: { $0.value.shape.dimensions.first != rows }) {
            let failure = ServingError.executionFailed(
                "output '\(name)' has shape \(tensor.shape), not [\(rows), ...]; it cannot be split by request "
                    + "(run with --max-batch-size 1)")
            for job in jobs { job.continuation.resume(throwing: failure) }
            return
        }
        var start = 0
        for job in jobs {
            let range = start..<(start + job.rows)
            start += job.rows
            job.continuation.resume(returning: outputs.mapValues { TensorBatching.rows(range, of: $0) })
        }
    }
}
