import Foundation

// MARK: - Is this folder a complete module?

/// Checks a folder for the files a module needs, without parsing them: `saved_model.pb` (a TF2
/// SavedModel, what `hub.load` reads, needs nothing else; tensorflow_hub 0.15 accepts any non-empty
/// folder), `tfhub_module.pb` when present (a TF1 hub module) a regular file too, and, when
/// `variables/variables.index` exists, every data shard its siblings' names imply
/// (`variables.data-SSSSS-of-NNNNN` for all S < N, one N for all shards).
package enum ModuleFolderValidator {
    /// nil when the folder is a complete module, otherwise what is wrong with it.
    package static func problem(in folder: String) -> String? {
        switch POSIX.kind(of: folder) {
        case .missing: return "the folder does not exist"
        case .directory: break
        default: return "it is a file, not a folder"
        }
        switch POSIX.kind(of: folder + "/saved_model.pb") {
        case .regularFile: break
        case .missing:
            return POSIX.kind(of: folder + "/saved_model.pbtxt") == .regularFile
                ? "saved_model.pb is missing (saved_model.pbtxt, the text format, is not read)"
                : "saved_model.pb is missing"
        default: return "saved_model.pb is not a regular file"
        }
        switch POSIX.kind(of: folder + "/tfhub_module.pb") {
        case .regularFile, .missing: break
        default: return "tfhub_module.pb is not a regular file"
        }
        let variables = folder + "/variables"
        guard POSIX.kind(of: variables + "/variables.index") == .regularFile else {
            if POSIX.kind(of: variables + "/variables.index") != .missing {
                return "variables/variables.index is not a regular file"
            }
            return nil
        }
        return shardProblem(in: variables)
    }

    private static func shardProblem(in variables: String) -> String? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: variables)) ?? []
        var shardCount: Int?
        var present = Set<Int>()
        for name in names where name.hasPrefix("variables.data-") {
            guard let (index, count) = parseShardName(name) else { continue }
            if let known = shardCount, known != count {
                return "variables/ mixes data shards of \(known) and \(count) parts"
            }
            shardCount = count
            if POSIX.kind(of: variables + "/" + name) == .regularFile { present.insert(index) }
        }
        guard let count = shardCount else {
            return "variables/variables.index exists but no variables.data-SSSSS-of-NNNNN file does"
        }
        if let missing = (0..<count).first(where: { !present.contains($0) }) {
            return "variables/" + shardName(missing, of: count) + " is missing"
        }
        return nil
    }

    /// `variables.data-00001-of-00004` -> (1, 4).
    static func parseShardName(_ name: String) -> (Int, Int)? {
        let parts = name.dropFirst("variables.data-".count).split(separator: "-")
        guard parts.count == 3, parts[1] == "of", parts[0].count == 5, parts[2].count == 5,
              let index = Int(parts[0]), let count = Int(parts[2]), index < count
        else { return nil }
        return (index, count)
    }

    static func shardName(_ index: Int, of count: Int) -> String {
        func five(_ n: Int) -> String {
            let digits = String(n)
            return String(repeating: "0", count: max(0, 5 - digits.count)) + digits
        }
        return "variables.data-\(five(index))-of-\(five(count))"
    }
}
