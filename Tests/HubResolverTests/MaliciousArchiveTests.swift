import Foundation
import HubResolver
import Testing

// MARK: - Archives that must be refused, leaving nothing behind

/// The small caps these tests use; make_fixtures.py sizes the malicious archives against them.
let testLimits = ExtractionLimits(maxEntrySize: 256 * 1024, maxTotalSize: 1 << 20, maxEntryCount: 200)

enum Refusal: String, CustomStringConvertible {
    case unsafe, limit, corrupt, notArchive, invalidModule
    var description: String { rawValue }

    func matches(_ error: Error) -> Bool {
        switch (self, error as? ResolverError) {
        case (.unsafe, .unsafeEntry?), (.limit, .limitExceeded?), (.corrupt, .corruptArchive?),
            (.notArchive, .notAnArchive?), (.invalidModule, .invalidModule?):
            return true
        default:
            return false
        }
    }
}

@Suite struct MaliciousArchiveTests {
    static let cases: [(String, Refusal)] = [
        ("traversal.tar.gz", .unsafe),
        ("traversal-nested.tar.gz", .unsafe),
        ("absolute.tar.gz", .unsafe),
        ("pax-traversal.tar.gz", .unsafe),
        ("gnu-longname-traversal.tar.gz", .unsafe),
        ("symlink-escape.tar.gz", .unsafe),
        ("symlink-then-write.tar.gz", .unsafe),
        ("hardlink.tar.gz", .unsafe),
        ("chardevice.tar.gz", .unsafe),
        ("blockdevice.tar.gz", .unsafe),
        ("fifo.tar.gz", .unsafe),
        ("oversize-entry.tar.gz", .limit),
        ("too-many-entries.tar.gz", .limit),
        ("gzip-bomb.tar.gz", .limit),
        ("huge-entry-bomb.tar.gz", .limit),
        ("bad-checksum.tar.gz", .notArchive),
        ("truncated.tar.gz", .corrupt),
        ("zeros-bomb.gz", .invalidModule),
    ]

    @Test(arguments: cases)
    func refusedAndNothingLeftBehind(archive: String, refusal: Refusal) throws {
        try withScratch { scratch in
            // The archive sits two folders below the scratch root so escapes would land inside it.
            let place = scratch.sub("in/put")
            try FileManager.default.createDirectory(at: place, withIntermediateDirectories: true)
            let copy = place.appendingPathComponent(archive)
            try FileManager.default.copyItem(at: ModuleFixture.malicious(archive), to: copy)
            let cache = scratch.sub("cache/tfhub")
            let r = resolver(cache: cache, limits: testLimits)
            let absoluteTarget = "/tmp/tfhub-resolver-evil.txt"
            let existedBefore = FileManager.default.fileExists(atPath: absoluteTarget)
            #expect {
                try r.resolve(copy.path)
            } throws: { error in
                refusal.matches(error) && "\(error)".contains(copy.path)
            }
            // Only the cache root itself remains: no module folder, lock, temp folder or descriptor.
            #expect(listing(cache) == [])
            #expect(listing(scratch.url) == ["cache", "in"])
            #expect(listing(scratch.sub("cache")) == ["tfhub"])
            #expect(listing(scratch.sub("in")) == ["put"])
            #expect(listing(place) == [archive])
            #expect(FileManager.default.fileExists(atPath: absoluteTarget) == existedBefore)
        }
    }

    /// The bomb stops at the cap: the refusal comes from headers, long before 64 MiB are inflated.
    @Test func gzipBombStopsAtTheTotalSizeCap() throws {
        try withScratch { scratch in
            let r = resolver(cache: scratch.sub("cache"), limits: testLimits)
            #expect {
                try r.resolve(ModuleFixture.malicious("gzip-bomb.tar.gz").path)
            } throws: { error in
                guard case let .limitExceeded(_, limit, maximum, found)? = error as? ResolverError else { return false }
                return limit == "the total extracted size" && maximum == 1 << 20 && found < 2 << 20
            }
        }
    }

    /// With the default caps the archive refused for one big entry is a valid module: the cap decided.
    @Test func defaultCapsAcceptTheOversizeEntry() throws {
        try withScratch { scratch in
            let folder = try resolver(cache: scratch.sub("cache")).resolve(ModuleFixture.malicious("oversize-entry.tar.gz").path)
            let big = try Data(contentsOf: folder.appendingPathComponent("assets/big.bin"))
            #expect(big.count == 512 * 1024)
        }
    }
}
