import ArgumentParser
import Foundation
import HubResolver
import TensorFlowHub

/// Options every subcommand that loads a module shares.
struct ModuleOptions: ParsableArguments {
    @Option(name: .customLong("tag"),
            help: "A tag of the graph variant, repeatable: none for inference (default), 'train' for fine-tuning.")
    var tagList: [String] = []

    @Option(name: .long, help: ArgumentHelp("The graph variant's tags, comma-separated (e.g. 'train').", valueName: "TAGS"))
    var tags: String?

    var tagSet: Set<String> {
        Set(tagList + (tags?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } ?? []))
    }

    @Option(help: "Largest archive entry extracted into the cache, in bytes.")
    var maxEntrySize: Int64 = ExtractionLimits().maxEntrySize

    @Option(help: "Largest total extracted from one archive, in bytes.")
    var maxTotalSize: Int64 = ExtractionLimits().maxTotalSize

    @Option(help: "Largest ratio of extracted to archive bytes past --ratio-free-size (a gzip bomb stops there).")
    var maxCompressionRatio: Int64 = ExtractionLimits().maxCompressionRatio

    @Option(help: "Bytes an archive may extract whatever its compression ratio.")
    var ratioFreeSize: Int64 = ExtractionLimits().ratioFreeSize

    func validate() throws {
        try validateThreadEnvironment()
        guard maxEntrySize > 0, maxTotalSize > 0 else { throw ValidationError("--max-entry-size and --max-total-size must be positive") }
        guard maxCompressionRatio >= 1 else { throw ValidationError("--max-compression-ratio must be at least 1") }
        guard ratioFreeSize >= 0 else { throw ValidationError("--ratio-free-size must not be negative") }
    }

    /// The resolver with these caps.
    var resolver: ModuleResolver {
        ModuleResolver(limits: ExtractionLimits(
            maxEntrySize: maxEntrySize, maxTotalSize: maxTotalSize, maxCompressionRatio: maxCompressionRatio,
            ratioFreeSize: ratioFreeSize))
    }
}

/// Finds the module shipped with the repository: `$TFHUB_DEFAULT_MODULE`, else
/// `Modules/nasnet_mobile_feature_vector` above the executable or the working directory.
enum DefaultModule {
    static let relativePath = "Modules/nasnet_mobile_feature_vector"

    static func handle() throws -> String {
        if let configured = ProcessInfo.processInfo.environment["TFHUB_DEFAULT_MODULE"], !configured.isEmpty {
            return configured
        }
        let starts = [
            URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent(),
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
        ]
        if let found = findAbove(relativePath, from: starts, containing: "tfhub_module.pb") { return found.path }
        throw ValidationError("no HANDLE given and the shipped module \(relativePath) was not found; "
            + "pass a handle or set TFHUB_DEFAULT_MODULE")
    }

    /// Whether `argument` looks like a module handle rather than an image path.
    static func looksLikeHandle(_ argument: String) -> Bool {
        if argument.hasPrefix("http://") || argument.hasPrefix("https://") || argument.hasPrefix("file://") {
            return true
        }
        if argument.hasSuffix(".tar") || argument.hasSuffix(".tar.gz") || argument.hasSuffix(".tgz") { return true }
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) && isDirectory.boolValue
            && FileManager.default.fileExists(atPath: (argument as NSString).appendingPathComponent("saved_model.pb"))
    }
}

/// The first `relative` path that exists in one of `starts` or up to seven folders above it; with
/// `marker`, only a folder holding that file counts.
func findAbove(_ relative: String, from starts: [URL], containing marker: String? = nil) -> URL? {
    for start in starts {
        var folder = start
        for _ in 0..<8 {
            let candidate = folder.appendingPathComponent(relative)
            let probe = marker.map { candidate.appendingPathComponent($0) } ?? candidate
            if FileManager.default.fileExists(atPath: probe.path) { return candidate }
            folder.deleteLastPathComponent()
        }
    }
    return nil
}

/// `TFHUB_NUM_THREADS`, when set, must be a thread count in 1...256 (it used to be ignored silently).
func validateThreadEnvironment() throws {
    guard let text = ProcessInfo.processInfo.environment["TFHUB_NUM_THREADS"], !text.isEmpty else { return }
    guard let value = Int(text), (1...256).contains(value) else {
        throw ValidationError("TFHUB_NUM_THREADS must be a thread count in 1...256 (got '\(text)')")
    }
}

/// Loads a module with the options' tag set and extraction caps.
func loadModule(_ handle: String?, options: ModuleOptions) throws -> Module {
    try Module(handle: handle ?? DefaultModule.handle(), tags: options.tagSet, resolver: options.resolver)
}

/// Writes to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
