import Foundation
import HubResolver
import Testing

// MARK: - Several real processes, and a process killed mid-download

@Suite struct ProcessTests {
    /// 8 processes resolve one URL at once: one downloads, the others wait for it; all succeed.
    @Test func eightProcessesDownloadOnce() throws {
        try withServer { server, scratch in
            let cache = scratch.sub("cache")
            // A slow body (about 0.5 s) makes sure the processes overlap.
            let handle = server.url("/slow/60/200/archives/module-gnu.tar.gz")
            let probes = try (0..<8).map { _ in try Probe(handle: handle, cache: cache.path, scratch: scratch) }
            let results = try probes.map { try $0.wait(timeout: 180) }
            let expected = cache.appendingPathComponent(SHA1.hexDigest(of: handle)).path
            for result in results {
                #expect(result.status == 0, "\(result.stderr)")
                #expect(result.stdout == expected)
            }
            #expect(server.requests(startingWith: "/slow/").count == 1)
            #expect(try tree(URL(fileURLWithPath: expected)) == tree(ModuleFixture.folder))
            #expect(listing(cache) == [SHA1.hexDigest(of: handle), SHA1.hexDigest(of: handle) + ".descriptor.txt"])
        }
    }

    /// SIGKILL in the middle of a download leaves only a lock and a temp folder, which nothing trusts;
    /// the next resolve takes the lock over at once (holder gone) and downloads again.
    @Test func killedDownloadIsNeverTrusted() throws {
        try withServer { server, scratch in
            let cache = scratch.sub("cache")
            let handle = server.url("/slow/250/100/archives/module-gnu.tar.gz")
            let key = SHA1.hexDigest(of: handle)
            let probe = try Probe(handle: handle, cache: cache.path, scratch: scratch)
            // Wait until the download has written part of the archive into its temp folder.
            let deadline = Date().addingTimeInterval(60)
            var partial = false
            while !partial && Date() < deadline && probe.process.isRunning {
                let temporaries = listing(cache).filter { $0.hasSuffix(".tmp") }
                partial = temporaries.contains { !listing(cache.appendingPathComponent($0)).isEmpty }
                if !partial { usleep(20_000) }
            }
            #expect(partial)
            probe.kill()
            #expect(probe.process.terminationReason == .uncaughtSignal)
            #expect(!listing(cache).contains(key))
            #expect(listing(cache).contains(key + ".lock"))

            let folder = try resolver(cache: cache).resolve(handle)
            #expect(folder.lastPathComponent == key)
            #expect(try tree(folder) == tree(ModuleFixture.folder))
            #expect(server.requests(startingWith: "/slow/").count == 2)
            #expect(listing(cache) == [key, key + ".descriptor.txt"])
        }
    }
}
