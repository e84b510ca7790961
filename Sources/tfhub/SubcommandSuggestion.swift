import ArgumentParser
import Foundation

/// A misspelled subcommand (`tfhub embedd x.jpg`) gets a suggestion instead of ArgumentParser's
/// "2 unexpected arguments": the known subcommands within two edits of it, else the list of them.
enum SubcommandSuggestion {
    /// The message for `arguments` (without the program name), or nil when the first one is an option or
    /// a known subcommand.
    static func message(for arguments: [String], known: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-"), !known.contains(first) else { return nil }
        let close = known.map { ($0, editDistance(first, $0)) }.filter { $0.1 <= 2 }.sorted { $0.1 < $1.1 }
        if let best = close.first {
            return "tfhub: unknown subcommand '\(first)'. Did you mean '\(best.0)'?\n"
                + "Usage: tfhub \(best.0) --help"
        }
        return "tfhub: unknown subcommand '\(first)'; the subcommands are \(known.joined(separator: ", "))"
    }

    /// Levenshtein distance (insertions, deletions, substitutions).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        var row = Array(0...y.count)
        for i in 1...max(x.count, 1) where !x.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: y.count, by: 1) {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (x[i - 1] == y[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return x.isEmpty ? y.count : row[y.count]
    }
}
