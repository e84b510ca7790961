import ArgumentParser
import Foundation

/// Where `tfhub bench --compare-tf/--compare-ort` finds the peer scripts (`bench_tf.py`, `bench_ort.py`):
/// `--peer-scripts DIR`, else `$TFHUB_BENCH_SCRIPTS`, else the `scripts/` folder of the checkout the
/// executable was built in (`<checkout>/.build/<configuration>/tfhub`). Never the working directory.
enum PeerScripts {
    static let environmentVariable = "TFHUB_BENCH_SCRIPTS"

    static func folder(option: String?) throws -> URL {
        if let option { return URL(fileURLWithPath: option) }
        if let configured = ProcessInfo.processInfo.environment[environmentVariable], !configured.isEmpty {
            return URL(fileURLWithPath: configured)
        }
        let executableFolder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        if let found = findAbove("scripts/bench_tf.py", from: [executableFolder]) { return found.deletingLastPathComponent() }
        throw ValidationError(
            "the benchmark peer scripts (bench_tf.py, bench_ort.py) were not found beside this tfhub build; "
                + "pass --peer-scripts DIR or set \(environmentVariable) to the repository's scripts/ folder")
    }

    /// How `folder(option:)` chose its folder, for messages.
    static func origin(option: String?) -> String {
        if option != nil { return "--peer-scripts" }
        if let configured = ProcessInfo.processInfo.environment[environmentVariable], !configured.isEmpty {
            return environmentVariable
        }
        return "the checkout tfhub was built in"
    }
}
