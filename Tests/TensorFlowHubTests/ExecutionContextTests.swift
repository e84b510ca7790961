import Dispatch
import Foundation
import Interpreter
import Tensors
import TensorFlowHub
import Testing

// MARK: - Calls with explicit execution contexts, concurrent calls, plans as written

private func bytes(_ tensor: Tensor) -> [UInt8] { tensor.withUnsafeBytes { Array($0) } }

/// Several callers on one `Module` at once, each on its own context (and so its own workers), get
/// exactly the output of a serial one-thread run, for single images and separable batches alike.
@Test(arguments: [NASNetFixture.slimV1, .keras], [1, 8])
func concurrentCallersWithTheirOwnContextsMatchASerialRun(_ fixture: NASNetFixture, batch: Int) throws {
    let module = try LoadedModules.module(fixture, tags: [])
    let images = try fixture.inputs(batch: batch)
    let reference = bytes(try module(images, context: .singleThreaded))
    let callers = 3
    let contexts = (0..<callers).map { ExecutionContext(threads: $0 + 1) }
    let results = ResultBox(count: callers)
    DispatchQueue.concurrentPerform(iterations: callers) { caller in
        for _ in 0..<4 {
            results.store(caller, Result { bytes(try module(images, context: contexts[caller])) })
        }
    }
    for caller in 0..<callers {
        let runs = results.runs(caller)
        #expect(runs.count == 4)
        for run in runs { #expect(try run.get() == reference, "caller \(caller) (\(caller + 1) threads)") }
    }
    // Calls that pass no context borrow one each, at the same time.
    let borrowed = ResultBox(count: callers)
    DispatchQueue.concurrentPerform(iterations: callers) { caller in
        borrowed.store(caller, Result { bytes(try module(images)) })
    }
    for caller in 0..<callers {
        for run in borrowed.runs(caller) { #expect(try run.get() == reference) }
    }
}

/// The graph as written (no rewrites, variables read from the module's store at run time) gives TF's
/// output too, and the optimized plan's fused steps name the nodes of the graph as written they compute.
@Test(arguments: [NASNetFixture.slimV1, .slimV3, .keras])
func graphAsWrittenKeepsVariablesAndMatchesTheOptimizedPlan(_ fixture: NASNetFixture) throws {
    let module = try LoadedModules.module(fixture, tags: [])
    let images = try fixture.inputs(batch: 2)
    let inputs = ["images": ValueType(.float32, images.shape)]
    let signature = try #require(module.signature("default"))
    let feed = try #require(signature.inputs["images"]).tensorName

    let optimized = try module.plan(inputs: inputs)
    #expect(optimized.variables.isEmpty, "an inference plan reads variables as constants")
    let asWritten = try module.plan(inputs: inputs, options: PlanOptions(optimize: false))
    #expect(asWritten.variables.count > 50, "a plan as written reads the variables at run time")
    #expect(asWritten.stepCount > optimized.stepCount)
    #expect(asWritten.stepSummaries.allSatisfy { $0.sourceNodes == [$0.node] }, "no rewrite, no provenance")

    let written = try asWritten.run(feeds: [feed: images], variables: module.variableValues)[0]
    let fast = try module(images)
    let expected = try fixture.reference("default_b2_notags.npy")
    let scale = expected.scalars(as: Float.self).map(abs).max() ?? 1
    let vsTF = zip(written.scalars(as: Float.self), expected.scalars(as: Float.self)).map { abs($0 - $1) }.max() ?? 0
    let vsFast = zip(written.scalars(as: Float.self), fast.scalars(as: Float.self)).map { abs($0 - $1) }.max() ?? 0
    #expect(vsTF <= 1e-4 * scale, "as written vs TF: \(vsTF) (scale \(scale))")
    #expect(vsFast <= 1e-5 * scale, "as written vs optimized: \(vsFast)")

    let fused = optimized.stepSummaries.filter { $0.op.name == "tfhub.FusedConv2D" }
    #expect(!fused.isEmpty)
    for step in fused {
        #expect(step.sourceNodes.count >= 2 && step.sourceNodes.contains(step.node), "\(step.node): \(step.sourceNodes)")
        #expect(step.op.traits.examples == .firstInput)
    }
    let writtenOps = Set(asWritten.stepSummaries.map(\.op.name))
    #expect(writtenOps.isDisjoint(with: ["tfhub.FusedConv2D", "tfhub.ConcatSums", "tfhub.ReluDepthwiseConv2D"]))
}

/// Results of concurrent callers: every run of every caller.
private final class ResultBox: @unchecked Sendable {  // every access holds `lock`
    private let lock = NSLock()
    private var results: [[Result<[UInt8], any Error>]]

    init(count: Int) { results = Array(repeating: [], count: count) }

    func store(_ index: Int, _ result: Result<[UInt8], any Error>) { lock.withLock { results[index].append(result) } }

    func runs(_ index: Int) -> [Result<[UInt8], any Error>] { lock.withLock { results[index] } }
}
