import Foundation
import ImageInput
import Tensors
import TensorFlowHub
import Testing
import TestSupport

private let module = Fixtures.url("nasnet/slim_v1_small/module")
private let images = Fixtures.url("images")

@Test func embedMatchesTensorFlowsPipelineAndSkipsBadImages() throws {
    let folder = try CLIRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("features.npy")
    let result = try CLIRunner.run(["embed", module.path, images.path, "-o", output.path, "--batch", "3"])

    // Four unreadable files: reported by name, skipped, and the exit status says so.
    #expect(result.status == 1)
    for bad in ["corrupt.jpg", "truncated.jpg", "truncated.png", "not_an_image.png"] {
        #expect(result.stderr.contains(bad), "stderr should name \(bad): \(result.stderr)")
    }
    let names = try String(contentsOf: folder.appendingPathComponent("features.files.txt"), encoding: .utf8)
        .split(separator: "\n").map { URL(fileURLWithPath: String($0)).lastPathComponent }
    let expectedNames = try String(contentsOf: Fixtures.url("cli/embed_reference.files.txt"), encoding: .utf8)
        .split(separator: "\n").map(String.init)
    #expect(names == expectedNames)

    let ours = try NumpyFile.read(output)
    let tf = try NumpyFile.read(Fixtures.url("cli/embed_reference.npy"))
    #expect(ours.shape == tf.shape)
    #expect(relativeError(ours, tf) <= 1e-4)
}

@Test func embedEqualsTheLibrarysOwnPipeline() throws {
    let folder = try CLIRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("features.npy")
    let file = images.appendingPathComponent("rgb.jpg")
    let result = try CLIRunner.run(["embed", "--module", module.path, file.path, "-o", output.path])
    #expect(result.status == 0, "\(result.stderr)")

    let loaded = try Module(url: module)
    let (height, width) = try loaded.getExpectedImageSize()
    let image = ImageResizer.resizeBilinear(try ImageDecoder.decode(contentsOf: file), height: height, width: width)
    let expected = try loaded(["images": image.reshaped(to: [1, height, width, 3])], signature: "image_feature_vector")
    #expect(try NumpyFile.read(output).scalars(as: Float.self) == expected["default"]?.scalars(as: Float.self))
}

/// Decoding and the network share the threads (each thread embeds its own part of every batch): the rows,
/// their order and the skipped files do not depend on the thread count or the batch size.
@Test func embedGivesTheSameRowsOnOneAndThreeThreads() throws {
    let folder = try CLIRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    var outputs: [(Tensor, String, String)] = []
    for (threads, batch) in [("1", "8"), ("3", "5"), ("3", "1")] {
        let output = folder.appendingPathComponent("features-\(threads)-\(batch).npy")
        let result = try CLIRunner.run(["embed", module.path, images.path, "-o", output.path, "--batch", batch],
                                       environment: ["TFHUB_NUM_THREADS": threads])
        #expect(result.status == 1, "four unreadable images: \(result.stderr)")
        let names = try String(contentsOf: folder.appendingPathComponent("features-\(threads)-\(batch).files.txt"), encoding: .utf8)
        let skipped = result.stderr.split(separator: "\n").filter { $0.hasPrefix("skipped") }.joined(separator: "\n")
        outputs.append((try NumpyFile.read(output), names, skipped))
    }
    for other in outputs.dropFirst() {
        #expect(other.0.scalars(as: Float.self) == outputs[0].0.scalars(as: Float.self))
        #expect(other.1.split(separator: "\n").map { URL(fileURLWithPath: String($0)).lastPathComponent }
                == outputs[0].1.split(separator: "\n").map { URL(fileURLWithPath: String($0)).lastPathComponent })
        #expect(other.2.contains("corrupt.jpg") && other.2 == outputs[0].2)
    }
}

@Test func embedWritesCSVAndJSONLines() throws {
    let folder = try CLIRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let files = ["rgb.png", "gray.jpg"].map { images.appendingPathComponent($0).path }
    let csv = folder.appendingPathComponent("f.csv"), jsonl = folder.appendingPathComponent("f.jsonl")
    #expect(try CLIRunner.run(["embed", module.path] + files + ["-o", csv.path]).status == 0)
    #expect(try CLIRunner.run(["embed", module.path] + files + ["-o", jsonl.path]).status == 0)

    let lines = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 3)
    #expect(lines[0].hasPrefix("file,f0,f1,"))
    #expect(lines[1].split(separator: ",").count == 1 + 192)
    let rows = try String(contentsOf: jsonl, encoding: .utf8).split(separator: "\n").map {
        try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
    #expect(rows.count == 2)
    #expect((rows[0]?["features"] as? [Double])?.count == 192)
    #expect((rows[1]?["file"] as? String)?.hasSuffix("gray.jpg") == true)
}

