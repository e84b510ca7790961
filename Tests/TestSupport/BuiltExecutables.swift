import Foundation

extension Fixtures {
    /// Folders where executables built with the package sit next to (or above) the running test bundle,
    /// then `.build/debug`.
    public static var builtExecutableFolders: [URL] {
        var places: [URL] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            places.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
        }
        var bundle = Bundle.main.bundleURL
        for _ in 0..<4 {
            places.append(bundle)
            bundle = bundle.deletingLastPathComponent()
        }
        places.append(repositoryRoot.appendingPathComponent(".build/debug"))
        return places
    }

    /// An executable built with the package (`tfhub`, `hub-resolve-probe`, `fuzz-archive`, ...), or `nil`.
    public static func builtExecutable(_ name: String) -> URL? {
        builtExecutableFolders.map { $0.appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }
}
