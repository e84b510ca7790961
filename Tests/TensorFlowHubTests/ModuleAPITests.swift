import Foundation
import TensorFlowHub
import Tensors
import TestSupport
import Testing

@Test(arguments: NASNetFixture.allCases)
func exposesSignaturesAndImageSize(_ fixture: NASNetFixture) throws {
    let module = try LoadedModules.module(fixture, tags: [])
    #expect(module.signatureNames == ["default", "image_feature_vector"])
    #expect(module.availableTagSets.contains([]) && module.availableTagSets.contains(["train"]))
    let size = try module.getExpectedImageSize()
    #expect(size.height == 40 && size.width == 40)
    #expect(try module.getNumImageChannels() == 3)
    let images = try #require(module.signature("image_feature_vector")?.inputs["images"])
    #expect(images.elementType == .float32)
    #expect(images.dataTypeName == "DT_FLOAT")
    #expect(images.shape == [nil, 40, 40, 3])
    let features = try #require(module.signature("default")?.outputs["default"])
    #expect(features.shape == [nil, 192])
    #expect(module.unsupportedOps.isEmpty)
}

@Test func unknownTagSetNamesTheAlternatives() throws {
    let error = try #require(throws: ModuleError.self) {
        try Module(url: NASNetFixture.slimV1.moduleURL, tags: ["serve"])
    }
    guard case .noSuchGraphVariant(_, let requested, let available) = error else {
        Issue.record("unexpected \(error)")
        return
    }
    #expect(requested == ["serve"])
    #expect(Set(available) == [[], ["train"]])
}

@Test func wrongInputsAreTypedErrors() throws {
    let module = try LoadedModules.module(.slimV3, tags: [])
    #expect(throws: ModuleError.self) { try module(Tensor.zeros(.float32, shape: [1, 32, 32, 3])) }
    #expect(throws: ModuleError.self) { try module(Tensor.zeros(.int32, shape: [1, 40, 40, 3])) }
    #expect(throws: ModuleError.self) { try module(["pictures": Tensor.zeros(.float32, shape: [1, 40, 40, 3])]) }
    #expect(throws: ModuleError.self) { try module(Tensor.zeros(.float32, shape: [1, 40, 40, 3]), signature: "nope") }
}

@Test func folderWithoutModuleFilesIsRefused() throws {
    let empty = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-module-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: empty) }
    #expect(throws: (any Error).self) { try Module(url: empty) }
}

@Test func concurrentCallsAgree() throws {
    let module = try LoadedModules.module(.slimV1, tags: [])
    let inputs = try NASNetFixture.slimV1.inputs(batch: 2)
    let expected = try module(inputs).scalars(as: Float.self)
    let results = UnsafeSendableBox([[Float]](repeating: [], count: 4))
    DispatchQueue.concurrentPerform(iterations: 4) { i in
        let value = (try? module(inputs).scalars(as: Float.self)) ?? []
        results.lock.withLock { results.value[i] = value }
    }
    for result in results.value { #expect(result == expected) }
}

final class UnsafeSendableBox<T>: @unchecked Sendable {  // `value` is used under `lock`, or after the workers joined
    let lock = NSLock()
    var value: T
    init(_ value: T) { self.value = value }
}