@Test func embedWithoutOutputPrintsOneLinePerImage() throws {
    let result = try CLIRunner.run(["embed", module.path, images.appendingPathComponent("rgba.png").path])
    #expect(result.status == 0)
    #expect(result.stdout.contains("rgba.png") && result.stdout.contains("192 features"))
}

// MARK: - Output files (issue 18, defect 5)

/// A file name holding a comma, a quote and a newline stays one CSV field (RFC 4180 quoting), so the
/// row still has 1 + 192 fields and the name reads back as it was.
@Test func embedQuotesCSVFieldsWithNewlinesQuotesAndCommas() throws {
    let folder = try CLIRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let awkward = folder.appendingPathComponent("a, \"b\"\nc.jpg")
    try FileManager.default.copyItem(at: images.appendingPathComponent("rgb.jpg"), to: awkward)
    let csv = folder.appendingPathComponent("f.csv")
    let result = try CLIRunner.run(["embed", module.path, awkward.path, "-o", csv.path])
    #expect(result.status == 0, "\(result.stderr)")
    let text = try String(contentsOf: csv, encoding: .utf8)
    let rows = parseCSV(text)
    #expect(rows.count == 2)
    #expect(rows[1].count == 1 + 192)
    #expect(rows[1].first == awkward.path)
}

/// An output path in a missing folder is refused before any image is decoded or any network run, with
/// a message naming the folder (not a Foundation error code).
@Test(arguments: ["embed", "run"])
func outputInAMissingFolderIsRefusedBeforeAnyWork(command: String) throws {
    let missing = "/nonexistent-\(UUID().uuidString)/out." + (command == "embed" ? "csv" : "npy")
    let arguments = command == "embed"
        ? ["embed", module.path, images.appendingPathComponent("rgb.jpg").path, "-o", missing]
        : ["run", module.path, "--input", "images=/nonexistent.npy", "-o", missing]
    let result = try CLIRunner.run(arguments)
    #expect(result.status != 0)
    #expect(result.stderr.contains("cannot write \(missing)") && result.stderr.contains("does not exist"), "\(result.stderr)")
    #expect(!result.stderr.contains("NSCocoaErrorDomain"))
    // Refused first: the missing input file of `run` is never reached.
    #expect(!result.stderr.contains("/nonexistent.npy"))
}

/// Minimal RFC 4180 reader for the test: quoted fields may hold commas, quotes ("") and newlines.
private func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
    var scalars = Array(text.unicodeScalars)[...]
    while let c = scalars.popFirst() {
        if quoted {
            if c == "\"" {
                if scalars.first == "\"" { field.unicodeScalars.append(scalars.removeFirst()) } else { quoted = false }
            } else {
                field.unicodeScalars.append(c)
            }
        } else if c == "\"" {
            quoted = true
        } else if c == "," {
            row.append(field)
            field = ""
        } else if c == "\n" {
            row.append(field)
            rows.append(row)
            row = []
            field = ""
        } else {
            field.unicodeScalars.append(c)
        }
    }
    return rows
}

// MARK: - What a folder holds (issue 19)

