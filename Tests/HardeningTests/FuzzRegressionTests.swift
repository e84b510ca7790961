import Foundation
import FuzzTargets
import ImageInput
import Interpreter
import TensorFlowHub
import TFProto
import Tensors
import TestSupport
import Testing

// MARK: - Fuzz inputs replayed in the plain build

/// Every input a fuzz run ever crashed on (Tests/Fixtures/fuzz/regressions/TARGET/) and the fixture
/// seeds go through the same target functions the fuzzers call; the test passes when each returns
/// (typed errors are the expected outcome for most). Under `scripts/fuzz` the same inputs also run with
/// the address and leak sanitizers. Serialized: the targets share one scratch folder per process.
@Suite(.serialized) struct FuzzRegressionTests {
    @Test(arguments: FuzzTarget.allCases)
    func regressionInputsReplay(target: FuzzTarget) throws {
        try replayEveryFile(in: HardeningFixture.regressions, target: target)
    }

    /// The kept corpora of the long runs (Tests/Fixtures/fuzz/seeds/TARGET) in the plain build.
    @Test(arguments: FuzzTarget.allCases)
    func keptCorpusReplays(target: FuzzTarget) throws {
        try replayEveryFile(in: HardeningFixture.corpus, target: target)
    }

    /// Runs every file of `root/TARGET` through the target.
    private func replayEveryFile(in root: URL, target: FuzzTarget) throws {
        let folder = root.appendingPathComponent(target.rawValue)
        for name in listing(folder) {
            target.run(try [UInt8](Data(contentsOf: folder.appendingPathComponent(name))))
        }
        FuzzTarget.cleanUp()
    }

    /// The NASNet saved_model.pb files are too large to mutate at speed, so the fuzz seeds leave them out;
    /// they go through the savedmodel target here, as does every small module fixture.
    @Test func moduleFixturesReplay() throws {
        for path in ["nasnet/slim_v1_small/module", "nasnet/keras_small/module", "proto/hub_module", "resolver/module"] {
            let folder = Fixtures.url(path)
            FuzzTarget.savedmodel.run(try [UInt8](Data(contentsOf: folder.appendingPathComponent("saved_model.pb"))))
            FuzzTarget.savedmodel.run(try [UInt8](Data(contentsOf: folder.appendingPathComponent("tfhub_module.pb"))))
            let prefix = folder.appendingPathComponent("variables/variables").path
            FuzzTarget.bundle.run(FuzzTarget.bundleInput(
                index: try [UInt8](Data(contentsOf: URL(fileURLWithPath: prefix + ".index"))),
                data: try [UInt8](Data(contentsOf: URL(fileURLWithPath: prefix + ".data-00000-of-00001")))))
        }
        FuzzTarget.cleanUp()
    }

    /// TF2 SavedModels (no tfhub_module.pb) go through the savedmodel target's SavedModel path.
    @Test func savedModelV2FixturesReplay() throws {
        for path in ["savedmodel2/edge/tiny/savedmodel", "savedmodel2/edge/ragged_call/savedmodel",
                     "savedmodel2/resnet_small/savedmodel", "proto/tf2_module"] {
            FuzzTarget.savedmodel.run(try [UInt8](Data(contentsOf: Fixtures.url(path).appendingPathComponent("saved_model.pb"))))
        }
        FuzzTarget.cleanUp()
    }

    @Test func archiveFixturesReplay() throws {
        var count = 0
        for group in ["resolver/archives", "resolver/malicious"] {
            let folder = Fixtures.url(group)
            for name in listing(folder) where !name.hasSuffix(".txt") {
                FuzzTarget.archive.run(try [UInt8](Data(contentsOf: folder.appendingPathComponent(name))))
                count += 1
            }
        }
        #expect(count > 20)
        FuzzTarget.cleanUp()
    }

    @Test func graphFixturesReplay() throws {
        var count = 0
        for group in ["ops/array", "ops/math", "ops/nn"] {
            let folder = Fixtures.url(group)
            for name in listing(folder) where name.hasSuffix(".graph.pb") {
                FuzzTarget.graph.run(try [UInt8](Data(contentsOf: folder.appendingPathComponent(name))))
                count += 1
            }
        }
        #expect(count > 100)
        FuzzTarget.cleanUp()
    }
}

// MARK: - Hand-made regression inputs

