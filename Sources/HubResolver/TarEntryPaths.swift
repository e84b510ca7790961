// MARK: - Where an entry may go

extension TarExtractor {
    /// The entry's path as folder components below `root`; refuses absolute paths and `..`.
    func safeComponents(_ name: String) throws -> [String] {
        if name.hasPrefix("/") { throw unsafe(name, "absolute paths are not accepted") }
        if name.contains("\0") { throw unsafe(name, "the name contains a NUL byte") }
        let components = name.split(separator: "/", omittingEmptySubsequences: true)
            .map(String.init).filter { $0 != "." }
        if components.contains("..") { throw unsafe(name, "'..' would leave the module folder") }
        return components
    }

    /// Creates `components` below `root` one folder at a time, refusing anything that is not a folder.
    func makeFolder(_ components: [String], entry: String) throws {
        var path = root
        for component in components {
            path += "/" + component
            switch POSIX.kind(of: path) {
            case .directory:
                continue
            case .missing:
                let code = POSIX.makeDirectory(path)
                if code != 0 {
                    throw ResolverError.fileSystem(path: path, operation: "Creating folder", reason: POSIX.describe(code))
                }
            case .regularFile, .other:
                throw unsafe(entry, "'\(component)' is already a file, not a folder")
            }
        }
    }
}
