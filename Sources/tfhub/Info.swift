import ArgumentParser
import Foundation
import Interpreter
import TensorFlowHub

/// `tfhub info`: what a module offers.
struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a module's tag sets, signatures, image size, variables and ops.")

    @Argument(help: "Module handle (default: the shipped NASNet-A mobile module).")
    var handle: String?

    @OptionGroup var module: ModuleOptions

    @Flag(help: "Print the op histogram.")
    var ops = false

    func run() throws {
        let loaded = try loadModule(handle, tags: module.tagSet)
        print("module:      \(loaded.directory.path)")
        print("format:      TF1 hub format (tfhub_module.pb FORMAT_V3)")
        let variants = loaded.availableTagSets.map { "{" + $0.sorted().joined(separator: ", ") + "}" }
        print("tag sets:    \(variants.joined(separator: "  "))   loaded: {\(loaded.tags.sorted().joined(separator: ", "))}")
        if let size = try? loaded.getExpectedImageSize() {
            print("image size:  \(size.height) x \(size.width)")
        } else {
            print("image size:  none (not an image module)")
        }
        let (count, bytes) = loaded.variableSummary
        print("variables:   \(count), \(formatBytes(bytes))")
        for name in loaded.signatureNames {
            guard let signature = loaded.signature(name) else { continue }
            print("signature '\(name)':")
            for (key, spec) in signature.inputs.sorted(by: { $0.key < $1.key }) { print("    input  \(key): \(spec)") }
            for (key, spec) in signature.outputs.sorted(by: { $0.key < $1.key }) { print("    output \(key): \(spec)") }
        }
        let total = loaded.opHistogram.values.reduce(0, +)
        let used = loaded.signatureOpHistogram
        print("graph:       \(total) nodes, \(loaded.opHistogram.count) op types; "
            + "signatures run \(used.values.reduce(0, +)) nodes of \(used.count) op types")
        let unsupported = loaded.unsupportedOps
        print("unsupported: " + (unsupported.isEmpty ? "none (every signature can run)" : unsupported.joined(separator: ", ")))
        if ops {
            print("op histogram of the signatures' subgraph (! = unsupported):")
            for (op, n) in used.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
                let mark = Graph.supportedOps.contains(op) ? " " : "!"
                print("  \(mark) \(String(n).padding(toLength: 6, withPad: " ", startingAt: 0)) \(op)")
            }
        }
    }
}

func formatBytes(_ bytes: Int) -> String {
    if bytes >= 1 << 20 { return String(format: "%.1f MiB", Double(bytes) / Double(1 << 20)) }
    if bytes >= 1 << 10 { return String(format: "%.1f KiB", Double(bytes) / Double(1 << 10)) }
    return "\(bytes) B"
}
