import Foundation
import ImageInput
import Tensors
import TensorFlowHubTraining
import TFProto
import Testing
import TestSupport

private let tiny = Fixtures.url("training/tiny_slim/module")

/// Writes the synthetic shapes set (`Tests/Fixtures/training/make_shapes.py`) into a new folder.
private func shapes(perClass: Int, seed: Int, size: Int = 40, broken: Bool = false) throws -> URL {
    let folder = try CLIRunner.temporaryDirectory()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", Fixtures.url("training/make_shapes.py").path, folder.path, "--per-class", "\(perClass)",
                         "--seed", "\(seed)", "--size", "\(size)"] + (broken ? ["--jpeg-broken"] : [])
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    return folder
}

private func metrics(_ url: URL) throws -> [[String: Double]] {
    try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
        try JSONDecoder().decode([String: Double].self, from: Data($0.utf8))
    }
}

/// The synthetic task learnt through the command line (the tiny slim module, body and head trained with
/// Adam from its random initialisation): validation accuracy after the last epoch, the exported module's
/// labels, and `tfhub classify` naming the class of images it has never seen.
@Test func finetuneLearnsTheSyntheticTaskAndClassifyNamesTheClasses() throws {
    let data = try shapes(perClass: 60, seed: 7, broken: true)
    let unseen = try shapes(perClass: 5, seed: 99)
    let work = try CLIRunner.temporaryDirectory()
    defer { for f in [data, unseen, work] { try? FileManager.default.removeItem(at: f) } }
    let output = work.appendingPathComponent("shapes-classifier")
    let log = work.appendingPathComponent("metrics.jsonl")
    let result = try CLIRunner.run([
        "finetune", data.path, "--module", tiny.path, "-o", output.path, "--epochs", "20", "--batch-size", "16",
        "--optimizer", "adam", "--learning-rate", "0.003", "--validation-split", "0.25", "--metrics-out", log.path,
        "--threads", "2",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("broken.jpg"), "the unreadable file is named: \(result.stderr)")
    #expect(result.stderr.contains("1 files skipped"))
    let lines = try metrics(log)
    let steps = lines.filter { $0["loss"] != nil }
    let accuracies = lines.compactMap { $0["validation_accuracy"] }
    #expect(steps.count == (20 * 180 + 15) / 16)  // 180 training images, batch 16
    #expect(accuracies.count == 20)
    let final = accuracies.last ?? 0
    print("synthetic task: validation accuracy per epoch \(accuracies), losses first \(steps.first?["loss"] ?? .nan) last \(steps.last?["loss"] ?? .nan)")
    #expect(final >= 0.95)

    let labels = try String(contentsOf: output.appendingPathComponent("assets/labels.txt"), encoding: .utf8)
    #expect(labels.split(separator: "\n") == ["blue_triangle", "green_square", "red_disc", "yellow_bar"])

    let classified = try CLIRunner.run(["classify", "--module", output.path, unseen.path, "--recursive", "--top-k", "1"])
    #expect(classified.status == 0, "\(classified.stderr)")
    // Pairs of lines: the file, then "  p  label".
    let text = classified.stdout.split(separator: "\n")
    var right = 0, total = 0
    for (file, top) in zip(text.striding(0), text.striding(1)) {
        let expected = URL(fileURLWithPath: String(file)).deletingLastPathComponent().lastPathComponent
        total += 1
        if top.hasSuffix(expected) { right += 1 }
    }
    #expect(total == 20)
    #expect(Double(right) / Double(total) >= 0.95, "\(classified.stdout)")
}

/// `--no-shuffle --no-augment`: step i takes examples [i*B, i*B+B) sorted by class/file, and the losses
/// the command logs are the library's for the same batches.
@Test func finetuneStepsAreTheLibrarysSteps() throws {
    let data = try shapes(perClass: 5, seed: 3, size: 24)
    let work = try CLIRunner.temporaryDirectory()
    defer { for f in [data, work] { try? FileManager.default.removeItem(at: f) } }
    let log = work.appendingPathComponent("metrics.jsonl")
    let result = try CLIRunner.run([
        "finetune", data.path, "--module", tiny.path, "-o", work.appendingPathComponent("out").path, "--steps", "4",
        "--batch-size", "6", "--optimizer", "adam", "--learning-rate", "0.01", "--no-shuffle", "--no-augment",
        "--metrics-out", log.path, "--threads", "1",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let logged = try metrics(log).compactMap { $0["loss"] }

    let dataset = try ImageFolderDataset(directory: data)
    let schedule = TrainingSchedule(examples: dataset.examples, batchSize: 6, shuffles: false, seed: 1)
    let trainer = try ClassifierTrainer(
        url: tiny, options: FineTuningOptions(classes: 4, batchSize: 6, optimizer: .adam(), learningRate: .constant(0.01)),
        planOptions: PlanOptions(threads: 1))
    let loader = ImageBatchLoader(height: 24, width: 24, augments: false)
    var expected: [Double] = []
    for step in 0..<4 {
        let batch = schedule.batch(step)
        #expect(batch.map(\.relativePath) == (0..<6).map { dataset.examples[(step * 6 + $0) % 20].relativePath })
        expected.append(Double(try trainer.step(images: try loader.load(batch, seed: 0), labels: batch.map(\.label))))
    }
    #expect(logged == expected)
}

@Test func finetuneRefusesBadInputBeforeTraining() throws {
    let work = try CLIRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: work) }
    let data = try shapes(perClass: 2, seed: 1, size: 24)
    defer { try? FileManager.default.removeItem(at: data) }
    func finetune(_ folder: URL, _ extra: [String] = []) throws -> CLIRunner.Result {
        try CLIRunner.run(["finetune", folder.path, "--module", tiny.path, "-o", work.appendingPathComponent("out").path,
                           "--steps", "1", "--batch-size", "2"] + extra)
    }

    // An empty class folder.
    let empty = data.appendingPathComponent("purple_star")
    try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
    var result = try finetune(data)
    #expect(result.status != 0 && result.stderr.contains("purple_star") && result.stderr.contains("no readable"), "\(result.stderr)")
    try FileManager.default.removeItem(at: empty)

    // One class only.
    let single = work.appendingPathComponent("single")
    try FileManager.default.createDirectory(at: single, withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: data.appendingPathComponent("red_disc"), to: single.appendingPathComponent("red_disc"))
    result = try finetune(single)
    #expect(result.status != 0 && result.stderr.contains("at least 2"), "\(result.stderr)")

    // An output folder that exists: refused unless --overwrite.
    let existing = work.appendingPathComponent("out")
    try FileManager.default.createDirectory(at: existing, withIntermediateDirectories: true)
    try Data("keep".utf8).write(to: existing.appendingPathComponent("marker"))
    result = try finetune(data)
    #expect(result.status != 0 && result.stderr.contains("--overwrite"), "\(result.stderr)")
    #expect(FileManager.default.fileExists(atPath: existing.appendingPathComponent("marker").path))
    result = try finetune(data, ["--overwrite"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: existing.appendingPathComponent("marker").path))
    #expect(FileManager.default.fileExists(atPath: existing.appendingPathComponent("saved_model.pb").path))

    // A module without a {"train"} graph: named, with the way out.
    let inferenceOnly = work.appendingPathComponent("inference-only")
    try FileManager.default.copyItem(at: tiny, to: inferenceOnly)
    var model = try SavedModel(contentsOf: inferenceOnly.appendingPathComponent("saved_model.pb"))
    model.metaGraphs.removeAll { $0.metaInfoDef.tags == ["train"] }
    try Data(model.serializedBytes()).write(to: inferenceOnly.appendingPathComponent("saved_model.pb"))
    result = try CLIRunner.run(["finetune", data.path, "--module", inferenceOnly.path, "-o",
                                work.appendingPathComponent("out2").path, "--steps", "1", "--batch-size", "2"])
    #expect(result.status != 0 && result.stderr.contains("no {\"train\"} graph") && result.stderr.contains("--head-only"),
            "\(result.stderr)")
    result = try CLIRunner.run(["finetune", data.path, "--module", inferenceOnly.path, "-o",
                                work.appendingPathComponent("out2").path, "--steps", "1", "--batch-size", "2", "--head-only"])
    #expect(result.status == 0, "\(result.stderr)")

    // Options out of range.
    for bad in [["--optimizer", "lbfgs"], ["--dropout", "1"], ["--label-smoothing", "2"], ["--head-init", "ones"]] {
        result = try finetune(data, bad)
        #expect(result.status != 0, "\(bad)")
    }
}