/// The graphs written by Tests/Fixtures/fuzz/make_regressions.py: each must be refused at plan time
/// with the limit or the content problem named, without allocating what the shape claims.
@Test(arguments: [
    ("huge-string-const", "string [2147483648] is larger than the limit of 4294967296 bytes per tensor"),
    ("string-content-shorter-than-shape", "tensor_content of 3 bytes cannot hold 134217728 string lengths"),
])
func handMadeGraphRegressionsAreRefused(name: String, message: String) throws {
    let url = HardeningFixture.regressions.appendingPathComponent("graph/" + name)
    let graphDef = try GraphDef(serializedBytes: [UInt8](Data(contentsOf: url)))
    let graph = try Graph(graphDef: graphDef)
    #expect {
        try graph.plan(feeds: [:], fetches: ["strings"])
    } throws: { error in
        guard case PlanningError.invalidAttribute(node: "strings", op: "Const", attribute: "value", _, let found)? =
            error as? PlanningError else { return false }
        return found.contains(message)
    }
}

/// An empty `saved_model.pb` (the input of the Foundation leak) says the file holds no graph variant.
@Test func emptySavedModelSaysItHoldsNoGraph() throws {
    try withScratch { scratch in
        let folder = scratch.sub("module")
        try copyFolder(HardeningFixture.protoModule, to: folder)
        _ = FileManager.default.createFile(atPath: folder.appendingPathComponent("saved_model.pb").path, contents: Data())
        #expect {
            try Module(handle: folder.path)
        } throws: { error in
            guard case ModuleError.noSuchGraphVariant(let file, [], [])? = error as? ModuleError else { return false }
            return file.hasSuffix("saved_model.pb") && "\(error)".contains("the file holds no MetaGraphDef")
        }
    }
}

/// Found by fuzz-image: a progressive JPEG's header is trusted by `jpeg_start_decompress`, which
/// allocates coefficient buffers for the whole claimed image. The pixel limit is now checked first.
@Test func progressiveJPEGClaimingAHugeSizeIsRefusedBeforeDecoding() throws {
    let url = HardeningFixture.regressions.appendingPathComponent("image/progressive-jpeg-claiming-60000x60000")
    let bytes = try [UInt8](Data(contentsOf: url))
    let start = Date()
    #expect {
        try ImageDecoder.decode(bytes, source: "claims-60000x60000.jpg")
    } throws: { error in
        "\(error)" == "claims-60000x60000.jpg: JPEG: 60000x60000 pixels exceeds the limit of \(ImageDecoder.defaultPixelLimit)"
    }
    // Before the fix the same error came after ~35 s and gigabytes of coefficient buffers.
    #expect(Date().timeIntervalSince(start) < 5)
}

/// Found by fuzz-graph (running plans): `StridedSlice` with `ellipsis_mask` bits past the end of its
/// spec. TensorFlow 2.21 ignores those bits and adds the implicit trailing ellipsis:
/// `tf.raw_ops.StridedSlice(x[1,2,2,3], begin=[], end=[], strides=[], ellipsis_mask=16)` is `x`, and
/// `begin=[1], end=[2], strides=[1], ellipsis_mask=4` has shape (0, 2, 2, 3). We covered no axis and
/// trapped in the run (reshaping 0 elements to a scalar).
@Test(arguments: [([Int32](), Int64(16), [1, 2, 2, 3]), ([Int32(1)], Int64(4), [0, 2, 2, 3])])
func stridedSliceIgnoresEllipsisBitsPastTheSpec(begin: [Int32], ellipsisMask: Int64, expected: [Int]) throws {
    func vector(_ name: String, _ values: [Int32]) -> NodeDef {
        let tensor = TensorProto(dtype: .int32, tensorShape: TensorShapeProto(dims: [Int64(values.count)]), intVal: values)
        return NodeDef(name: name, op: "Const", attr: ["dtype": .type(.int32), "value": .tensor(tensor)])
    }
    let graphDef = GraphDef(node: [
        NodeDef(name: "x", op: "Placeholder", attr: ["dtype": .type(.float)]),
        vector("begin", begin), vector("end", begin.map { $0 + 1 }), vector("strides", begin.map { _ in 1 }),
        NodeDef(name: "slice", op: "StridedSlice", input: ["x", "begin", "end", "strides"],
                attr: ["T": .type(.float), "Index": .type(.int32), "ellipsis_mask": .i(ellipsisMask)]),
    ])
    let x = Tensor(shape: [1, 2, 2, 3], of: Float.self) { out in
        for i in out.indices { out[i] = Float(i) }
    }
    let output = try Graph(graphDef: graphDef).run(feeds: ["x": x], fetches: ["slice"])[0]
    #expect(output.shape == Shape(expected))
    if expected == [1, 2, 2, 3] { #expect(output.scalars(as: Float.self) == x.scalars(as: Float.self)) }
}