/// A folder with no JPEG or PNG: exit status 1 and a message; GIF/BMP/WebP files named as skipped with the
/// reason; an image in a subfolder found only with --recursive.
@Test func embedNamesSkippedFilesAndSearchesSubfoldersOnRequest() throws {
    let folder = try CLIRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    for name in ["photo.gif", "scan.bmp", "web.webp", "notes.txt"] {
        try Data("x".utf8).write(to: folder.appendingPathComponent(name))
    }
    let sub = folder.appendingPathComponent("more")
    try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: images.appendingPathComponent("rgb.jpg"), to: sub.appendingPathComponent("deep.jpg"))

    let flat = try CLIRunner.run(["embed", module.path, folder.path])
    #expect(flat.status == 1)
    #expect(flat.stderr.contains("no JPEG or PNG images in \(folder.path)"), "\(flat.stderr)")
    #expect(flat.stderr.contains("--recursive"))
    #expect(flat.stderr.contains("photo.gif: GIF is not decoded"), "\(flat.stderr)")
    #expect(flat.stderr.contains("scan.bmp: BMP is not decoded") && flat.stderr.contains("web.webp: WEBP is not decoded"))
    #expect(flat.stderr.contains("notes.txt: not a JPEG or PNG file"))

    let deep = try CLIRunner.run(["embed", module.path, folder.path, "--recursive"])
    #expect(deep.status == 0, "\(deep.stderr)")
    #expect(deep.stdout.contains("deep.jpg") && deep.stdout.contains("192 features"), "\(deep.stdout)")
    #expect(deep.stderr.contains("photo.gif: GIF is not decoded"))

    let empty = try CLIRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: empty) }
    let none = try CLIRunner.run(["embed", module.path, empty.path])
    #expect(none.status == 1)
    #expect(none.stderr.contains("no JPEG or PNG images in \(empty.path)"), "\(none.stderr)")
}

// MARK: - Shards (issue 16: a Kubernetes Indexed Job embeds one image set over many nodes)

/// A folder of seven readable images (an odd count, so three shards are uneven: 2, 2, 3).
private func sevenImages() throws -> URL {
    let folder = try CLIRunner.temporaryDirectory()
    let names = ["gray.jpg", "gray.png", "gray16.png", "palette.png", "rgb.jpg", "rgb_420_progressive.jpg", "rgba.png"]
    for (i, name) in names.enumerated() {
        // Prefixes that sort differently from the source names: the shard order is the listing's order.
        try FileManager.default.copyItem(
            at: images.appendingPathComponent(name), to: folder.appendingPathComponent("\(6 - i)-\(name)"))
    }
    return folder
}

private func rowsAndNames(_ npy: URL) throws -> (rows: [[UInt32]], names: [String]) {
    let tensor = try NumpyFile.read(npy)
    let width = tensor.shape.dimensions.count == 2 ? tensor.shape.dimensions[1] : 0
    let bits = tensor.scalars(as: Float.self).map(\.bitPattern)
    let rows = width == 0 ? [] : stride(from: 0, to: bits.count, by: width).map { Array(bits[$0..<($0 + width)]) }
    let names = try String(contentsOf: npy.deletingPathExtension().appendingPathExtension("files.txt"), encoding: .utf8)
        .split(separator: "\n").map(String.init)
    return (rows, names)
}

/// Shards 0, 1, 2 of 3, laid end to end, are the unsharded run's rows bit for bit and in its order; each
/// writes its own `features-I-of-3.npy`; `--shard-count` with `JOB_COMPLETION_INDEX` (and
/// `TFHUB_SHARD_COUNT`) picks the same shard as `--shard I/N`.
@Test func embedShardsPartitionTheUnshardedRunInOrder() throws {
    let input = try sevenImages()
    let out = try CLIRunner.temporaryDirectory()
    defer {
        try? FileManager.default.removeItem(at: input)
        try? FileManager.default.removeItem(at: out)
    }
    let whole = out.appendingPathComponent("all.npy")
    let unsharded = try CLIRunner.run(["embed", module.path, input.path, "-o", whole.path])
    #expect(unsharded.status == 0, "\(unsharded.stderr)")
    let expected = try rowsAndNames(whole)
    #expect(expected.rows.count == 7 && expected.names.count == 7)

    var rows: [[UInt32]] = [], names: [String] = []
    for index in 0..<3 {
        let result = try CLIRunner.run(["embed", module.path, input.path, "-o", out.appendingPathComponent("features.npy").path,
                                        "--shard", "\(index)/3"])
        #expect(result.status == 0, "\(result.stderr)")
        let file = out.appendingPathComponent("features-\(index)-of-3.npy")
        #expect(result.stderr.contains("wrote \([2, 2, 3][index]) rows to \(file.path)"), "\(result.stderr)")
        let part = try rowsAndNames(file)
        rows += part.rows
        names += part.names
    }
    #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("features.npy").path))
    #expect(names == expected.names)
    #expect(rows == expected.rows)

    // The Indexed Job's way: the count from an option or TFHUB_SHARD_COUNT, the index from JOB_COMPLETION_INDEX.
    let job = out.appendingPathComponent("job.npy")
    let byOption = try CLIRunner.run(["embed", module.path, input.path, "-o", job.path, "--shard-count", "3"],
                                     environment: ["JOB_COMPLETION_INDEX": "1"])
    #expect(byOption.status == 0, "\(byOption.stderr)")
    #expect(try rowsAndNames(out.appendingPathComponent("job-1-of-3.npy")).rows == Array(expected.rows[2..<4]))
    let byEnvironment = try CLIRunner.run(["embed", module.path, input.path, "-o", job.path],
                                          environment: ["JOB_COMPLETION_INDEX": "2", "TFHUB_SHARD_COUNT": "3"])
    #expect(byEnvironment.status == 0, "\(byEnvironment.stderr)")
    #expect(try rowsAndNames(out.appendingPathComponent("job-2-of-3.npy")).rows == Array(expected.rows[4..<7]))
}

