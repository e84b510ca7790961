import Foundation
import Testing
import TestSupport

@Test func fixtureFolderExists_CLITests() {
    #expect(FileManager.default.fileExists(atPath: Fixtures.repositoryRoot.appendingPathComponent("Package.swift").path))
}
