import Foundation
import Tensors
import Testing
import TestSupport

private let fixture = Fixtures.url("nasnet/slim_v3_small")

@Test func runWritesNpzWithEveryOutputMatchingTensorFlow() throws {
    let folder = try CLIRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("out.npz")
    let result = try CLIRunner.run([
        "run", fixture.appendingPathComponent("module").path, "--signature", "image_feature_vector",
        "--input", "images=" + fixture.appendingPathComponent("inputs_b2.npy").path, "-o", output.path,
    ])
    #expect(result.status == 0, "\(result.stderr)")
    // Unpack with the system's unzip-free route: numpy's npz is a stored zip; read our entries back.
    let unzip = Process()
    unzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    unzip.arguments = ["python3", "-c", "import zipfile,sys; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])",
                       output.path, folder.path]
    try unzip.run()
    unzip.waitUntilExit()
    #expect(unzip.terminationStatus == 0)
    for key in ["default", "feature_map"] {
        let ours = try NumpyFile.read(folder.appendingPathComponent("\(key).npy"))
        let tf = try NumpyFile.read(fixture.appendingPathComponent("ifv_\(key)_b2_notags.npy"))
        #expect(ours.shape == tf.shape)
        #expect(relativeError(ours, tf) <= 1e-4)
    }
}

@Test func runRefusesNpyForSeveralOutputs() throws {
    let result = try CLIRunner.run([
        "run", fixture.appendingPathComponent("module").path, "--signature", "image_feature_vector",
        "--input", "images=" + fixture.appendingPathComponent("inputs_b1.npy").path, "-o", "/tmp/never-written.npy",
    ])
    #expect(result.status != 0)
    #expect(result.stderr.contains("npz"))
}

@Test func infoListsSignaturesAndTrainTags() throws {
    let result = try CLIRunner.run(["info", fixture.appendingPathComponent("module").path, "--tags", "train", "--ops"])
    #expect(result.status == 0, "\(result.stderr)")
    for text in ["signature 'default'", "signature 'image_feature_vector'", "DT_FLOAT [?, 40, 40, 3]",
                 "image size:  40 x 40", "loaded: {train}", "FusedBatchNormV3", "unsupported: none"] {
        #expect(result.stdout.contains(text), "missing '\(text)' in:\n\(result.stdout)")
    }
}

@Test func missingModuleFailsWithAMessage() throws {
    let result = try CLIRunner.run(["info", "/nonexistent/module/folder"])
    #expect(result.status != 0)
    #expect(result.stderr.contains("/nonexistent/module/folder"))
}

// MARK: - `info` checks what it claims (issue 18, defect 1)

/// A copy of the reduced slim module in a scratch folder, changed by `damage`.
private func damagedModule(_ damage: (URL) throws -> Void) throws -> (folder: URL, module: URL) {
    let folder = try CLIRunner.temporaryDirectory()
    let copy = folder.appendingPathComponent("module")
    try FileManager.default.copyItem(at: fixture.appendingPathComponent("module"), to: copy)
    try damage(copy)
    return (folder, copy)
}

/// One flipped byte leaves a signature output naming a node the graph lacks: `info` says that
/// signature cannot run, with the undecodable byte escaped, and names the other signature as fine.
@Test func infoReportsASignatureWhoseNodeIsMissingWithTheNameEscaped() throws {
    let (folder, module) = try damagedModule { copy in
        let file = copy.appendingPathComponent("saved_model.pb")
        var bytes = [UInt8](try Data(contentsOf: file))
        let name = Array("cell_2/cell_output/concat:0".utf8)
        // Every signature_def naming it (one per graph variant): "cell_2/cell_outpu\xFF/concat:0".
        let places = (0...(bytes.count - name.count)).filter { Array(bytes[$0..<($0 + name.count)]) == name }
        #expect(!places.isEmpty)
        for at in places { bytes[at + 17] = 0xFF }
        try Data(bytes).write(to: file)
    }
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try CLIRunner.run(["info", module.path])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("1 signature(s) cannot run"), "\(result.stdout)")
    #expect(result.stdout.contains("signature 'image_feature_vector'"))
    #expect(result.stdout.contains("cell_outpu\\u{FFFD}/concat"), "escaped name expected in:\n\(result.stdout)")
    #expect(!result.stdout.contains("\u{FFFD}"), "no raw replacement character")
}

/// Without `variables/`, `info` lists every signature as unable to run and names the missing folder;
/// `embed` fails with a message naming the variable and the folder.
@Test func infoAndEmbedNameTheMissingVariablesFolder() throws {
    let (folder, module) = try damagedModule { copy in
        try FileManager.default.removeItem(at: copy.appendingPathComponent("variables"))
    }
    defer { try? FileManager.default.removeItem(at: folder) }
    let variablesFolder = module.appendingPathComponent("variables").path
    let info = try CLIRunner.run(["info", module.path])
    #expect(info.stdout.contains("2 signature(s) cannot run"), "\(info.stdout)\(info.stderr)")
    #expect(info.stdout.contains("have no value in the checkpoint") && info.stdout.contains("\(variablesFolder) is missing"))

    let image = Fixtures.url("images/rgb.jpg").path
    let embed = try CLIRunner.run(["embed", module.path, image])
    #expect(embed.status != 0)
    #expect(embed.stderr.contains("has no value") && embed.stderr.contains("\(variablesFolder) is missing"), "\(embed.stderr)")
}

