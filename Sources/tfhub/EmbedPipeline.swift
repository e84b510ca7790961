import ArgumentParser
import Foundation
import ImageInput
import Interpreter
import Kernels
import Synchronization
import TensorFlowHub
import Tensors

/// `tfhub embed`'s work: decoding, resizing and the network on the same `threads` threads.
///
/// The image list is cut into chunks of `batch` images and each chunk into parts of `partSize`. Every
/// thread takes the next part, decodes and resizes its images straight into a batch tensor
/// (`ImageDecoder.decodeResized`) and runs the module on it with a one-thread context of its own, then
/// takes the next part: while one thread decodes, the other computes, and no thread waits for a batch
/// to be assembled. (Decoding first and then running each batch on all threads left the network's
/// threads idle during decoding.) The plan is made once, by one thread, while the others decode parts
/// ahead. Progress advances once per chunk, in order, as before; unreadable
/// images are reported when their chunk completes.
struct EmbedPipeline {
    let module: Module
    let signature: String
    let height: Int
    let width: Int
    let pixelLimit: Int
    let threads: Int
    /// Images per network call on one thread: the micro-batch size (`PlanOptions.microBatch`), so each call
    /// runs one plan whole, the plan `tfhub bench` runs for batches.
    let partSize: Int

    /// Parts decoded ahead while the plan is being made, at most (NASNet: ~37 ms of planning, ~50 images).
    static let maximumPartsAhead = 32

    struct Row {
        let file: String
        let features: [Float]
    }

    /// One part of a chunk: images `range` of the list.
    private struct Part {
        let chunk: Int
        let range: Range<Int>
    }

    private struct PartResult {
        var rows: [Row] = []
        var failures: [String] = []
    }

    /// A part's images, read and decoded: the batch of those that could be read, and what was wrong with
    /// the others.
    private struct Decoded {
        let index: Int
        var batch: Tensor?
        var files: [String]
        var failures: [String]
    }

    private struct State: ~Copyable {
        var nextPart = 0
        /// Parts decoded while the plan was being made, oldest first.
        var decodedAhead: [Decoded] = []
        var results: [PartResult?]
        var partsDone: [Int]
        var reportedChunks = 0
        var failureCount = 0
        var error: (any Error)?
    }

