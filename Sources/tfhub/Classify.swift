import ArgumentParser
import Foundation
import ImageInput
import Tensors
import TensorFlowHub

/// `tfhub classify`: images in, the most probable classes out.
struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify JPEG/PNG images with a classification module; print the top classes and probabilities.",
        discussion: """
            Runs the image_classification signature (else default) on each image, decoded and resized as \
            `tfhub embed` does, and prints the --top-k classes by softmax probability. Class names come from \
            --labels FILE (one per line), else the module's assets/labels.txt (a module `tfhub finetune` wrote \
            has one), else the class index is printed. For hub classification modules with 1001 logits \
            (background first), a labels file of 1000 names is shifted by one and class 0 is "background".
            """)

    @Argument(help: ArgumentHelp("Image files or folders.", valueName: "IMAGE_OR_FOLDER"))
    var images: [String]

    @Option(help: "Module handle (default: the shipped module, which has no classification signature).")
    var module: String?

    @Option(help: "How many classes to print per image.")
    var topK = 5

    @Option(help: ArgumentHelp("Class names, one per line, in logit order.", valueName: "FILE"))
    var labels: String?

    @Option(help: "Signature to run (default: image_classification, else default).")
    var signature: String?

    @Flag(help: "Search folders' subfolders too.")
    var recursive = false

    @OptionGroup var moduleOptions: ModuleOptions

    func validate() throws {
        guard topK > 0 else { throw ValidationError("--top-k must be positive") }
    }

    func run() throws {
        let collected = try ImageFiles.collect(images, recursive: recursive)
        for (file, reason) in collected.skipped { printError("skipped \(file.path): \(reason)") }
        guard !collected.images.isEmpty else {
            printError("no JPEG or PNG images in \(images.joined(separator: ", "))")
            throw ExitCode(1)
        }
        let loaded = try loadModule(module, options: moduleOptions)
        let name = signature ?? (loaded.signature("image_classification") != nil ? "image_classification" : "default")
        let (height, width) = try loaded.getExpectedImageSize(signature: name)
        let names = try classNames(of: loaded)
        var failures = 0
        for url in collected.images {
            let image: Tensor
            do {
                image = try ImageDecoder.decode(contentsOf: url)
            } catch {
                printError("skipped \(error)")
                failures += 1
                continue
            }
            let resized = ImageResizer.resizeBilinear(image, height: height, width: width)
            let logits = try loaded(resized.reshaped(to: Shape([1] + resized.shape.dimensions)), signature: name)
            guard logits.shape.rank == 2, logits.elementType == .float32 else {
                throw ValidationError("signature '\(name)' gives \(logits.elementType) \(logits.shape), not [1, classes] logits")
            }
            let probabilities = softmax(logits.scalars(as: Float.self))
            print(url.path)
            let ranked = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }.prefix(topK)
            for index in ranked {
                print(String(format: "  %.4f  ", probabilities[index]) + label(index, names: names, classes: probabilities.count))
            }
        }
        if failures > 0 {
            printError("\(failures) of \(collected.images.count) images could not be read")
            throw ExitCode(1)
        }
    }

    /// `--labels`, else the module's `assets/labels.txt`, else none.
    private func classNames(of module: Module) throws -> [String]? {
        let url = labels.map { URL(fileURLWithPath: $0) } ?? module.directory.appendingPathComponent("assets/labels.txt")
        guard labels != nil || FileManager.default.fileExists(atPath: url.path) else { return nil }
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw ValidationError("cannot read the labels file \(url.path)")
        }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
    }

    private func label(_ index: Int, names: [String]?, classes: Int) -> String {
        guard let names else { return "class \(index)" }
        if names.count == classes { return names[index] }
        if names.count + 1 == classes { return index == 0 ? "background" : names[index - 1] }
        return index < names.count ? names[index] : "class \(index)"
    }

    private func softmax(_ logits: [Float]) -> [Float] {
        let largest = logits.max() ?? 0
        let exponentials = logits.map { Float(exp(Double($0 - largest))) }
        let total = exponentials.reduce(0, +)
        return exponentials.map { $0 / total }
    }
}
