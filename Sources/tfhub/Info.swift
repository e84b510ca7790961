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

    /// Prints a line with names escaped (a damaged module's names may hold undecodable bytes).
    private func show(_ line: String) { print(escapedForDisplay(line)) }

    func run() throws {
        let loaded = try loadModule(handle, options: module)
        show("module:      \(loaded.directory.path)")
        show("format:      \(loaded.format)")
        let variants = loaded.availableTagSets.map { "{" + $0.sorted().joined(separator: ", ") + "}" }
        show("tag sets:    \(variants.joined(separator: "  "))   loaded: {\(loaded.tags.sorted().joined(separator: ", "))}")
        if let size = try? loaded.getExpectedImageSize() {
            show("image size:  \(size.height) x \(size.width)")
        } else {
            show("image size:  none (not an image module)")
        }
        let (count, bytes) = loaded.variableSummary
        show("variables:   \(count), \(formatBytes(bytes))")
        for name in loaded.signatureNames {
            guard let signature = loaded.signature(name) else { continue }
            show("signature '\(name)'\(name == loaded.defaultSignatureName ? " (default)" : ""):")
            for (key, spec) in signature.inputs.sorted(by: { $0.key < $1.key }) { show("    input  \(key): \(spec)") }
            for (key, spec) in signature.outputs.sorted(by: { $0.key < $1.key }) { show("    output \(key): \(spec)") }
        }
        let total = loaded.opHistogram.values.reduce(0, +)
        let used = loaded.signatureOpHistogram
        show("graph:       \(total) nodes, \(loaded.opHistogram.count) op types; "
            + "signatures run \(used.values.reduce(0, +)) nodes of \(used.count) op types")
        let unsupported = loaded.unsupportedOps
        show("unsupported: " + (unsupported.isEmpty ? "none" : unsupported.joined(separator: ", ")))
        // Every signature is planned, so "can run" is checked, not inferred from op names alone.
        let problems = loaded.checkSignatures()
        if problems.isEmpty {
            show("check:       every signature plans (nodes, ops and variable values present)")
        } else {
            show("check:       \(problems.count) signature(s) cannot run:")
            for problem in problems { show("    " + problem.description) }
        }
        if ops {
            show("op histogram of the signatures' subgraph (! = unsupported):")
            for (op, n) in used.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
                let mark = Graph.supportedOps.contains(op) ? " " : "!"
                show("  \(mark) \(String(n).padding(toLength: 6, withPad: " ", startingAt: 0)) \(op)")
            }
        }
    }
}

func formatBytes(_ bytes: Int) -> String {
    if bytes >= 1 << 20 { return String(format: "%.1f MiB", Double(bytes) / Double(1 << 20)) }
    if bytes >= 1 << 10 { return String(format: "%.1f KiB", Double(bytes) / Double(1 << 10)) }
    return "\(bytes) B"
}

/// `text` with control characters and U+FFFD (what undecodable bytes of a name became) written as
/// `\u{...}` escapes, so a damaged module's names cannot garble the terminal.
func escapedForDisplay(_ text: String) -> String {
    var result = ""
    for scalar in text.unicodeScalars {
        if scalar == "\u{FFFD}" || (scalar.properties.generalCategory == .control && scalar != "\n") {
            result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        } else {
            result.unicodeScalars.append(scalar)
        }
    }
    return result
}
