import Foundation
import Tensors
import TensorFlowHub
import Testing
import TestSupport

@Test(arguments: NASNetCase.all)
func defaultSignatureMatchesTensorFlow(_ c: NASNetCase) throws {
    let module = try LoadedModules.module(c.fixture, tags: c.tags)
    let features = try module(c.fixture.inputs(batch: c.batch))
    let tf = try c.fixture.reference("default_b\(c.batch)_\(c.tagSuffix).npy")
    #expect(features.shape == tf.shape)
    #expect(relativeError(features, tf) <= 1e-4)
}

@Test(arguments: NASNetCase.all)
func imageFeatureVectorMatchesTensorFlow(_ c: NASNetCase) throws {
    let module = try LoadedModules.module(c.fixture, tags: c.tags)
    let outputs = try module(["images": c.fixture.inputs(batch: c.batch)], signature: "image_feature_vector")
    #expect(outputs.keys.sorted() == ["default", "feature_map"])
    for key in ["default", "feature_map"] {
        let ours = try #require(outputs[key])
        let tf = try c.fixture.reference("ifv_\(key)_b\(c.batch)_\(c.tagSuffix).npy")
        #expect(ours.shape == tf.shape, "\(key)")
        #expect(relativeError(ours, tf) <= 1e-4, "\(key)")
    }
}
