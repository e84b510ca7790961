import Foundation
import HubResolver
import Logging
import Testing

// MARK: - Folders, archives and file:// URLs

func resolver(cache: URL, limits: ExtractionLimits = ExtractionLimits(), staleLockTimeout: TimeInterval = 120,
              networkTimeout: TimeInterval = 60, environment: [String: String] = [:]) -> ModuleResolver {
    ModuleResolver(cacheDirectory: cache, environment: environment, limits: limits,
                   staleLockTimeout: staleLockTimeout, networkTimeout: networkTimeout)
}

@Suite struct LocalHandleTests {
    static let archives = [
        "module-ustar.tar", "module-gnu.tar.gz", "module-pax.tgz", "module-base256.tar.gz",
        "module-multimember.tar.gz", "module-noroot.tar.gz",
    ]

    @Test func folderIsReturnedAsIsWithoutCaching() throws {
        try withScratch { scratch in
            let module = scratch.sub("my module")
            try copyModule(to: module)
            let cache = scratch.sub("cache")
            let folder = try resolver(cache: cache).resolve(module.path)
            #expect(folder.standardizedFileURL.path == module.standardizedFileURL.path)
            #expect(listing(scratch.url) == ["cache", "my module"].filter { $0 != "cache" })
        }
    }

    @Test func relativeFolderPathIsResolvedAgainstTheCurrentFolder() throws {
        let root = FileManager.default.currentDirectoryPath
        let relative = ModuleFixture.folder.path.hasPrefix(root + "/")
            ? String(ModuleFixture.folder.path.dropFirst(root.count + 1)) : ModuleFixture.folder.path
        try withScratch { scratch in
            let folder = try resolver(cache: scratch.sub("cache")).resolve(relative)
            #expect(folder.path == ModuleFixture.folder.standardizedFileURL.path)
        }
    }

    @Test func fileURLIsPercentDecoded() throws {
        try withScratch { scratch in
            let module = scratch.sub("a module% ü")
            try copyModule(to: module)
            let encoded = module.path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? ""
            #expect(encoded.contains("%20") && encoded.contains("%25"))
            let r = resolver(cache: scratch.sub("cache"))
            #expect(try r.resolve("file://" + encoded).path == module.path)
            #expect(try r.resolve("file://localhost" + encoded).path == module.path)
        }
    }

    @Test(arguments: archives)
    func everyArchiveKindGivesTheSameModule(archive: String) throws {
        try withScratch { scratch in
            let cache = scratch.sub("cache")
            let path = ModuleFixture.archive(archive).standardizedFileURL.path
            let folder = try resolver(cache: cache).resolve(path)
            #expect(try tree(folder) == tree(ModuleFixture.folder))
            #expect(folder.lastPathComponent == SHA1.hexDigest(of: path))
            #expect(listing(cache) == [folder.lastPathComponent, folder.lastPathComponent + ".descriptor.txt"])
        }
    }

    @Test(arguments: archives)
    func fileURLToAnArchiveSharesTheCacheEntryOfItsPath(archive: String) throws {
        try withScratch { scratch in
            let r = resolver(cache: scratch.sub("cache"))
            let path = ModuleFixture.archive(archive).standardizedFileURL.path
            let viaURL = try r.resolve(URL(fileURLWithPath: path).absoluteString)
            #expect(viaURL == r.cacheFolder(for: path))
            #expect(try tree(viaURL) == tree(ModuleFixture.folder))
        }
    }

    /// GNU 'L' long names past 255 characters and base-256 uids, written by Python's tarfile.
    @Test func deepLongNamesAreExtracted() throws {
        try withScratch { scratch in
            let folder = try resolver(cache: scratch.sub("cache")).resolve(ModuleFixture.archive("module-deep.tar.gz").path)
            let deep = try String(contentsOf: ModuleFixture.archive("module-deep.path.txt"), encoding: .utf8)
            #expect(deep.count > 255)
            #expect(try String(contentsOf: folder.appendingPathComponent(deep), encoding: .utf8) == "deep leaf\n")
        }
    }

