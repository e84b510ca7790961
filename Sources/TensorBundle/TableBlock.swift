// MARK: - Block contents (spec 6.3)

/// One table block without its trailer:
/// `entry* restarts: fixed32[num_restarts] num_restarts: fixed32`, where
/// `entry = shared:varint32 non_shared:varint32 value_len:varint32 key_delta value`.
///
/// Keys are prefix-compressed against the previous key; at each restart point `shared == 0`.
/// All decoding is bounds-checked; malformed bytes raise `BundleError.corruptIndex`.
struct TableBlock {
    let bytes: UnsafeRawBufferPointer
    /// Where the restart array starts; entries occupy `[0, restartsOffset)`.
    let restartsOffset: Int
    let restartCount: Int
    /// For error messages.
    let file: String
    let blockOffset: Int

    init(bytes: UnsafeRawBufferPointer, file: String, blockOffset: Int) throws {
        self.bytes = bytes
        self.file = file
        self.blockOffset = blockOffset
        guard bytes.count >= 4 else {
            throw BundleError.corruptIndex(
                file: file, detail: "block at offset \(blockOffset) has \(bytes.count) bytes, expected at least 4")
        }
        let count = Int(loadLittleEndian32(bytes, at: bytes.count - 4))
        guard count <= (bytes.count - 4) / 4 else {
            throw BundleError.corruptIndex(
                file: file,
                detail: "block at offset \(blockOffset) claims \(count) restart points but has \(bytes.count) bytes")
        }
        restartCount = count
        restartsOffset = bytes.count - 4 * (1 + count)
    }

    /// One decoded entry; `value` points into the block.
    struct Entry {
        var key: [UInt8]
        var value: UnsafeRawBufferPointer
    }

    // MARK: - Decoding

    /// Decodes the entry at `offset` given the previous key; returns it and the next entry's offset.
    private func entry(at offset: Int, previousKey: [UInt8]) throws -> (Entry, next: Int) {
        var cursor = ByteCursor(UnsafeRawBufferPointer(rebasing: bytes[0 ..< restartsOffset]), position: offset)
        guard let shared = cursor.varint32(), let nonShared = cursor.varint32(),
              let valueLength = cursor.varint32()
        else { throw corrupt("entry header at block offset \(offset) is truncated or malformed") }
        guard Int(shared) <= previousKey.count else {
            throw corrupt("entry at block offset \(offset) shares \(shared) bytes with a \(previousKey.count)-byte key")
        }
        guard let delta = cursor.take(Int(nonShared)), let value = cursor.take(Int(valueLength)) else {
            throw corrupt("entry at block offset \(offset) runs past the entries (\(nonShared)-byte key delta, "
                + "\(valueLength)-byte value, \(restartsOffset) bytes of entries)")
        }
        var key = [UInt8]()
        key.reserveCapacity(Int(shared) + delta.count)
        key.append(contentsOf: previousKey[0 ..< Int(shared)])
        key.append(contentsOf: delta)
        return (Entry(key: key, value: value), cursor.position)
    }

    private func corrupt(_ detail: String) -> BundleError {
        BundleError.corruptIndex(file: file, detail: "block at offset \(blockOffset): " + detail)
    }

    // MARK: - Iteration and lookup

    /// Calls `body` with every entry in order; checks that keys strictly increase.
    func forEach(_ body: (Entry) throws -> Void) throws {
        var offset = 0
        var previous: [UInt8]? = nil
        while offset < restartsOffset {
            let (decoded, next) = try entry(at: offset, previousKey: previous ?? [])
            if let previous, !previous.lexicographicallyPrecedes(decoded.key) {
                throw corrupt("keys out of order at block offset \(offset)")
            }
            try body(decoded)
            previous = decoded.key
            offset = next
        }
    }

    /// The first entry whose key is `>= target`, or nil if every key is smaller.
    /// Binary search over restart points, then a linear scan.
    func seek(_ target: [UInt8]) throws -> Entry? {
        var low = 0
        var high = restartCount - 1
        var start = 0
        while low <= high {
            let middle = low + (high - low) / 2
            let offset = try restartPoint(middle)
            let (decoded, _) = try entry(at: offset, previousKey: [])
            if decoded.key.lexicographicallyPrecedes(target) {
                start = offset
                low = middle + 1
            } else {
                high = middle - 1
            }
        }
        var offset = start
        var previous: [UInt8] = []
        while offset < restartsOffset {
            let (decoded, next) = try entry(at: offset, previousKey: previous)
            if !decoded.key.lexicographicallyPrecedes(target) { return decoded }
            previous = decoded.key
            offset = next
        }
        return nil
    }

    private func restartPoint(_ index: Int) throws -> Int {
        let offset = Int(loadLittleEndian32(bytes, at: restartsOffset + 4 * index))
        guard offset < restartsOffset else {
            throw corrupt("restart point \(index) is \(offset), past the entries (\(restartsOffset) bytes)")
        }
        return offset
    }
}
