import Foundation
import TensorBundle
import Testing

// MARK: - Seeded damage to real bundles: every outcome is a value or a BundleError, never a crash

/// Where a table's blocks are, so a mutation inside one can get a fresh, valid CRC and reach the
/// decoders behind the checksum.
private struct TableLayout {
    /// Data blocks and the index block, as (offset, size without trailer).
    var blocks: [(offset: Int, size: Int)] = []

    init(_ bytes: [UInt8]) {
        guard bytes.count >= 48 else { return }
        var position = bytes.count - 48
        func varint() -> Int {
            var result = 0
            var shift = 0
            while position < bytes.count, shift < 63 {
                let byte = bytes[position]
                position += 1
                result |= Int(byte & 0x7F) << shift
                if byte < 0x80 { return result }
                shift += 7
            }
            return -1
        }
        _ = varint()
        _ = varint()
        let indexOffset = varint()
        let indexSize = varint()
        guard indexOffset >= 0, indexSize >= 4, indexOffset + indexSize <= bytes.count - 48 else { return }
        blocks.append((indexOffset, indexSize))
        // The index block has a restart at every entry, so every key is stored whole.
        let restartCount = Int(bytes[indexOffset + indexSize - 4]) | Int(bytes[indexOffset + indexSize - 3]) << 8
        position = indexOffset
        let end = indexOffset + indexSize - 4 * (restartCount + 1)
        while position < end {
            _ = varint()
            let keyLength = varint()
            _ = varint()
            position += keyLength
            let offset = varint()
            let size = varint()
            if offset >= 0, size >= 0 { blocks.append((offset, size)) }
        }
    }

    /// Recomputes the masked CRC in the trailer of the block holding `position`, if any.
    func refreshChecksum(around position: Int, in bytes: inout [UInt8]) {
        for block in blocks where position >= block.offset && position < block.offset + block.size {
            let end = block.offset + block.size
            guard end + 5 <= bytes.count else { return }
            let crc = CRC32C.mask(CRC32C.checksum(Array(bytes[block.offset ... end])))
            for index in 0 ..< 4 { bytes[end + 1 + index] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(index))) }
        }
    }
}

private enum Mutation: CaseIterable {
    case flipBit, flipBitKeepingChecksum, randomBytesKeepingChecksum, truncate, flipDataBit, truncateData
}

/// Applies one seeded mutation to a copy of the bundle at `source` in `folder`.
private func mutate(
    source: [String: [UInt8]], indexName: String, folder: URL, generator: inout SplitMix64
) throws -> Mutation {
    var files = source
    let mutation = Mutation.allCases[Int(generator.next() % UInt64(Mutation.allCases.count))]
    let dataNames = files.keys.filter { $0 != indexName }.sorted()
    let target = [.flipDataBit, .truncateData].contains(mutation) && !dataNames.isEmpty
        ? dataNames[Int(generator.next() % UInt64(dataNames.count))] : indexName
    var bytes = files[target] ?? []
    let layout = TableLayout(bytes)
    if !bytes.isEmpty {
        let position = Int(generator.next() % UInt64(bytes.count))
        switch mutation {
        case .flipBit, .flipDataBit:
            bytes[position] ^= 1 << UInt8(generator.next() % 8)
        case .flipBitKeepingChecksum:
            bytes[position] ^= 1 << UInt8(generator.next() % 8)
            layout.refreshChecksum(around: position, in: &bytes)
        case .randomBytesKeepingChecksum:
            for offset in 0 ..< Int(1 + generator.next() % 8) where position + offset < bytes.count {
                bytes[position + offset] = UInt8(truncatingIfNeeded: generator.next())
            }
            layout.refreshChecksum(around: position, in: &bytes)
        case .truncate, .truncateData:
            bytes.removeLast(bytes.count - position)
        }
    }
    files[target] = bytes
    for (name, contents) in files {
        try Data(contents).write(to: folder.appendingPathComponent(name))
    }
    return mutation
}

/// Opens the bundle and reads everything it lists; returns how many tensors read cleanly.
/// Any error other than a `BundleError` is recorded as a failure.
private func readEverything(prefix: URL, context: String) -> Int {
    var good = 0
    do {
        let reader = try BundleReader(prefix: prefix)
        for key in reader.keys {
            do {
                _ = try reader.entry(forKey: key)
                let tensor = try reader.tensor(forKey: key)
                _ = tensor.withUnsafeBytes { $0.reduce(0) { $0 &+ Int($1) } }
                good += 1
            } catch is BundleError {
            } catch {
                Issue.record("\(context): \(key): non-bundle error \(error)")
            }
        }
    } catch is BundleError {
    } catch {
        Issue.record("\(context): non-bundle error \(error)")
    }
    return good
}

@Test(arguments: ["dtypes", "saver", "sharded", "policy", "bigendian", "corrupt/slices_valid"])
func seededMutationsNeverCrash(name: String) throws {
    let sourceFolder = BundleFixture.folder(name)
    var source: [String: [UInt8]] = [:]
    for file in try FileManager.default.contentsOfDirectory(atPath: sourceFolder.path) where file.hasPrefix("ckpt.") {
        source[file] = try [UInt8](Data(contentsOf: sourceFolder.appendingPathComponent(file)))
    }
    let folder = try TemporaryFolder.make()
    var generator = SplitMix64(seed: UInt64(name.utf8.reduce(0) { $0 &* 31 &+ Int($1) } & 0xFFFF))
    var survived = 0
    for round in 0 ..< 200 {
        let mutation = try mutate(source: source, indexName: "ckpt.index", folder: folder, generator: &generator)
        survived += readEverything(prefix: folder.appendingPathComponent("ckpt"), context: "\(name) #\(round) \(mutation)")
    }
    // Most single mutations leave most tensors readable; the point is that none crashed.
    #expect(survived > 0)
    try? FileManager.default.removeItem(at: folder)
}

@Test func seededMutationsOfTheSpecVectorNeverCrash() throws {
    var generator = SplitMix64(seed: 68)
    let folder = try TemporaryFolder.make()
    let source = ["variables.index": SpecVector.index, "variables.data-00000-of-00001": SpecVector.data]
    for round in 0 ..< 400 {
        let mutation = try mutate(source: source, indexName: "variables.index", folder: folder, generator: &generator)
        _ = readEverything(prefix: folder.appendingPathComponent("variables"), context: "spec #\(round) \(mutation)")
    }
    try? FileManager.default.removeItem(at: folder)
}