/// More shards than images: a shard with none writes a file of no rows (as wide as the output) and exits 0;
/// the index is zero-padded to the digits of the count, so a sorted listing is in shard order.
@Test func embedEmptyShardWritesAnEmptyFileAndPadsTheIndex() throws {
    let out = try CLIRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: out) }
    let file = images.appendingPathComponent("rgb.jpg").path
    let base = out.appendingPathComponent("f.npy").path
    let empty = try CLIRunner.run(["embed", module.path, file, "-o", base, "--shard", "3/12"])
    #expect(empty.status == 0, "\(empty.stderr)")
    #expect(empty.stderr.contains("shard 3/12: none of the 1 images"), "\(empty.stderr)")
    let tensor = try NumpyFile.read(out.appendingPathComponent("f-03-of-12.npy"))
    #expect(tensor.shape.dimensions == [0, 192])
    let last = try CLIRunner.run(["embed", module.path, file, "-o", base, "--shard", "11/12"])
    #expect(last.status == 0, "\(last.stderr)")
    #expect(try NumpyFile.read(out.appendingPathComponent("f-11-of-12.npy")).shape.dimensions == [1, 192])
}

/// Bad shard values are refused before any work, with a message naming what was wrong.
@Test(arguments: [
    (["--shard", "3/3"], [:], "shard index 3 is out of range for 3 shards (0...2)"),
    (["--shard", "0/0"], [:], "the shard count must be at least 1, not 0"),
    (["--shard=-1/2"], [:], "the shard index must not be negative, not -1"),  // = : a leading - is an option
    (["--shard", "two"], [:], "--shard must be I/N"),
    (["--shard", "1/2", "--shard-count", "2"], [:], "give --shard I/N or --shard-count N, not both"),
    (["--shard-count", "0"], ["JOB_COMPLETION_INDEX": "0"], "the shard count must be at least 1, not 0"),
    (["--shard-count", "4"], ["JOB_COMPLETION_INDEX": "4"], "shard index 4 is out of range for 4 shards (0...3)"),
    (["--shard-count", "4"], ["JOB_COMPLETION_INDEX": "x"], "JOB_COMPLETION_INDEX must be an integer, not 'x'"),
    ([], ["TFHUB_SHARD_COUNT": "many", "JOB_COMPLETION_INDEX": "0"], "TFHUB_SHARD_COUNT must be an integer, not 'many'"),
] as [([String], [String: String], String)])
func embedRefusesBadShards(flags: [String], environment: [String: String], message: String) throws {
    let result = try CLIRunner.run(["embed", module.path, images.appendingPathComponent("rgb.jpg").path] + flags,
                                   environment: environment)
    #expect(result.status != 0)
    #expect(result.stderr.contains(message), "\(result.stderr)")
    #expect(!result.stdout.contains("features"), "refused before embedding: \(result.stdout)")
}

/// `--shard-count` with no `JOB_COMPLETION_INDEX` says where the index comes from.
@Test func embedShardCountWithoutAnIndexSaysWhereItComesFrom() throws {
    var environment = ProcessInfo.processInfo.environment
    environment.removeValue(forKey: "JOB_COMPLETION_INDEX")
    let process = Process()
    process.executableURL = CLIRunner.executable
    process.arguments = ["embed", module.path, images.appendingPathComponent("rgb.jpg").path, "--shard-count", "4"]
    process.environment = environment
    let err = Pipe()
    process.standardError = err
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus != 0)
    #expect(text.contains("a shard count of 4 needs the shard index from JOB_COMPLETION_INDEX"), "\(text)")
}
