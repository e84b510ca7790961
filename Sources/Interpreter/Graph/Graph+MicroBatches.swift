import Foundation
import Kernels
import Synchronization
import Tensors

// MARK: - Running a separable plan in micro-batches

extension Graph {
    /// Runs `plan` (made for `batch` examples, `plan.separableBatch == batch`) as runs of plans made for
    /// the micro-batches of `schedule`, on `schedule.workers` threads at once, and stacks their rows.
    /// Returns `nil` (the caller runs `plan` whole) when a micro-batch plan's outputs do not have the
    /// full plan's types with the smaller batch, which a separable plan always has, or when the graph
    /// refuses the smaller feeds (a placeholder declaring the batch size); that answer is remembered.
    func runInMicroBatches(
        _ plan: ExecutionPlan, schedule: MicroBatchSchedule, feeds: [String: Tensor], fetches: [String],
        variables: any VariableStore, options: PlanOptions, context: ExecutionContext, profile: PlanProfile?,
        key: PlanKey
    ) throws -> [Tensor]? {
        let batch = schedule.ranges.last?.upperBound ?? 0
        let fullTypes = plan.fetchTypes
        guard fullTypes.allSatisfy({ $0.elementType != .string && $0.shape.rank >= 1 && $0.shape[0] == batch }),
              feeds.values.allSatisfy({ $0.elementType != .string && $0.shape.rank >= 1 && $0.shape[0] == batch })
        else { return nil }
        guard !refusesMicroBatches(key) else { return nil }

        // Plan every micro-batch size before running, so workers never plan the same shapes twice.
        let microOptions = options
        // Several micro-batches at once: each on one thread (with the context's instruction set); one at a
        // time: each on every thread.
        let microContext = schedule.workers > 1
            ? ExecutionContext(threads: 1, pool: nil, backend: context.backend, recycler: nil) : context
        var plans: [Int: ExecutionPlan] = [:]
        for size in schedule.sizes {
            let microFeeds = feeds.mapValues { tensor -> ValueType in
                var dimensions = tensor.shape.dimensions
                dimensions[0] = size
                return ValueType(tensor.elementType, Shape(dimensions))
            }
            guard let microPlan = try? self.plan(feeds: microFeeds, fetches: fetches, options: microOptions),
                  microPlan.fetchTypes.count == fullTypes.count,
                  zip(microPlan.fetchTypes, fullTypes).allSatisfy({ micro, full in
                      var expected = full.shape.dimensions
                      expected[0] = size
                      return micro.elementType == full.elementType && micro.shape.dimensions == expected
                  })
            else {
                rememberMicroBatchRefusal(key)
                return nil
            }
            plans[size] = microPlan
        }

        let outputs = fullTypes.map { TensorStorage(uninitializedByteCount: byteCount($0.shape, $0.elementType)) }
        let rowBytes = fullTypes.map { byteCount($0.shape, $0.elementType) / batch }
        func runPart(_ range: Range<Int>) throws {
            var part: [String: Tensor] = [:]
            for (name, tensor) in feeds { part[name] = rows(of: tensor, range: range, batch: batch) }
            let results = try plans[range.count]!.run(feeds: part, variables: variables, context: microContext, profile: profile)
            for (index, result) in results.enumerated() {
                result.withUnsafeBytes { source in
                    if let base = source.baseAddress, source.count > 0 {
                        (outputs[index].baseAddress + range.lowerBound * rowBytes[index])
                            .copyMemory(from: base, byteCount: source.count)
                    }
                }
            }
        }

        if schedule.workers == 1 || context.pool == nil {
            for range in schedule.ranges { try runPart(range) }
        } else {
            let queue = WorkQueue(count: schedule.ranges.count)
            context.pool?.forEach(schedule.workers, threads: schedule.workers) { _ in
                while let index = queue.next() {
                    do { try runPart(schedule.ranges[index]) } catch { queue.fail(error) }
                }
            }
            if let error = queue.error { throw error }
        }
        return zip(fullTypes, outputs).map { Tensor(elementType: $0.elementType, shape: $0.shape, storage: $1) }
    }

    private func byteCount(_ shape: Shape, _ type: ElementType) -> Int { shape.elementCount * (type.byteSize ?? 0) }

    /// Rows `range` of a dense tensor with `batch` rows on axis 0 (a copy).
    private func rows(of tensor: Tensor, range: Range<Int>, batch: Int) -> Tensor {
        var dimensions = tensor.shape.dimensions
        dimensions[0] = range.count
        let rowBytes = byteCount(tensor.shape, tensor.elementType) / batch
        let storage = TensorStorage(uninitializedByteCount: rowBytes * range.count)
        tensor.withUnsafeBytes { source in
            if let base = source.baseAddress, rowBytes * range.count > 0 {
                storage.baseAddress.copyMemory(from: base + range.lowerBound * rowBytes, byteCount: rowBytes * range.count)
            }
        }
        return Tensor(elementType: tensor.elementType, shape: Shape(dimensions), storage: storage)
    }
}

/// Hands out indices `0..<count` to worker threads, and stops handing them out after a failure.
private final class WorkQueue: Sendable {
    private let count: Int
    private let state = Mutex<(issued: Int, firstError: (any Error)?)>((0, nil))

    init(count: Int) { self.count = count }

    func next() -> Int? {
        state.withLock {
            guard $0.firstError == nil, $0.issued < count else { return nil }
            $0.issued += 1
            return $0.issued - 1
        }
    }

    func fail(_ error: any Error) { state.withLock { if $0.firstError == nil { $0.firstError = error } } }

    var error: (any Error)? { state.withLock { $0.firstError } }
}
