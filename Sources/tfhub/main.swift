import ArgumentParser
import Foundation

/// `tfhub`: inspect and run TensorFlow Hub modules (TF1 hub format) without TensorFlow.
struct TFHub: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tfhub",
        abstract: "Inspect, run, fine-tune and serve TensorFlow Hub modules without TensorFlow.",
        discussion: """
            HANDLE is a module folder, a .tar/.tar.gz/.tgz archive, a file:// URL or an http(s):// URL \
            (cached like tensorflow_hub does, under TFHUB_CACHE_DIR). Without HANDLE, commands use the module \
            shipped in Modules/nasnet_mobile_feature_vector (NASNet-A mobile, synthetic weights).
            """,
        version: TFHub.version,
        subcommands: [Info.self, Run.self, Embed.self, Classify.self, Finetune.self, Bench.self, Cache.self, Serve.self])

    /// The package version `tfhub --version` prints.
    static let version = "0.3.0"
}

let known = TFHub.configuration.subcommands.map { $0._commandName } + ["help"]
if let message = SubcommandSuggestion.message(for: Array(CommandLine.arguments.dropFirst()), known: known) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(64)  // EX_USAGE, as ArgumentParser's usage errors
}
TFHub.main()
