import ArgumentParser
import Foundation
import Tensors
import TensorFlowHub

/// `tfhub run`: NumPy files in, NumPy files out.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a signature on .npy inputs and write its outputs (.npy for one output, .npz for several).")

    @Argument(help: "Module handle (default: the shipped NASNet-A mobile module).")
    var handle: String?

    @OptionGroup var module: ModuleOptions

    @Option(help: "Signature to run (default: the module's default, 'default' for TF1 hub modules, '__call__' or 'serving_default' for TF2 SavedModels).")
    var signature: String?

    @Option(name: .customLong("input"), help: ArgumentHelp("An input as NAME=file.npy (repeatable).", valueName: "NAME=FILE"))
    var inputs: [String] = []

    @Option(name: [.customShort("o"), .long], help: "Output file: .npy (one output) or .npz (all outputs).")
    var output: String

    func run() throws {
        guard output.hasSuffix(".npz") || output.hasSuffix(".npy") else { throw ValidationError("-o must end in .npy or .npz") }
        let file = try OutputFile(checking: output)
        let loaded = try loadModule(handle, options: module)
        var feeds: [String: Tensor] = [:]
        for argument in inputs {
            guard let equals = argument.firstIndex(of: "=") else {
                throw ValidationError("--input expects NAME=file.npy, got '\(argument)'")
            }
            let name = String(argument[..<equals]), path = String(argument[argument.index(after: equals)...])
            feeds[name] = try NumpyFile.read(URL(fileURLWithPath: path))
        }
        let outputs = try loaded(feeds, signature: signature)
        if output.hasSuffix(".npz") {
            try NPZWriter.write(outputs, to: file.url)
        } else {
            guard outputs.count == 1, let only = outputs.first else {
                throw ValidationError("signature '\(signature ?? loaded.defaultSignatureName)' has \(outputs.count) outputs "
                    + "(\(outputs.keys.sorted().joined(separator: ", "))); write them with -o FILE.npz")
            }
            try OutputFile.write(Data(NumpyFile.encode(only.value)), to: file.url)
        }
        for (key, tensor) in outputs.sorted(by: { $0.key < $1.key }) {
            printError("\(key): \(tensor.elementType) \(tensor.shape)")
        }
    }
}
