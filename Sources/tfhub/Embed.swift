import ArgumentParser
import Foundation
import ImageInput
import Tensors
import TensorFlowHub

/// `tfhub embed`: image files in, one feature row per image out.
struct Embed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compute image feature vectors for JPEG/PNG files or folders of them.",
        discussion: """
            Images are decoded (libjpeg-turbo, libpng) to RGB in [0, 1], resized bilinearly to the module's \
            expected size as tf.image.resize does, and run through the image_feature_vector signature. \
            Unreadable images are reported and skipped; the exit status is 1 if any were skipped. In folders, \
            files that are not JPEG or PNG are listed as skipped (GIF, BMP, WebP and others are not decoded); \
            --recursive also searches subfolders. No image to embed is an error (exit status 1).

            --shard I/N embeds only shard I (0-based) of N contiguous parts of the image list (each folder's \
            files sorted by name, files named directly in the order given), so N machines embed one image set: \
            with -o out.npy, shard I writes out-I-of-N.npy (I zero-padded to the digits of N). --shard-count N \
            (or TFHUB_SHARD_COUNT) takes the index from JOB_COMPLETION_INDEX, as a Kubernetes Indexed Job sets \
            it. An empty shard (more shards than images) writes a file with no rows and exits 0.
            """)

    @Argument(help: ArgumentHelp(
        "An optional module handle, then image files or folders.", valueName: "[HANDLE] IMAGE_OR_FOLDER"))
    var arguments: [String]

    @Option(name: .long, help: "Module handle (instead of giving it as the first argument).")
    var module: String?

    @OptionGroup var moduleOptions: ModuleOptions

    @Option(name: [.customShort("o"), .long],
            help: "Output: features.npy (plus features.files.txt), .csv or .jsonl. Default: a summary on stdout.")
    var output: String?

    @Option(help: "Images per forward pass.")
    var batch = 8

    @Option(help: "Signature to run (default: image_feature_vector, else default).")
    var signature: String?

    @Flag(help: "Print the time the images took (decoding to features, module loading excluded) and the load time.")
    var timing = false

    @Flag(help: "Search folders' subfolders too.")
    var recursive = false

    @Option(help: "Largest image decoded, in pixels (width x height); larger files are skipped before decoding.")
    var maxImagePixels = ImageDecoder.defaultPixelLimit

    @Option(help: ArgumentHelp(
        "Embed only shard I (0-based) of N contiguous parts of the image list; -o out.npy becomes out-I-of-N.npy.",
        valueName: "I/N"))
    var shard: String?

    @Option(help: ArgumentHelp(
        "Shard count N; the index I comes from JOB_COMPLETION_INDEX (Kubernetes Indexed Job). Default: TFHUB_SHARD_COUNT.",
        valueName: "N"))
    var shardCount: Int?

    /// The shard to embed (`nil`: every image), from the options and the environment.
    private func resolvedShard() throws -> Shard? {
        do {
            return try Shard.resolve(shard: shard, shardCount: shardCount, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func validate() throws {
        guard batch > 0 else { throw ValidationError("--batch must be positive") }
        guard maxImagePixels > 0 else { throw ValidationError("--max-image-pixels must be positive") }
        if let output, ![".npy", ".csv", ".jsonl"].contains(where: output.hasSuffix) {
            throw ValidationError("-o must end in .npy, .csv or .jsonl")
        }
        _ = try resolvedShard()
    }

    func run() throws {
        var paths = arguments
        var handle = module
        if handle == nil, let first = paths.first, paths.count > 1 || DefaultModule.looksLikeHandle(first),
           DefaultModule.looksLikeHandle(first) {
            handle = first
            paths.removeFirst()
        }
        guard !paths.isEmpty else { throw ValidationError("give at least one image file or folder") }
        let shard = try resolvedShard()
        let outputFile = try output.map { try OutputFile(checking: shard?.outputPath(for: $0) ?? $0) }
        let collected = try ImageFiles.collect(paths, recursive: recursive)
        for (file, reason) in collected.skipped { printError("skipped \(file.path): \(reason)") }
        var images = collected.images
        guard !images.isEmpty else {
            printError("no JPEG or PNG images in \(paths.joined(separator: ", "))"
                       + (collected.skipped.isEmpty ? "" : " (\(collected.skipped.count) other files skipped)")
                       + (recursive ? "" : "; subfolders are searched with --recursive"))
            throw ExitCode(1)
        }
        if let shard {
            let range = shard.range(of: images.count)
            printError(range.isEmpty
                ? "shard \(shard): none of the \(images.count) images (more shards than images)"
                : "shard \(shard): images \(range.lowerBound + 1)...\(range.upperBound) of \(images.count)")
            images = Array(images[range])
        }
        let loadStart = Date()
        let loaded = try loadModule(handle, options: moduleOptions)
        let signatureName = signature
            ?? (loaded.signature("image_feature_vector") != nil ? "image_feature_vector" : loaded.defaultSignatureName)
        let (height, width) = try loaded.getExpectedImageSize(signature: signatureName)

        let pipelineStart = Date()
        let progress = ProgressBar(total: images.count)
        let pipeline = EmbedPipeline(module: loaded, signature: signatureName, height: height, width: width,
                                     pixelLimit: maxImagePixels, threads: loaded.planOptions.threads,
                                     partSize: max(1, loaded.planOptions.microBatch))
        let (embedded, failures) = try pipeline.run(images, batch: batch, progress: progress)
        let rows = embedded.map { (file: $0.file, features: $0.features) }
        progress.finish()
        if timing {
            let seconds = Date().timeIntervalSince(pipelineStart)
            printError(String(format: "embedded %d images in %.3f s (%.1f img/s) on %d threads; module loaded in %.3f s",
                              images.count, seconds, Double(images.count) / max(seconds, 1e-9),
                              loaded.planOptions.threads, pipelineStart.timeIntervalSince(loadStart)))
        }
        // An empty shard still writes its file, as wide as the signature's output when that is known.
        let emptyWidth = loaded.signature(signatureName).flatMap { signature in
            signature.defaultOutputKey.flatMap { signature.outputs[$0]?.shape?.last.flatMap { $0 } }
        } ?? 0
        try write(rows, to: outputFile, emptyWidth: emptyWidth)
        if failures > 0 {
            printError("\(failures) of \(images.count) images could not be read")
            throw ExitCode(1)
        }
    }

    private func write(_ rows: [(file: String, features: [Float])], to file: OutputFile?, emptyWidth: Int) throws {
        guard let file else {
            for row in rows {
                let norm = row.features.reduce(0) { $0 + $1 * $1 }.squareRoot()
                let head = row.features.prefix(4).map { String(format: "%.4f", $0) }.joined(separator: " ")
                print("\((row.file as NSString).lastPathComponent)\t\(row.features.count) features\t|f|=\(String(format: "%.4f", norm))\t[\(head) ...]")
            }
            return
        }
        let url = file.url
        if file.path.hasSuffix(".npy") {
            let width = rows.first?.features.count ?? emptyWidth
            let tensor = Tensor(shape: [rows.count, width], scalars: rows.flatMap(\.features))
            try OutputFile.write(Data(NumpyFile.encode(tensor)), to: url)
            let names = rows.map(\.file).joined(separator: "\n") + (rows.isEmpty ? "" : "\n")
            try OutputFile.write(Data(names.utf8), to: url.deletingPathExtension().appendingPathExtension("files.txt"))
        } else if file.path.hasSuffix(".csv") {
            var text = "file" + (0..<(rows.first?.features.count ?? emptyWidth)).map { ",f\($0)" }.joined() + "\n"
            for row in rows {
                text += OutputFile.csvField(row.file) + row.features.map { ",\($0)" }.joined() + "\n"
            }
            try OutputFile.write(Data(text.utf8), to: url)
        } else {
            let encoder = JSONEncoder()
            var data = Data()
            for row in rows {
                data += try encoder.encode(EmbeddingRow(file: row.file, features: row.features))
                data += Data("\n".utf8)
            }
            try OutputFile.write(data, to: url)
        }
        printError("wrote \(rows.count) rows to \(file.path)")
    }
}

private struct EmbeddingRow: Encodable {
    let file: String
    let features: [Float]
}

/// Expands folders (sorted; subfolders with `recursive`) into their JPEG and PNG files, and lists the
/// other files found there with the reason they are skipped. Files named directly are always taken (the
/// decoder reports what it cannot read).
enum ImageFiles {
    static let extensions: Set<String> = ["jpg", "jpeg", "png"]
    /// Image formats users put in folders that the decoders do not read.
    static let undecoded: Set<String> = ["gif", "bmp", "webp", "tif", "tiff", "heic", "heif", "avif"]

    static func collect(_ paths: [String], recursive: Bool = false) throws -> (images: [URL], skipped: [(URL, String)]) {
        var images: [URL] = []
        var skipped: [(URL, String)] = []
        func scan(_ folder: URL) throws {
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            for name in names where !name.hasPrefix(".") {
                let url = folder.appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
                let suffix = (name as NSString).pathExtension.lowercased()
                if isDirectory.boolValue {
                    if recursive { try scan(url) }
                } else if extensions.contains(suffix) {
                    images.append(url)
                } else if undecoded.contains(suffix) {
                    skipped.append((url, "\(suffix.uppercased()) is not decoded (JPEG and PNG only)"))
                } else {
                    skipped.append((url, "not a JPEG or PNG file"))
                }
            }
        }
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ValidationError("\(path): no such file or folder")
            }
            if isDirectory.boolValue {
                try scan(URL(fileURLWithPath: path))
            } else {
                images.append(URL(fileURLWithPath: path))
            }
        }
        return (images, skipped)
    }
}