/// SIGINT during training: exit status 130, no module and no temporary folder left behind.
@Test func anInterruptedFinetuneLeavesNothing() throws {
    let data = try shapes(perClass: 4, seed: 5, size: 24)
    let work = try CLIRunner.temporaryDirectory()
    defer { for f in [data, work] { try? FileManager.default.removeItem(at: f) } }
    let log = work.appendingPathComponent("metrics.jsonl")
    let process = Process()
    process.executableURL = CLIRunner.executable
    process.arguments = ["finetune", data.path, "--module", tiny.path, "-o", work.appendingPathComponent("out").path,
                         "--steps", "100000", "--batch-size", "4", "--metrics-out", log.path, "--threads", "1"]
    process.standardError = FileHandle.nullDevice
    try process.run()
    let deadline = Date().addingTimeInterval(120)
    while Date() < deadline && ((try? String(contentsOf: log, encoding: .utf8))?.count ?? 0) == 0 {
        Thread.sleep(forTimeInterval: 0.1)
    }
    kill(process.processIdentifier, SIGINT)
    process.waitUntilExit()
    #expect(process.terminationStatus == 130)
    let left = try FileManager.default.contentsOfDirectory(atPath: work.path)
    #expect(left == ["metrics.jsonl"], "\(left)")
}

private extension Array {
    /// Every second element, starting at `offset`.
    func striding(_ offset: Int) -> [Element] { stride(from: offset, to: count, by: 2).map { self[$0] } }
}
