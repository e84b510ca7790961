import ArgumentParser
import Dispatch
import Foundation
import Synchronization
import TensorFlowHubTraining

/// `tfhub finetune`: a folder of labelled images in, a tuned classifier out, as a hub module.
struct Finetune: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fine-tune a module as an image classifier on a folder of labelled images; export a hub module.",
        discussion: """
            DATA_DIR holds one subfolder of JPEG/PNG images per class (make_image_classifier's layout): class \
            names are the subfolder names, sorted, and a class's label is its index. Unreadable images are \
            skipped and counted. Images are decoded to [0, 1] and resized to the module's expected size as \
            `tfhub embed` does; with augmentation (the default) each is first cropped to a random 80-100 % of \
            each side and flipped horizontally at random.

            Each step runs the module's {"train"} graph (batch norm on batch statistics, moving averages \
            updated, the module's regularization losses added to the mean cross-entropy) and moves the module's \
            trainable variables and the head with the optimizer (TF1's update rules). --head-only trains only \
            the head on the inference graph's features. Step i takes examples [i*B, i*B+B) of the example \
            stream, which runs through the training examples epoch after epoch (each epoch shuffled from \
            --seed, or sorted by class/file with --no-shuffle).

            The result is written to OUT_DIR as a TF1 hub module (signatures default and \
            image_classification: logits [batch, classes]; image_feature_vector; assets/labels.txt) that \
            tensorflow_hub loads, through a temporary folder renamed at the end: an interrupted run (SIGINT) \
            leaves nothing behind. --metrics-out writes one JSON object per step ({"step": n, "loss": x}) and \
            per epoch with a validation split ({"epoch": e, "step": n, "validation_accuracy": a}).
            """)

    @Argument(help: ArgumentHelp("Folder with one subfolder of images per class.", valueName: "DATA_DIR"))
    var dataDirectory: String

    @Option(help: "Module handle (default: the shipped NASNet-A mobile module).")
    var module: String?

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("The hub module folder to write.", valueName: "OUT_DIR"))
    var output: String

    @Flag(help: "Replace OUT_DIR if it exists.")
    var overwrite = false

    @Option(help: "Training steps (default: --epochs passes over the training examples).")
    var steps: Int?

    @Option(help: "Passes over the training examples, when --steps is not given (steps: ceil(epochs * examples / batch)).")
    var epochs = 5

    @Option(help: "Images per step.")
    var batchSize = 32

    @Option(help: "sgd, momentum, adam or rmsprop (TF1's GradientDescent, Momentum, Adam, RMSProp).")
    var optimizer = "momentum"

    @Option(help: "Learning rate (of the first step, with --decay-steps).")
    var learningRate: Float = 0.005

    @Option(help: "Momentum of momentum and rmsprop.")
    var momentum: Float = 0.9

    @Option(help: "Exponential decay: the rate is multiplied by --decay-rate every --decay-steps steps.")
    var decaySteps: Int?

    @Option(help: "Exponential decay factor per --decay-steps.")
    var decayRate: Float = 0.94

    @Option(help: "Label smoothing of the cross-entropy, in [0, 1].")
    var labelSmoothing: Double = 0

    @Option(help: "Dropout rate on the features before the head, in [0, 1).")
    var dropout: Double = 0

    @Option(help: "Initial head weights: zeros or glorot.")
    var headInit = "zeros"

    enum BodyTraining: String, EnumerableFlag {
        case trainBody, headOnly

        static func help(for value: Self) -> ArgumentHelp? {
            value == .trainBody ? "Train the module's variables too (the default; its {\"train\"} graph)."
                : "Train only the head, on the inference graph's features."
        }
    }

    @Flag var bodyTraining: BodyTraining = .trainBody
    var trainBody: Bool { bodyTraining == .trainBody }

    @Flag(help: "Take the examples in sorted order (class/file) instead of a shuffled order per epoch.")
    var noShuffle = false

    @Flag(help: "No random crop and flip.")
    var noAugment = false

    @Option(help: "Fraction of each class held out for validation accuracy after every epoch.")
    var validationSplit: Double = 0

    @Option(help: "Seed of the shuffling, augmentation, head initializer and dropout.")
    var seed: Int64 = 1

    @Option(help: ArgumentHelp("Write per-step loss and per-epoch validation accuracy here.", valueName: "FILE.jsonl"))
    var metricsOut: String?

    @Option(help: "Kernel threads (default: TFHUB_NUM_THREADS, else every processor).")
    var threads: Int?

    @OptionGroup var moduleOptions: ModuleOptions

    func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
        guard steps.map({ $0 > 0 }) ?? true, epochs > 0 else { throw ValidationError("--steps and --epochs must be positive") }
        guard ["sgd", "momentum", "adam", "rmsprop"].contains(optimizer) else {
            throw ValidationError("--optimizer must be sgd, momentum, adam or rmsprop (got '\(optimizer)')")
        }
        guard learningRate > 0, learningRate.isFinite else { throw ValidationError("--learning-rate must be positive") }
        guard (0...1).contains(labelSmoothing) else { throw ValidationError("--label-smoothing must be in [0, 1]") }
        guard (0..<1).contains(dropout) else { throw ValidationError("--dropout must be in [0, 1)") }
        guard ["zeros", "glorot"].contains(headInit) else { throw ValidationError("--head-init must be zeros or glorot") }
        guard (0..<1).contains(validationSplit) else { throw ValidationError("--validation-split must be in [0, 1)") }
        guard decaySteps.map({ $0 > 0 }) ?? true else { throw ValidationError("--decay-steps must be positive") }
        guard threads.map({ (1...256).contains($0) }) ?? true else { throw ValidationError("--threads must be in 1...256") }
        if let metricsOut, !metricsOut.hasSuffix(".jsonl") { throw ValidationError("--metrics-out must end in .jsonl") }
    }

    var fineTuningOptions: FineTuningOptions {
        let chosen: Optimizer
        switch optimizer {
        case "sgd": chosen = .gradientDescent
        case "adam": chosen = .adam()
        case "rmsprop": chosen = .rmsProp(decay: 0.9, momentum: momentum, epsilon: 1e-10)
        default: chosen = .momentum(momentum)
        }
        let rate: LearningRateSchedule = decaySteps.map {
            .exponentialDecay(initial: learningRate, decaySteps: $0, rate: decayRate)
        } ?? .constant(learningRate)
        return FineTuningOptions(
            classes: 2, batchSize: batchSize, optimizer: chosen, learningRate: rate, labelSmoothing: labelSmoothing,
            dropoutRate: dropout, headInitialization: headInit == "glorot" ? .glorotUniform : .zeros, trainsBody: trainBody,
            seed: seed)
    }

    func run() throws {
        // Everything that can be refused is refused before the first image is decoded.
        let destination = try ModuleDestination(checking: output, overwrite: overwrite)
        let metricsFile = try metricsOut.map { try OutputFile(checking: $0) }
        let dataset = try ImageFolderDataset(directory: URL(fileURLWithPath: dataDirectory))
        for (path, reason) in dataset.skipped { printError("skipped \(path): \(reason)") }
        let (training, validation) = dataset.split(validationFraction: validationSplit)
        guard !training.isEmpty else { throw ValidationError("no training examples left after the validation split") }
        if validationSplit > 0 && validation.isEmpty {
            throw ValidationError("--validation-split \(validationSplit) leaves no validation example; use a larger fraction")
        }
        printError("\(dataset.classNames.count) classes (\(dataset.classNames.joined(separator: ", "))), "
                   + "\(training.count) training and \(validation.count) validation images"
                   + (dataset.skipped.isEmpty ? "" : ", \(dataset.skipped.count) files skipped"))

        var options = fineTuningOptions
        options.classes = dataset.classNames.count
        let planOptions = PlanOptions(threads: threads ?? PlanOptions.defaultThreadCount)
        let handle = try module ?? DefaultModule.handle()
        let trainer = try ClassifierTrainer(
            url: URL(string: handle).flatMap { $0.scheme == nil ? nil : $0 } ?? URL(fileURLWithPath: handle),
            options: options, resolver: moduleOptions.resolver, planOptions: planOptions)
        let inference = trainer.module.tags.isEmpty
            ? trainer.module : try Module(handle: handle, resolver: moduleOptions.resolver, planOptions: planOptions)
        let evaluator = validation.isEmpty ? nil
            : try ClassifierEvaluator(module: inference, trainer: trainer, batchSize: batchSize, threads: planOptions.threads)

        let schedule = TrainingSchedule(examples: training, batchSize: batchSize, shuffles: !noShuffle, seed: UInt64(bitPattern: seed))
        // --epochs E: E passes over the training examples, the last batch completed from the next pass.
        let totalSteps = steps ?? (epochs * training.count + batchSize - 1) / batchSize
        let loader = ImageBatchLoader(height: trainer.imageShape[1], width: trainer.imageShape[2], augments: !noAugment)
        let metrics = try MetricsLog(file: metricsFile)
        let interruption = Interruption()
        let context = ExecutionContext(threads: planOptions.threads)
        let progress = TrainingProgress(totalSteps: totalSteps, batchSize: batchSize)
        var prefetched = BatchPrefetch(schedule: schedule, loader: loader, seed: UInt64(bitPattern: seed))
        prefetched.start(step: 0)
        for step in 0..<totalSteps {
            let images = try prefetched.take()
            if step + 1 < totalSteps { prefetched.start(step: step + 1) }
            let loss = try trainer.step(images: images, labels: schedule.batch(step).map(\.label), context: context)
            try metrics.append(["step": .int(step + 1), "loss": .float(Double(loss))])
            progress.advance(loss: loss)
            if interruption.happened {
                progress.finish()
                printError("interrupted after \(step + 1) steps; nothing was written to \(output)")
                throw ExitCode(130)
            }
            let endsEpoch = schedule.epoch(ofStep: step + 1) != schedule.epoch(ofStep: step) || step + 1 == totalSteps
            if let evaluator, endsEpoch {
                let accuracy = try Self.accuracy(of: evaluator, trainer: trainer, on: validation, loader: loader, context: context)
                try metrics.append(["epoch": .int(schedule.epoch(ofStep: step) + 1), "step": .int(step + 1),
                                    "validation_accuracy": .float(accuracy)])
                progress.note(String(format: "epoch %d: validation accuracy %.4f", schedule.epoch(ofStep: step) + 1, accuracy))
            }
        }
        progress.finish()
        let head = ClassifierHead(weights: trainer.headWeights, biases: trainer.headBiases, classNames: dataset.classNames)
        try ClassifierModuleWriter(module: inference).write(
            to: destination.url, variables: trainer.moduleVariables, head: head, overwrite: overwrite)
        printError("wrote \(output) (\(dataset.classNames.count) classes, \(totalSteps) steps)")
        if interruption.happened { throw ExitCode(130) }
    }

    /// The share of `examples` whose highest logit is their label (batches padded by repeating the last
    /// example; padding is not counted).
    static func accuracy(
        of evaluator: ClassifierEvaluator, trainer: ClassifierTrainer, on examples: [ImageFolderDataset.Example],
        loader: ImageBatchLoader, context: ExecutionContext
    ) throws -> Double {
        let plain = ImageBatchLoader(height: loader.height, width: loader.width, augments: false, pixelLimit: loader.pixelLimit)
        var correct = 0
        var start = 0
        while start < examples.count {
            let chunk = Array(examples[start..<min(start + evaluator.batchSize, examples.count)])
            let padded = chunk + Array(repeating: chunk[chunk.count - 1], count: evaluator.batchSize - chunk.count)
            let logits = try evaluator.logits(images: try plain.load(padded, seed: 0), variables: trainer.variables,
                                              context: context).scalars(as: Float.self)
            let classes = logits.count / evaluator.batchSize
            for (row, example) in chunk.enumerated() {
                let scores = logits[(row * classes)..<((row + 1) * classes)]
                if scores.indices.max(by: { scores[$0] < scores[$1] }).map({ $0 - row * classes }) == example.label { correct += 1 }
            }
            start += chunk.count
        }
        return Double(correct) / Double(examples.count)
    }
}

/// SIGINT noticed between steps, instead of ending the process in the middle of a write.
// @unchecked: the flag is atomic; the signal source is only kept alive here, never touched after init.
final class Interruption: @unchecked Sendable {
    private let flag = Atomic<Bool>(false)
    private var source: (any DispatchSourceSignal)?

    init() {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [weak self] in self?.flag.store(true, ordering: .relaxed) }
        source.resume()
        self.source = source
    }

    var happened: Bool { flag.load(ordering: .relaxed) }
}
