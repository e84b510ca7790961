import Foundation
import Testing
import TestSupport

@Test func fixtureFolderExists_TensorBundleTests() {
    #expect(FileManager.default.fileExists(atPath: Fixtures.repositoryRoot.appendingPathComponent("Package.swift").path))
}
