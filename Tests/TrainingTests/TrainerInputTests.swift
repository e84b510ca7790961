import Foundation
import TensorFlowHubTraining
import Tensors
import Testing
import TestSupport

/// What the trainer refuses, and how it says so.
struct TrainerInputTests {
    let tiny = Fixtures.url("training/tiny_slim/module")

    @Test func trainingTheBodyNeedsTheTrainGraph() throws {
        let inference = try Module(url: tiny)
        #expect {
            _ = try ClassifierTrainer(module: inference, options: FineTuningOptions(classes: 3, batchSize: 2))
        } throws: { error in
            guard case TrainingError.noTrainingGraph(let module, let available) = error else { return false }
            return module.hasSuffix("tiny_slim/module") && available.contains(["train"])
                && "\(error)".contains("--head-only")
        }
        // The head alone trains on the inference graph.
        let headOnly = try ClassifierTrainer(module: inference, options: FineTuningOptions(classes: 3, batchSize: 2, trainsBody: false))
        #expect(headOnly.trainedVariables == ["classifier/weights", "classifier/biases"])
        #expect(headOnly.updates.isEmpty)
    }

    @Test func aModuleWithoutATrainGraphIsNamed() throws {
        // Copy the tiny module keeping only its {} graph.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("no-train-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: tiny, to: folder)
        var model = try SavedModel(contentsOf: folder.appendingPathComponent("saved_model.pb"))
        model.metaGraphs.removeAll { $0.metaInfoDef.tags == ["train"] }
        try Data(model.serializedBytes()).write(to: folder.appendingPathComponent("saved_model.pb"))
        #expect {
            _ = try ClassifierTrainer(url: folder, options: FineTuningOptions(classes: 3, batchSize: 2))
        } throws: { error in
            guard case TrainingError.noTrainingGraph(_, let available) = error else { return false }
            return available == [[]]
        }
    }

    @Test func optionsOutOfRangeAreRefusedByName() throws {
        let module = try Module(url: tiny, tags: ["train"])
        let cases: [(FineTuningOptions, String)] = [
            (FineTuningOptions(classes: 1), "classes"),
            (FineTuningOptions(classes: 3, batchSize: 0), "batchSize"),
            (FineTuningOptions(classes: 3, dropoutRate: 1), "dropoutRate"),
            (FineTuningOptions(classes: 3, labelSmoothing: -0.1), "labelSmoothing"),
            (FineTuningOptions(classes: 3, learningRate: .exponentialDecay(initial: 0.1, decaySteps: 0, rate: 0.5)), "decaySteps"),
        ]
        for (options, name) in cases {
            #expect {
                _ = try ClassifierTrainer(module: module, options: options)
            } throws: { error in
                guard case TrainingError.badOption(let option, _, _) = error else { return false }
                return option == name
            }
        }
    }

    @Test func badBatchesAreRefusedWithoutChangingTheState() throws {
        let module = try Module(url: tiny, tags: ["train"])
        let trainer = try ClassifierTrainer(module: module, options: FineTuningOptions(classes: 3, batchSize: 2))
        let images = Fixtures.formulaImages(batch: 2, height: 24, width: 24)
        let before = trainer.variables
        #expect(throws: TrainingError.self) { try trainer.step(images: images, labels: [0, 3]) }
        #expect(throws: TrainingError.self) { try trainer.step(images: images, labels: [0]) }
        #expect(throws: TrainingError.self) {
            try trainer.step(images: Fixtures.formulaImages(batch: 3, height: 24, width: 24), labels: [0, 1, 2])
        }
        #expect(trainer.stepCount == 0)
        #expect(trainer.variables.keys.sorted() == before.keys.sorted())
        let loss = try trainer.step(images: images, labels: [0, 2])
        #expect(loss.isFinite && trainer.stepCount == 1)
    }

    @Test func theTinyModuleHasUpdateOpsAndRegularizationLosses() throws {
        let module = try Module(url: tiny, tags: ["train"])
        #expect(module.updateOps.count == 4)
        #expect(module.regularizationLosses.count == 2)
        let updates = try module.graph.variableUpdates(module.updateOps)
        #expect(Set(updates.map(\.variable)) == ["conv1/BatchNorm/moving_mean", "conv1/BatchNorm/moving_variance",
                                                  "conv2/BatchNorm/moving_mean", "conv2/BatchNorm/moving_variance"])
        #expect(updates.allSatisfy { $0.kind == .subtract })
        #expect(throws: PlanningError.self) { try module.graph.variableUpdates(["conv1/weights", "no/such/node"]) }
    }
}
