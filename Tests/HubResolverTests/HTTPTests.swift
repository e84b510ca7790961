import Foundation
import HubResolver
import Testing

// MARK: - http(s) handles against a real loopback server

@Suite struct HTTPTests {
    @Test func downloadsOnceIntoTheHandlesSHA1Folder() throws {
        try withServer { server, scratch in
            let handle = server.url("/modules/archives/module-gnu.tar.gz")
            let cache = scratch.sub("cache")
            let r = resolver(cache: cache)
            let folder = try r.resolve(handle)
            #expect(folder.lastPathComponent == SHA1.hexDigest(of: handle))
            #expect(try tree(folder) == tree(ModuleFixture.folder))
            #expect(server.requests == ["/modules/archives/module-gnu.tar.gz?tf-hub-format=compressed"])
            #expect(listing(cache) == [folder.lastPathComponent, folder.lastPathComponent + ".descriptor.txt"])
            #expect(try r.resolve(handle) == folder)
            #expect(server.requests.count == 1)
        }
    }

    /// The "done when" criterion: folder, file:// folder, every archive kind, file:// archive, plain
    /// and redirected URLs all give byte-identical module folders.
    @Test func everyHandleKindYieldsTheSameModule() throws {
        try withServer { server, scratch in
            let r = resolver(cache: scratch.sub("cache"))
            let folder = ModuleFixture.folder.standardizedFileURL
            var handles = [folder.path, folder.absoluteString]
            for archive in LocalHandleTests.archives {
                let path = ModuleFixture.archive(archive).standardizedFileURL
                handles += [path.path, path.absoluteString, server.url("/modules/archives/" + archive)]
            }
            handles += [
                server.url("/redirect/302-307/modules/archives/module-gnu.tar.gz"),
                server.url("/gzip-encoded/archives/module-gnu.tar.gz"),
            ]
            let expected = try tree(ModuleFixture.folder)
            #expect(expected.count == 7)  // 5 files, assets/ and variables/
            for handle in handles {
                #expect(try tree(r.resolve(handle)) == expected, "\(handle)")
            }
        }
    }