    @Test func archiveNewerThanItsCacheEntryIsExtractedAgain() throws {
        try withScratch { scratch in
            let archive = scratch.sub("module.tar.gz")
            try FileManager.default.copyItem(at: ModuleFixture.archive("module-gnu.tar.gz"), to: archive)
            let r = resolver(cache: scratch.sub("cache"))
            let first = try r.resolve(archive.path)
            #expect(try tree(first) == tree(ModuleFixture.folder))
            try FileManager.default.removeItem(at: archive)
            try FileManager.default.copyItem(at: ModuleFixture.archive("module-deep.tar.gz"), to: archive)
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(60)], ofItemAtPath: archive.path)
            let second = try r.resolve(archive.path)
            #expect(second == first)
            let deep = try String(contentsOf: ModuleFixture.archive("module-deep.path.txt"), encoding: .utf8)
            #expect(FileManager.default.fileExists(atPath: second.appendingPathComponent(deep).path))
        }
    }

    /// A common mistake: `tar czf m.tgz mymodule/` puts the module one folder down.
    @Test func moduleOneFolderDownIsExplained() throws {
        try withScratch { scratch in
            let archive = scratch.sub("nested.tar.gz")
            _ = try runPython("""
                import sys, tarfile
                with tarfile.open(sys.argv[2], "w:gz") as t:
                    t.add(sys.argv[1], arcname="mymodule")
                """, arguments: [ModuleFixture.folder.path, archive.path])
            let cache = scratch.sub("cache")
            #expect {
                try resolver(cache: cache).resolve(archive.path)
            } throws: { error in
                guard case ResolverError.invalidModule? = error as? ResolverError else { return false }
                return "\(error)".contains("saved_model.pb is missing") && "\(error)".contains("inside 'mymodule/'")
            }
            #expect(listing(cache) == [])
        }
    }

    @Test func missingPathIsReported() throws {
        try withScratch { scratch in
            let missing = scratch.sub("nothing-here").path
            #expect {
                try resolver(cache: scratch.sub("cache")).resolve(missing)
            } throws: { error in
                guard case let ResolverError.handleNotFound(_, path)? = error as? ResolverError else { return false }
                return path == missing && "\(error)".contains(missing)
            }
        }
    }

    @Test(arguments: [
        ("saved_model.pb", "saved_model.pb is missing"),
        ("variables/variables.data-00000-of-00001", "no variables.data-SSSSS-of-NNNNN file"),
    ])
    func incompleteFolderIsRefusedWithTheMissingFile(remove: String, message: String) throws {
        try withScratch { scratch in
            let module = scratch.sub("module")
            try copyModule(to: module)
            try FileManager.default.removeItem(at: module.appendingPathComponent(remove))
            #expect {
                try resolver(cache: scratch.sub("cache")).resolve(module.path)
            } throws: { error in
                guard case ResolverError.invalidModule? = error as? ResolverError else { return false }
                return "\(error)".contains(message) && "\(error)".contains(module.path)
            }
        }
    }

    /// A TF2 SavedModel has no `tfhub_module.pb`; tensorflow_hub 0.15 (`hub.load`) takes such folders.
    @Test func aSavedModelFolderWithoutTfhubModulePbIsAccepted() throws {
        try withScratch { scratch in
            let module = scratch.sub("module")
            try copyModule(to: module)
            try FileManager.default.removeItem(at: module.appendingPathComponent("tfhub_module.pb"))
            #expect(try resolver(cache: scratch.sub("cache")).resolve(module.path).standardizedFileURL.path
                == module.standardizedFileURL.path)
            // Only the text format: named as such, since it is not read.
            try FileManager.default.moveItem(
                at: module.appendingPathComponent("saved_model.pb"), to: module.appendingPathComponent("saved_model.pbtxt"))
            #expect {
                try resolver(cache: scratch.sub("cache")).resolve(module.path)
            } throws: { error in
                "\(error)".contains("saved_model.pb is missing (saved_model.pbtxt, the text format, is not read)")
            }
        }
    }

    @Test func missingShardOfSeveralIsNamed() throws {
        try withScratch { scratch in
            let module = scratch.sub("module")
            try copyModule(to: module)
            let variables = module.appendingPathComponent("variables")
            try FileManager.default.moveItem(
                at: variables.appendingPathComponent("variables.data-00000-of-00001"),
                to: variables.appendingPathComponent("variables.data-00000-of-00002"))
            #expect {
                try resolver(cache: scratch.sub("cache")).resolve(module.path)
            } throws: { error in
                "\(error)".contains("variables/variables.data-00001-of-00002 is missing")
            }
        }
    }

    @Test(arguments: ["gs://bucket/module.tar.gz", "ftp://host/module.tar.gz", "s3://bucket/m"])
    func otherSchemesAreRefused(handle: String) throws {
        try withScratch { scratch in
            #expect {
                try resolver(cache: scratch.sub("cache")).resolve(handle)
            } throws: { error in
                guard case ResolverError.unsupportedHandle? = error as? ResolverError else { return false }
                return "\(error)".contains(handle)
            }
            #expect(listing(scratch.url).isEmpty)
        }
    }
}
