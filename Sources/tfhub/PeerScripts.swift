import ArgumentParser
import Foundation

/// Where `tfhub bench --compare-tf/--compare-ort` finds the peer scripts (`bench_tf.py`, `bench_ort.py`):
/// `--peer-scripts DIR`, else `$TFHUB_BENCH_SCRIPTS`, else the `scripts/` folder of the checkout the
/// executable was built in (`<checkout>/.build/<configuration>/tfhub`). Never the working directory.
enum PeerScripts {
    static let environmentVariable = "TFHUB_BENCH_SCRIPTS"

    /// The folder, and what chose it (for messages).
    static func folder(option: String?) throws -> (url: URL, origin: String) {
        if let option { return (URL(fileURLWithPath: option), "--peer-scripts") }
        if let configured = ProcessInfo.processInfo.environment[environmentVariable], !configured.isEmpty {
            return (URL(fileURLWithPath: configured), environmentVariable)
        }
        let executableFolder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        if let found = findAbove("scripts/bench_tf.py", from: [executableFolder]) {
            return (found.deletingLastPathComponent(), "the checkout tfhub was built in")
        }
        throw ValidationError(
            "the benchmark peer scripts (bench_tf.py, bench_ort.py) were not found beside this tfhub build; "
                + "pass --peer-scripts DIR or set \(environmentVariable) to the repository's scripts/ folder")
    }
}
