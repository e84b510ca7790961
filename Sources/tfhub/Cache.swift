import ArgumentParser
import Foundation
import HubResolver
import TensorFlowHub

/// `tfhub cache`: the modules tensorflow_hub's cache holds (`TFHUB_CACHE_DIR`), shared with Python.
struct Cache: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, verify or clear the module cache (TFHUB_CACHE_DIR, shared with tensorflow_hub).",
        subcommands: [List.self, Verify.self, Clear.self])

    struct Location: ParsableArguments {
        @Option(help: "The cache folder (default: TFHUB_CACHE_DIR, else <tmp>/tfhub_modules).")
        var cacheDir: String?

        var resolver: ModuleResolver {
            ModuleResolver(cacheDirectory: cacheDir.map { URL(fileURLWithPath: $0, isDirectory: true) })
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One line per cached module: key, size, handle, state.")
        @OptionGroup var location: Location

        func run() throws {
            let resolver = location.resolver
            let entries = resolver.cacheEntries()
            print("cache \(resolver.cacheDirectory.path): \(entries.count) module(s)")
            for entry in entries {
                let state = entry.problem.map { "broken: \($0)" } ?? (entry.isLocked ? "locked" : "ok")
                print("\(entry.key)  \(formatBytes(Int(entry.byteCount)).padding(toLength: 10, withPad: " ", startingAt: 0))  "
                      + "\(entry.handle ?? "(no descriptor)")  \(state)")
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read every cached module's files (protobufs, checkpoint checksums); exit 1 if one is broken.")
        @OptionGroup var location: Location
        @Flag(help: "Remove the broken entries (they are fetched again on next use).")
        var removeBroken = false

        func run() throws {
            let resolver = location.resolver
            var broken = 0
            for entry in resolver.cacheEntries() {
                let name = entry.handle ?? entry.key
                var problem = entry.problem
                if problem == nil {
                    do { try Module.verifyFiles(in: entry.folder) } catch { problem = "\(error)" }
                }
                guard let problem else {
                    print("ok      \(name)")
                    continue
                }
                broken += 1
                print(escapedForDisplay("broken  \(name) (\(entry.folder.path)): \(problem)"))
                if removeBroken {
                    try resolver.evict(key: entry.key)
                    print("        removed")
                }
            }
            if broken > 0 { throw ExitCode(1) }
        }
    }

    struct Clear: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove one cached module (by handle), or all of them.")
        @OptionGroup var location: Location
        @Argument(help: "The handle whose cached copy to remove (default: every cached module).")
        var handle: String?

        func run() throws {
            let resolver = location.resolver
            if let handle {
                guard resolver.cacheFolder(for: handle) != nil else {
                    throw ValidationError("'\(handle)' is not cached: folders are used in place; only archives and URLs are cached")
                }
                let removed = try resolver.evict(handle)
                print(removed ? "removed the cached copy of \(handle)" : "\(handle) is not in the cache")
                return
            }
            var count = 0
            for entry in resolver.cacheEntries() where try resolver.evict(key: entry.key) { count += 1 }
            print("removed \(count) cached module(s) from \(resolver.cacheDirectory.path)")
        }
    }
}
