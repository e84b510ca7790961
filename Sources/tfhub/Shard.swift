import Foundation

/// One contiguous part of `tfhub embed`'s image list, so a Kubernetes Indexed Job (or any N machines)
/// embeds a large image set in N pieces: `--shard I/N`, or `--shard-count N` (or `TFHUB_SHARD_COUNT`)
/// with the index from `JOB_COMPLETION_INDEX`.
///
/// Shard `I` of `N` takes images `[I * count / N, (I + 1) * count / N)` of the list `tfhub embed` builds
/// (each folder's files sorted by name, files named directly in the order given): shard sizes differ by at
/// most one, and shards 0, 1, ..., N-1 laid end to end are the whole list in its order.
struct Shard: Equatable, CustomStringConvertible {
    let index: Int
    let count: Int

    var description: String { "\(index)/\(count)" }

    /// The environment variables read when `--shard` is not given.
    static let indexVariable = "JOB_COMPLETION_INDEX"
    static let countVariable = "TFHUB_SHARD_COUNT"

    init(index: Int, count: Int) throws(ShardError) {
        guard count >= 1 else { throw .countTooSmall(count) }
        guard index >= 0 else { throw .negativeIndex(index) }
        guard index < count else { throw .indexOutOfRange(index: index, count: count) }
        self.index = index
        self.count = count
    }

    /// `I/N`, e.g. `0/4`.
    init(parsing text: String) throws(ShardError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2,
              let index = Int(parts[0].trimmingCharacters(in: .whitespaces)),
              let count = Int(parts[1].trimmingCharacters(in: .whitespaces))
        else { throw .notIndexSlashCount(text) }
        try self.init(index: index, count: count)
    }

    /// The shard to embed, or `nil` for all images: `--shard I/N` if given; else, when a count is given
    /// (`--shard-count N`, else `TFHUB_SHARD_COUNT`), the index from `JOB_COMPLETION_INDEX`.
    static func resolve(shard: String?, shardCount: Int?, environment: [String: String]) throws(ShardError) -> Shard? {
        if let shard {
            guard shardCount == nil else { throw .bothGiven }
            return try Shard(parsing: shard)
        }
        var count = shardCount
        if count == nil, let text = environment[countVariable] {
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw .notAnInteger(variable: countVariable, value: text)
            }
            count = value
        }
        guard let count else { return nil }
        guard count >= 1 else { throw .countTooSmall(count) }
        guard let text = environment[indexVariable] else { throw .missingIndex(count: count) }
        guard let index = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw .notAnInteger(variable: indexVariable, value: text)
        }
        return try Shard(index: index, count: count)
    }

    /// The positions of this shard's items in a list of `total`.
    func range(of total: Int) -> Range<Int> {
        (index * total / count)..<((index + 1) * total / count)
    }

    /// The output file of this shard for `-o path`: `-I-of-N` before the extension, `I` zero-padded to the
    /// digits of `N` so that a sorted listing is in shard order (`features.npy`, shard 2 of 16:
    /// `features-02-of-16.npy`). One shard of one (`0/1`) writes `path` itself.
    func outputPath(for path: String) -> String {
        guard count > 1 else { return path }
        let digits = String(count).count
        let padded = String(repeating: "0", count: max(0, digits - String(index).count)) + String(index)
        let url = URL(fileURLWithPath: path)
        let name = url.deletingPathExtension().lastPathComponent + "-\(padded)-of-\(count)." + url.pathExtension
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? name : (folder as NSString).appendingPathComponent(name)
    }
}

/// Why `--shard`, `--shard-count` or their environment variables were refused.
enum ShardError: Error, Equatable, CustomStringConvertible {
    case notIndexSlashCount(String)
    case countTooSmall(Int)
    case negativeIndex(Int)
    case indexOutOfRange(index: Int, count: Int)
    case bothGiven
    case missingIndex(count: Int)
    case notAnInteger(variable: String, value: String)

    var description: String {
        switch self {
        case .notIndexSlashCount(let text):
            return "--shard must be I/N (the 0-based shard index, a slash, the shard count; e.g. 0/4), not '\(text)'"
        case .countTooSmall(let count):
            return "the shard count must be at least 1, not \(count)"
        case .negativeIndex(let index):
            return "the shard index must not be negative, not \(index)"
        case .indexOutOfRange(let index, let count):
            return "shard index \(index) is out of range for \(count) shard\(count == 1 ? "" : "s") (0...\(count - 1))"
        case .bothGiven:
            return "give --shard I/N or --shard-count N, not both"
        case .missingIndex(let count):
            return "a shard count of \(count) needs the shard index from \(Shard.indexVariable) (a Kubernetes Indexed Job sets it), which is not set; or give --shard I/\(count)"
        case .notAnInteger(let variable, let value):
            return "\(variable) must be an integer, not '\(value)'"
        }
    }
}