// MARK: - `tfhub cache` (issue 18, defect 2)

/// `cache list` shows a cached archive with its handle, `cache verify` finds a damaged shard (exit 1,
/// the file and key named) and `--remove-broken` removes it, `cache clear HANDLE` removes one copy.
@Test func cacheListVerifyAndClear() throws {
    let folder = try CLIRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let cache = folder.appendingPathComponent("cache").path
    let archive = Fixtures.url("resolver/archives/module-gnu.tar.gz").path
    let other = Fixtures.url("resolver/archives/module-pax.tgz").path
    for handle in [archive, other] {
        let info = try CLIRunner.run(["info", handle], environment: ["TFHUB_CACHE_DIR": cache])
        #expect(info.status == 0, "\(info.stderr)")
    }
    let list = try CLIRunner.run(["cache", "list", "--cache-dir", cache])
    #expect(list.stdout.contains("2 module(s)") && list.stdout.contains(archive) && list.stdout.contains("ok"), "\(list.stdout)")
    #expect(try CLIRunner.run(["cache", "verify", "--cache-dir", cache]).status == 0)

    let entry = try #require(list.stdout.split(separator: "\n").first { $0.contains(archive) }?.split(separator: " ").first)
    let shard = "\(cache)/\(entry)/variables/variables.data-00000-of-00001"
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: shard)))
    bytes[0] ^= 0xFF
    try Data(bytes).write(to: URL(fileURLWithPath: shard))
    let verify = try CLIRunner.run(["cache", "verify", "--cache-dir", cache, "--remove-broken"])
    #expect(verify.status == 1)
    #expect(verify.stdout.contains("broken") && verify.stdout.contains("checksum") && verify.stdout.contains("removed"), "\(verify.stdout)")
    #expect(!FileManager.default.fileExists(atPath: "\(cache)/\(entry)"))

    let clear = try CLIRunner.run(["cache", "clear", other, "--cache-dir", cache])
    #expect(clear.status == 0 && clear.stdout.contains("removed the cached copy"), "\(clear.stdout)\(clear.stderr)")
    #expect(try CLIRunner.run(["cache", "list", "--cache-dir", cache]).stdout.contains("0 module(s)"))
}

// MARK: - Arguments (issue 19, CLI part)

/// Bad numbers are refused with a message naming the option, before any work.
@Test(arguments: [
    (["bench", "--runs", "0"], "--runs must be at least 1"),
    (["bench", "--batch", "0"], "--batch must be at least 1"),
    (["bench", "--threads", "0"], "--threads must be in 1...256"),
    (["embed", "--batch", "0", "x.jpg"], "--batch must be positive"),
])
func badNumbersAreRefusedWithTheOptionNamed(arguments: [String], message: String) throws {
    let result = try CLIRunner.run(arguments)
    #expect(result.status != 0)
    #expect(result.stderr.contains(message), "\(result.stderr)")
}

@Test func aBadThreadCountInTheEnvironmentIsRefused() throws {
    let result = try CLIRunner.run(["info", fixture.appendingPathComponent("module").path], environment: ["TFHUB_NUM_THREADS": "zero"])
    #expect(result.status != 0)
    #expect(result.stderr.contains("TFHUB_NUM_THREADS must be a thread count"), "\(result.stderr)")
}

/// `--tags` takes one value, so the handle after it is not swallowed; `--version` prints the version.
@Test func tagsTakeOneValueAndVersionIsPrinted() throws {
    let result = try CLIRunner.run(["info", "--tags", "train", fixture.appendingPathComponent("module").path])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("loaded: {train}"))
    let version = try CLIRunner.run(["--version"])
    #expect(version.status == 0 && version.stdout.split(separator: ".").count == 3, "\(version.stdout)")
}

/// A misspelled subcommand is answered with the closest one; an unknown one with the list (issue 19).
@Test func misspelledSubcommandGetsASuggestion() throws {
    let typo = try CLIRunner.run(["embedd", "x.jpg"])
    #expect(typo.status == 64)
    #expect(typo.stderr.contains("unknown subcommand 'embedd'. Did you mean 'embed'?"), "\(typo.stderr)")
    let bench = try CLIRunner.run(["bnech"])
    #expect(bench.stderr.contains("Did you mean 'bench'?"), "\(bench.stderr)")
    let unknown = try CLIRunner.run(["frobnicate"])
    #expect(unknown.status == 64)
    #expect(unknown.stderr.contains("the subcommands are info, run, embed, classify, finetune, bench, cache, serve, help"), "\(unknown.stderr)")
    #expect(try CLIRunner.run(["help", "embed"]).status == 0)
}

/// The documented completion scripts exist for the three shells and know the subcommands and their options.
@Test(arguments: ["bash", "zsh", "fish"])
func completionScriptsKnowTheSubcommands(shell: String) throws {
    let result = try CLIRunner.run(["--generate-completion-script", shell])
    #expect(result.status == 0, "\(result.stderr)")
    for word in ["embed", "bench", "cache", "serve", "peer-scripts"] {
        #expect(result.stdout.contains(word), "\(shell) completion lacks \(word)")
    }
    // fish names long options `-l 'recursive'`, bash and zsh `--recursive`.
    #expect(result.stdout.contains("--recursive") || result.stdout.contains("-l 'recursive'"), "\(shell) completion lacks --recursive")
}