    /// Embeds `images` in order; returns the rows of the readable ones and how many could not be read.
    func run(_ images: [URL], batch: Int, progress: ProgressBar) throws -> (rows: [Row], failures: Int) {
        var parts: [Part] = []
        var chunkSizes: [Int] = [], partsPerChunk: [Int] = []
        var start = 0
        while start < images.count {
            let end = min(start + batch, images.count)
            // Parts of at most `partSize` images; as even as possible.
            let count = (end - start + partSize - 1) / partSize
            for p in 0..<count {
                parts.append(Part(chunk: chunkSizes.count,
                                  range: start + (end - start) * p / count ..< start + (end - start) * (p + 1) / count))
            }
            chunkSizes.append(end - start)
            partsPerChunk.append(count)
            start = end
        }
        var firstPart = [Int](repeating: 0, count: chunkSizes.count)
        for (index, part) in parts.enumerated().reversed() { firstPart[part.chunk] = index }

        let state = Mutex(State(results: Array(repeating: nil, count: parts.count),
                                partsDone: Array(repeating: 0, count: chunkSizes.count)))
        // The signature's one input and its default output (`default`, or its only output: TF2 SavedModels
        // name theirs after the layer).
        let definition = module.signature(signature)
        guard let inputKey = definition?.inputs.count == 1 ? definition?.inputs.keys.first : nil else {
            throw ValidationError("signature '\(signature)' needs exactly one image input to embed images")
        }
        guard let outputKey = definition?.defaultOutputKey else {
            throw ValidationError("signature '\(signature)' has no 'default' output and more than one output")
        }
        // Called with the lock held: reports every chunk whose parts are all done, in order.
        func report(_ s: inout State) {
            while s.reportedChunks < chunkSizes.count && s.partsDone[s.reportedChunks] == partsPerChunk[s.reportedChunks] {
                let chunk = s.reportedChunks
                for index in firstPart[chunk] ..< firstPart[chunk] + partsPerChunk[chunk] {
                    for failure in s.results[index]?.failures ?? [] {
                        progress.clearLine()
                        printError("skipped \(failure)")
                    }
                }
                progress.advance(by: chunkSizes[chunk])
                s.reportedChunks += 1
            }
        }
        let imageFloats = height * width * 3
        /// Reads and decodes part `index` into a batch tensor (nil: no image of it could be read).
        func decode(_ index: Int) -> Decoded {
            let part = parts[index]
            var decoded = Decoded(index: index, batch: nil, files: [], failures: [])
            let storage = TensorStorage(uninitializedByteCount: part.range.count * imageFloats * 4)
            let base = storage.baseAddress.assumingMemoryBound(to: Float.self)
            for url in images[part.range] {
                do {
                    try ImageDecoder.decodeResized(contentsOf: url, height: height, width: width,
                                                   pixelLimit: pixelLimit, into: base + decoded.files.count * imageFloats)
                    decoded.files.append(url.path)
                } catch {
                    decoded.failures.append("\(error)")
                }
            }
            let count = decoded.files.count
            if count == part.range.count {
                decoded.batch = Tensor(elementType: .float32, shape: [count, height, width, 3], storage: storage)
            } else if count > 0 {
                decoded.batch = Tensor(shape: [count, height, width, 3], of: Float.self) { out in
                    out.baseAddress!.update(from: base, count: count * imageFloats)
                }
            }
            return decoded
        }
        let planned = Atomic<Bool>(threads == 1)
        func work(_ thread: Int) {
            let context = ExecutionContext(threads: 1, recycler: ExecutionContextPool.inferenceRecycler())
            if !planned.load(ordering: .acquiring) && thread == 0 {
                // The plan for a part, made once while the other threads decode parts ahead.
                do {
                    _ = try module.plan(signature: signature,
                                        inputs: [inputKey: ValueType(.float32, [min(partSize, images.count), height, width, 3])])
                } catch {
                    state.withLock { s in if s.error == nil { s.error = error } }
                }
                planned.store(true, ordering: .releasing)
            }
            while true {
                // A part decoded ahead, else the next part.
                let next: (ahead: Decoded?, index: Int?) = state.withLock { s in
                    guard s.error == nil else { return (nil, nil) }
                    if !s.decodedAhead.isEmpty { return (s.decodedAhead.removeFirst(), nil) }
                    guard s.nextPart < parts.count else { return (nil, nil) }
                    s.nextPart += 1
                    return (nil, s.nextPart - 1)
                }
                guard var decoded = next.ahead ?? next.index.map(decode) else { return }
                if !planned.load(ordering: .acquiring) {
                    let ahead = state.withLock { s in
                        s.decodedAhead.append(decoded)
                        return s.decodedAhead.count
                    }
                    // At most `maximumPartsAhead` decoded parts wait for the plan.
                    while ahead >= Self.maximumPartsAhead && !planned.load(ordering: .acquiring) { sched_yield() }
                    continue
                }
                var result = PartResult(rows: [], failures: decoded.failures)
                do {
                    if let batch = decoded.batch {
                        decoded.batch = nil
                        let outputs = try module([inputKey: batch], signature: signature, context: context)
                        guard let features = outputs[outputKey] else {
                            throw ValidationError("signature '\(signature)' has no '\(outputKey)' output")
                        }
                        let values = features.scalars(as: Float.self)
                        let rowWidth = features.shape.dimensions.dropFirst().reduce(1, *)
                        for (i, file) in decoded.files.enumerated() {
                            result.rows.append(Row(file: file, features: Array(values[(i * rowWidth)..<((i + 1) * rowWidth)])))
                        }
                    }
                } catch {
                    state.withLock { s in if s.error == nil { s.error = error } }
                    return
                }
                state.withLock { s in
                    s.failureCount += result.failures.count
                    s.results[decoded.index] = result
                    s.partsDone[parts[decoded.index].chunk] += 1
                    report(&s)
                }
            }
        }
        if threads > 1 {
            WorkerPool(threads: threads).forEach(threads, threads: threads) { work($0) }
        } else {
            work(0)
        }
        return try state.withLock { s in
            if let error = s.error { throw error }
            return (s.results.flatMap { $0?.rows ?? [] }, s.failureCount)
        }
    }
}
