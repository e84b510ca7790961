import ArgumentParser
import Foundation
import TensorFlowHub

/// Options every subcommand that loads a module shares.
struct ModuleOptions: ParsableArguments {
    @Option(name: .long, parsing: .upToNextOption,
            help: "Tag set of the graph variant: none for inference (default), 'train' for fine-tuning.")
    var tags: [String] = []

    var tagSet: Set<String> { Set(tags) }
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
        for start in starts {
            var folder = start
            for _ in 0..<8 {
                let candidate = folder.appendingPathComponent(relativePath)
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("tfhub_module.pb").path) {
                    return candidate.path
                }
                folder.deleteLastPathComponent()
            }
        }
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
            && FileManager.default.fileExists(atPath: (argument as NSString).appendingPathComponent("tfhub_module.pb"))
    }
}

/// Loads a module, reporting load errors as the CLI's own.
func loadModule(_ handle: String?, tags: Set<String>) throws -> Module {
    try Module(handle: handle ?? DefaultModule.handle(), tags: tags)
}

/// Writes to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
