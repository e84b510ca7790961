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
        var row = Array(0...y.count)  // distances from the first i characters of x to each prefix of y
        for (i, xc) in x.enumerated() {
            var diagonal = row[0]
            row[0] = i + 1
            for (j, yc) in y.enumerated() {
                let above = row[j + 1]
                row[j + 1] = min(above + 1, row[j] + 1, diagonal + (xc == yc ? 0 : 1))
                diagonal = above
            }
        }
        return row[y.count]
    }
}