    @Test func bzip2IsRefusedByName() throws {
        _ = try withServer { server, scratch in
            #expect {
                try resolver(cache: scratch.sub("cache")).resolve(server.url("/modules/archives/module-gnu.tar.bz2"))
            } throws: { error in
                guard case let .unsupportedCompression(_, format)? = error as? ResolverError else { return false }
                return format == "bzip2"
            }
        }
    }

    @Test func existingQueryIsKeptAndBlankValuesDropped() throws {
        try withServer { server, scratch in
            let handle = server.url("/modules/archives/module-ustar.tar?a=1&b=")
            let folder = try resolver(cache: scratch.sub("cache")).resolve(handle)
            #expect(folder.lastPathComponent == SHA1.hexDigest(of: handle))
            #expect(server.requests == ["/modules/archives/module-ustar.tar?a=1&tf-hub-format=compressed"])
        }
    }

    /// tfhub.dev handles now redirect (to Kaggle, then storage); the cache key stays the handle.
    @Test(arguments: ["301", "302", "303", "307", "308", "301-302-307-308-303-302-301-307-302-301"])
    func redirectsAreFollowed(chain: String) throws {
        try withServer { server, scratch in
            let handle = server.url("/redirect/\(chain)/modules/archives/module-pax.tgz")
            let folder = try resolver(cache: scratch.sub("cache")).resolve(handle)
            #expect(folder.lastPathComponent == SHA1.hexDigest(of: handle))
            #expect(try tree(folder) == tree(ModuleFixture.folder))
            #expect(server.requests.count == chain.split(separator: "-").count + 1)
            #expect(server.requests.last == "/modules/archives/module-pax.tgz?tf-hub-format=compressed")
        }
    }

    @Test func redirectLoopStops() throws {
        try withServer { server, scratch in
            let cache = scratch.sub("cache")
            #expect {
                try resolver(cache: cache).resolve(server.url("/loop"))
            } throws: { error in
                guard case .tooManyRedirects? = error as? ResolverError else { return false }
                return "\(error)".contains("/loop")
            }
            #expect(server.requests.count == 11)
            #expect(listing(cache) == [])
        }
    }

    @Test(arguments: [404, 500, 403])
    func errorStatusIsReported(status: Int) throws {
        try withServer { server, scratch in
            let cache = scratch.sub("cache")
            #expect {
                try resolver(cache: cache).resolve(server.url("/status/\(status)"))
            } throws: { error in
                guard case let .httpStatus(url, code, _, body)? = error as? ResolverError else { return false }
                return code == status && url.contains("/status/\(status)?tf-hub-format=compressed")
                    && body.contains("from the test server") && "\(error)".contains("HTTP \(status)")
            }
            #expect(listing(cache) == [])
        }
    }

    /// Unmigrated tfhub.dev models redirect to an HTML page (openvino #21169).
    @Test(arguments: ["/html", "/redirect/302/html"])
    func htmlPageIsReportedAsSuch(path: String) throws {
        try withServer { server, scratch in
            let cache = scratch.sub("cache")
            #expect {
                try resolver(cache: cache).resolve(server.url(path))
            } throws: { error in
                guard case let .htmlPage(source)? = error as? ResolverError else { return false }
                return source.contains("text/html") && (path == "/html" || source.contains("final URL"))
            }
            #expect(listing(cache) == [])
        }
    }

    @Test func nonArchiveBodyIsReportedWithItsFirstBytes() throws {
        try withServer { server, scratch in
            let cache = scratch.sub("cache")
            #expect {
                try resolver(cache: cache).resolve(server.url("/text"))
            } throws: { error in
                guard case let .notAnArchive(_, found)? = error as? ResolverError else { return false }
                return found.contains("just some text")
            }
            #expect(listing(cache) == [])
        }
    }

    @Test func truncatedBodyLeavesNothing() throws {
        try withServer { server, scratch in
            let cache = scratch.sub("cache")
            #expect {
                try resolver(cache: cache).resolve(server.url("/truncated/archives/module-gnu.tar.gz"))
            } throws: { error in
                switch error as? ResolverError {
                case .network?, .corruptArchive?: return true
                default: return false
                }
            }
            #expect(listing(cache) == [])
        }
    }

    @Test func stalledBodyTimesOut() throws {
        try withServer { server, scratch in
            let cache = scratch.sub("cache")
            let start = Date()
            #expect {
                try resolver(cache: cache, networkTimeout: 1).resolve(server.url("/stall/archives/module-gnu.tar.gz"))
            } throws: { error in
                guard case let .network(_, reason)? = error as? ResolverError else { return false }
                return reason.contains("timed out")
            }
            #expect(Date().timeIntervalSince(start) < 60)
            #expect(listing(cache) == [])
        }
    }

    /// A stalled transfer costs no CPU while it waits (issue 18, defect 7: URLSession on Linux busy-waited,
    /// ~5.6 s of CPU for a 6 s stall). The probe waits 4 s for data that never comes; a busy wait would
    /// cost about that much CPU, an idle one a small fraction (process start and loading included).
    @Test func aStalledDownloadWaitsWithoutSpinning() throws {
        try withServer { server, scratch in
            let probe = try Probe(
                handle: server.url("/stall/archives/module-gnu.tar.gz"), cache: scratch.sub("cache").path,
                scratch: scratch, arguments: ["--network-timeout", "4", "--report-cpu", "1"])
            let result = try probe.wait()
            #expect(result.status == 1)
            #expect(result.stderr.contains("timed out"), "\(result.stderr)")
            let line = result.stderr.split(separator: "\n").first { $0.hasPrefix("cpu-seconds ") }
            let seconds = line.flatMap { Double($0.dropFirst("cpu-seconds ".count)) }
            #expect(seconds != nil && seconds! < 1.0, "CPU time of a 4 s stall: \(seconds.map { "\($0) s" } ?? "not reported")")
        }
    }

    @Test func slowBodyArrivesWhole() throws {
        try withServer { server, scratch in
            let folder = try resolver(cache: scratch.sub("cache")).resolve(server.url("/slow/20/100/archives/module-gnu.tar.gz"))
            #expect(try tree(folder) == tree(ModuleFixture.folder))
        }
    }

    @Test(arguments: [("malicious/traversal.tar.gz", "unsafe"), ("malicious/gzip-bomb.tar.gz", "limit"),
                      ("archives/module-broken.tar.gz", "invalidModule")])
    func badArchiveOverHTTPLeavesNothing(path: String, refusal: String) throws {
        try withServer { server, scratch in
            let cache = scratch.sub("cache")
            #expect {
                try resolver(cache: cache, limits: testLimits).resolve(server.url("/modules/" + path))
            } throws: { error in
                Refusal(rawValue: refusal)?.matches(error) ?? false
            }
            #expect(listing(cache) == [])
            #expect(listing(scratch.url).sorted() == ["cache", "server-requests.log"])
        }
    }

    @Test(arguments: ["UNCOMPRESSED", "compressed", "zip"])
    func unsupportedLoadFormatIsRefusedBeforeAnyRequest(format: String) throws {
        try withServer { server, scratch in
            #expect {
                try resolver(cache: scratch.sub("cache"), environment: ["TFHUB_MODEL_LOAD_FORMAT": format])
                    .resolve(server.url("/modules/archives/module-gnu.tar.gz"))
            } throws: { error in
                guard case let .unsupportedLoadFormat(_, value)? = error as? ResolverError else { return false }
                return value == format
            }
            #expect(server.requests.isEmpty)
        }
    }

    @Test(arguments: ["COMPRESSED", "AUTO", ""])
    func compressedLoadFormatsDownload(format: String) throws {
        try withServer { server, scratch in
            let folder = try resolver(cache: scratch.sub("cache"), environment: ["TFHUB_MODEL_LOAD_FORMAT": format])
                .resolve(server.url("/modules/archives/module-gnu.tar.gz"))
            #expect(try tree(folder) == tree(ModuleFixture.folder))
        }
    }

    @Test func progressIsShownWhenAsked() throws {
        try withServer { server, scratch in
            let handle = server.url("/slow/20/400/archives/module-gnu.tar.gz")
            let probe = try Probe(handle: handle, cache: scratch.sub("cache").path, scratch: scratch,
                                  environment: ["TFHUB_DOWNLOAD_PROGRESS": "1"])
            let result = try probe.wait()
            #expect(result.status == 0)
            #expect(result.stderr.contains("Downloaded 1.5 kB of '\(handle)' (100%)"))
        }
    }
}
