import Foundation
import Synchronization

/// The data files of a bundle, `<prefix>.data-SSSSS-of-NNNNN`, each read into memory on first use and
/// kept until the reader (and every tensor pointing into the file) is gone.
final class ShardFiles: Sendable {
    let prefix: String
    let count: Int
    private let opened = Mutex<[Int: FileContents]>([:])

    init(prefix: String, count: Int) {
        self.prefix = prefix
        self.count = count
    }

    /// `DataFilename(prefix, shard, num_shards)`: both numbers zero-padded to at least 5 digits.
    func path(ofShard shard: Int) -> String {
        prefix + ".data-" + zeroPadded(shard) + "-of-" + zeroPadded(count)
    }

    /// The bytes of shard `shard`; `key` names the tensor that needs it, for the error message.
    func file(_ shard: Int, forKey key: String) throws -> FileContents {
        try opened.withLock { opened in
            if let file = opened[shard] { return file }
            let path = path(ofShard: shard)
            guard FileManager.default.fileExists(atPath: path) else {
                throw BundleError.missingShard(file: path, key: key, shardID: shard, numShards: count)
            }
            let file = try FileContents(url: URL(fileURLWithPath: path))
            opened[shard] = file
            return file
        }
    }

    private func zeroPadded(_ value: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }
}
