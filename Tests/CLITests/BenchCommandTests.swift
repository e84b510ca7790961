import Foundation
import Testing
import TestSupport

private let fixture = Fixtures.url("nasnet/slim_v3_small/module")

/// A stand-in for scripts/bench_tf.py: prints the report format tfhub reads, with its own arguments as the
/// command, so the test sees what tfhub passed.
private let fakePeer = """
    import json, sys
    print(json.dumps({"command": " ".join(sys.argv[1:]), "load_seconds": 0.5, "peak_rss_bytes": 1048576,
                      "batches": [{"batch": 1, "median_ms": 100.0, "images_per_second": 10.0}]}))
    """

/// `bench --compare-tf` finds its peer script through --peer-scripts or TFHUB_BENCH_SCRIPTS from any working
/// directory (it used to search above the working directory only), and runs it with the module, batch
/// sizes and thread count of the run (issue 19).
@Test func benchFindsItsPeerScriptsThroughTheOptionOrTheEnvironment() throws {
    let folder = try CLIRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let scripts = folder.appendingPathComponent("peers")
    try FileManager.default.createDirectory(at: scripts, withIntermediateDirectories: true)
    try fakePeer.write(to: scripts.appendingPathComponent("bench_tf.py"), atomically: true, encoding: .utf8)
    let arguments = ["bench", fixture.path, "--batch", "1", "--runs", "1", "--threads", "1", "--compare-tf", "--json"]

    for (extra, environment) in [(["--peer-scripts", scripts.path], [:]), ([], ["TFHUB_BENCH_SCRIPTS": scripts.path])] {
        let result = try CLIRunner.run(arguments + extra, environment: environment.merging(["PYTHON": "python3"]) { $1 }, in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let peer = (report?["peers"] as? [String: Any])?.values.first as? [String: Any]
        let command = peer?["command"] as? String ?? ""
        #expect(command.hasPrefix(fixture.path) || command.contains("slim_v3_small"), "\(command)")
        #expect(command.contains("--batch 1") && command.contains("--threads 1") && command.contains("--runs 1"), "\(command)")
    }
}

/// A peer folder without the script, or a script that prints no report, is named in the message.
@Test func benchNamesAMissingOrBrokenPeerScript() throws {
    let folder = try CLIRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let arguments = ["bench", fixture.path, "--batch", "1", "--runs", "1", "--threads", "1", "--compare-tf"]
    let missing = try CLIRunner.run(arguments, environment: ["TFHUB_BENCH_SCRIPTS": folder.path], in: folder)
    #expect(missing.status != 0)
    #expect(missing.stderr.contains("bench_tf.py is not in \(folder.path) (the folder from TFHUB_BENCH_SCRIPTS)"), "\(missing.stderr)")

    try "print('hello')\n".write(to: folder.appendingPathComponent("bench_tf.py"), atomically: true, encoding: .utf8)
    let broken = try CLIRunner.run(arguments + ["--peer-scripts", folder.path], environment: ["PYTHON": "python3"], in: folder)
    #expect(broken.status != 0)
    #expect(broken.stderr.contains("bench_tf.py printed no benchmark report (JSON expected): hello"), "\(broken.stderr)")
}

/// A stand-in for scripts/bench_tf_gradients.py: the report format of `bench --gradients`.
private let fakeGradientPeer = """
    import json, sys
    print(json.dumps({"command": " ".join(sys.argv[1:]), "plan_seconds": 1.0, "batch": 2, "classes": 5,
                      "targets": 325, "median_ms": 100.0, "min_ms": 90.0, "max_ms": 110.0,
                      "images_per_second": 20.0, "loss": 1.5, "gradient_norm": 2.5, "peak_rss_bytes": 1048576}))
    """

/// `bench --gradients` plans and times the classifier step on the {"train"} graph (every trainable
/// variable, W and b) and passes batch, classes, threads and tags to its TensorFlow peer (issue 14).
@Test func benchGradientsTimesATrainingStepNextToItsPeer() throws {
    let folder = try CLIRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    try fakeGradientPeer.write(to: folder.appendingPathComponent("bench_tf_gradients.py"), atomically: true, encoding: .utf8)
    let result = try CLIRunner.run(
        ["bench", fixture.path, "--gradients", "--batch", "2", "--classes", "5", "--runs", "1", "--threads", "1",
         "--compare-tf", "--json", "--peer-scripts", folder.path],
        environment: ["PYTHON": "python3"], in: folder)
    #expect(result.status == 0, "\(result.stderr)")
    let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    let ours = report?["ours"] as? [String: Any]
    #expect((ours?["targets"] as? Int) == 325, "\(ours ?? [:])")
    let loss = (ours?["loss"] as? Double) ?? .nan
    #expect(loss.isFinite, "\(ours ?? [:])")
    let command = (report?["tensorflow"] as? [String: Any])?["command"] as? String ?? ""
    for part in ["--batch 2", "--classes 5", "--threads 1", "--runs 1", "--tags train"] {
        #expect(command.contains(part), "\(command)")
    }
}

/// `bench --backend` runs every call with that instruction set (here the portable C loops, which every CPU
/// has) and profiles it; an unknown name is refused with the list of names.
@Test func benchRunsTheChosenBackend() throws {
    let result = try CLIRunner.run(["bench", fixture.path, "--batch", "2", "--runs", "1", "--threads", "2",
                                    "--backend", "portable", "--profile"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("batch 2: median latency") && result.stdout.contains("profile, batch 2"))
    let bad = try CLIRunner.run(["bench", fixture.path, "--backend", "avx1"])
    #expect(bad.status != 0)
    #expect(bad.stderr.contains("avx512, avx2") || bad.stderr.contains("portable"), "\(bad.stderr)")
}
