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
