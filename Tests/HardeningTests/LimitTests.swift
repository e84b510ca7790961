import Foundation
import HubResolver
import Interpreter
import TensorFlowHub
import Tensors
import TestSupport
import TFProto
import Testing

// MARK: - Resource limits: each cap refuses with a typed error and can be raised

private func constNode(_ name: String, _ tensor: TensorProto) -> NodeDef {
    NodeDef(name: name, op: "Const", attr: ["dtype": .type(tensor.dtype), "value": .tensor(tensor)])
}

private func floatConst(_ name: String, count: Int64) -> NodeDef {
    constNode(name, TensorProto(dtype: .float, tensorShape: TensorShapeProto(dims: [count]), floatVal: [1.5]))
}

@Test func graphNodeCountCapIsTypedAndRaisable() throws {
    let graphDef = GraphDef(node: [floatConst("a", count: 1), floatConst("b", count: 1), floatConst("c", count: 1)])
    #expect(throws: PlanningError.tooManyNodes(count: 3, limit: 2)) {
        try Graph(graphDef: graphDef, limits: GraphLimits(maximumNodeCount: 2))
    }
    let error = PlanningError.tooManyNodes(count: 3, limit: 2)
    #expect("\(error)".contains("GraphLimits.maximumNodeCount"))
    #expect(try Graph(graphDef: graphDef, limits: GraphLimits(maximumNodeCount: 3)).nodeCount == 3)
}

@Test func constTensorByteCapIsTypedAndRaisable() throws {
    // 1 Mi float32 elements = 4 MiB, filled from one value.
    let graphDef = GraphDef(node: [floatConst("big", count: 1 << 20)])
    let small = try Graph(graphDef: graphDef, limits: GraphLimits(maximumTensorByteCount: 1 << 20))
    #expect {
        try small.plan(feeds: [:], fetches: ["big"])
    } throws: { error in
        guard case PlanningError.invalidAttribute(node: "big", op: "Const", attribute: "value", _, let found)? =
            error as? PlanningError else { return false }
        return found.contains("limit of 1048576 bytes")
    }
    let large = try Graph(graphDef: graphDef, limits: GraphLimits(maximumTensorByteCount: 8 << 20))
    let output = try large.run(feeds: [:], fetches: ["big"])[0]
    #expect(output.shape == Shape([1 << 20]))
}

/// Many constants, each within the per-tensor cap, are refused once their sum crosses the plan's
/// constant budget (a few hundred bytes of GraphDef could otherwise ask for gigabytes per node).
@Test func constantTotalCapIsTypedAndRaisable() throws {
    // Three 1 MiB float32 constants.
    let graphDef = GraphDef(node: (0..<3).map { floatConst("c\($0)", count: 1 << 18) })
    let tight = try Graph(graphDef: graphDef, limits: GraphLimits(maximumConstantByteCount: (5 << 20) / 2))
    #expect {
        try tight.plan(feeds: [:], fetches: ["c0", "c1", "c2"])
    } throws: { error in
        guard case PlanningError.invalidNode(node: "c2", op: "Const", let reason)? = error as? PlanningError
        else { return false }
        return reason.contains("exceed the limit of 2621440 bytes in total (GraphLimits.maximumConstantByteCount)")
    }
    let roomy = try Graph(graphDef: graphDef, limits: GraphLimits(maximumConstantByteCount: 3 << 20))
    #expect(try roomy.run(feeds: [:], fetches: ["c0", "c1", "c2"]).map(\.shape) == Array(repeating: Shape([1 << 18]), count: 3))
}

