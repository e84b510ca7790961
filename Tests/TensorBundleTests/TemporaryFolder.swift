import Foundation

/// Fresh folders under the system temporary directory for tests that write files.
enum TemporaryFolder {
    static func make() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("TensorBundleTests-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A copy of the fixture bundle folder `name` (under Tests/Fixtures/bundle/) to damage.
    static func copyOfFixture(_ name: String) throws -> URL {
        let folder = try make().appendingPathComponent(name)
        try FileManager.default.copyItem(at: BundleFixture.folder(name), to: folder)
        return folder
    }
}