/// Regression: string elements counted 1 byte each, so a 2^31-element string Const passed the 4 GiB
/// cap and asked for 16 GiB of string references. Now refused before any allocation.
@Test func hugeStringConstIsRefusedWithoutAllocating() throws {
    let tensor = TensorProto(dtype: .string, tensorShape: TensorShapeProto(dims: [1 << 31]), stringVal: [Array("x".utf8)])
    let graph = try Graph(graphDef: GraphDef(node: [constNode("strings", tensor)]))
    #expect {
        try graph.plan(feeds: [:], fetches: ["strings"])
    } throws: { error in
        "\(error)".contains("string [2147483648] is larger than the limit of 4294967296 bytes per tensor")
    }
}

/// Regression: `tensor_content` of 3 bytes for 2^27 strings reserved 2^27 lengths (1 GiB) before
/// finding the content short. Every element needs one length byte, checked first.
@Test func stringContentTooShortForItsShapeIsMalformed() throws {
    let tensor = TensorProto(dtype: .string, tensorShape: TensorShapeProto(dims: [1 << 27]), tensorContent: [1, 65, 0])
    let graph = try Graph(graphDef: GraphDef(node: [constNode("strings", tensor)]))
    #expect {
        try graph.plan(feeds: [:], fetches: ["strings"])
    } throws: { error in
        "\(error)".contains("tensor_content of 3 bytes cannot hold 134217728 string lengths")
    }
}

// MARK: - Through Module.LoadOptions

@Test func protoInputSizeCapNamesTheFile() throws {
    var options = Module.LoadOptions()
    options.protoLimits.maxInputBytes = 1_000
    #expect {
        try Module(handle: HardeningFixture.protoModule.path, options: options)
    } throws: { error in
        guard case let ProtoDecodingError.inputTooLarge(type, file?, count, 1_000)? = error as? ProtoDecodingError
        else { return false }
        return type == "tensorflow.SavedModel" && file.hasSuffix("proto/hub_module/saved_model.pb") && count > 1_000
    }
}

@Test func protoNestingDepthCapNamesTheField() throws {
    var options = Module.LoadOptions()
    options.protoLimits.maxDepth = 4
    #expect {
        try Module(handle: HardeningFixture.protoModule.path, options: options)
    } throws: { error in
        guard case let ProtoDecodingError.nestingTooDeep(_, file?, path, 4)? = error as? ProtoDecodingError
        else { return false }
        return file.hasSuffix("saved_model.pb") && path.hasPrefix("meta_graphs.meta_info_def")
    }
}

@Test func graphNodeCapThroughLoadOptions() throws {
    var options = Module.LoadOptions()
    options.graphLimits.maximumNodeCount = 5
    #expect {
        try Module(handle: HardeningFixture.protoModule.path, options: options)
    } throws: { error in
        guard case let PlanningError.tooManyNodes(count, 5)? = error as? PlanningError else { return false }
        return count > 5
    }
    // The defaults load it.
    #expect(!(try Module(handle: HardeningFixture.protoModule.path).signatureNames.isEmpty))
}

@Test(arguments: [
    (ExtractionLimits(maxEntryCount: 3), "entries"),
    (ExtractionLimits(maxTotalSize: 1_000), "total"),
    (ExtractionLimits(maxEntrySize: 100), "entry"),
])
func archiveCapsThroughTheResolver(limits: ExtractionLimits, word: String) throws {
    try withScratch { scratch in
        let cache = scratch.sub("cache")
        let tight = ModuleResolver(cacheDirectory: cache, environment: [:], limits: limits)
        #expect {
            try Module(handle: HardeningFixture.resolverArchive.path, resolver: tight)
        } throws: { error in
            guard case let ResolverError.limitExceeded(_, limit, _, _)? = error as? ResolverError else { return false }
            return limit.contains(word)
        }
        let entry = try #require(tight.cacheFolder(for: HardeningFixture.resolverArchive.path))
        #expect(!FileManager.default.fileExists(atPath: entry.path))
        // The default caps extract it.
        let folder = try ModuleResolver(cacheDirectory: cache, environment: [:]).resolve(HardeningFixture.resolverArchive.path)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("saved_model.pb").path))
    }
}
