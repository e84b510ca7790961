import Foundation
import TensorFlowHub

/// Exports a tuned image classifier as a TF1 hub module that tensorflow_hub 0.15 (`hub.Module(path)`)
/// and `tf.compat.v1.saved_model.loader.load` load, as does `Module(url:)`.
///
/// The export is the source module (every graph variant, e.g. `{}` and `{"train"}`) with:
/// - the body's variables replaced by new values where given (tuned weights, batch-norm moving
///   averages), by checkpoint key;
/// - a dense head on the feature vector (`image_feature_vector`'s output `default`, float32
///   `[batch, features]`): variables `classifier/weights` `[features, classes]` and `classifier/biases`
///   `[classes]` in the style of the body's variables, logits `[batch, classes]`;
/// - signatures `default` and `image_classification` (input as the source's, output `default`: the
///   logits) and `image_feature_vector` (the source's, unchanged);
/// - `assets/labels.txt`: the class names, one per line, in logit order.
///
/// Attachments (`image_module_info`), update ops and other collections are kept. The module is
/// written into a hidden temporary folder next to the output and renamed into place at the end, so
/// an interrupted export never leaves a partial module at the output path.
///
/// ```swift
/// let writer = try ClassifierModuleWriter(source: URL(fileURLWithPath: "nasnet_mobile_feature_vector"))
/// let head = ClassifierHead(weights: w, biases: b, classNames: ["cat", "dog"])  // w [1056, 2], b [2]
/// try writer.write(to: URL(fileURLWithPath: "pets"), variables: trainer.variables, head: head)
/// let tuned = try Module(url: URL(fileURLWithPath: "pets"))
/// let logits = try tuned(images, signature: "image_classification")  // [batch, 2]
/// ```
public struct ClassifierModuleWriter: Sendable {
    /// Checkpoint keys (and variable node names) of the head.
    public static let weightsKey = ClassifierHeadGraph.weightsName
    public static let biasesKey = ClassifierHeadGraph.biasesName
    /// The class names file, under `assets/`.
    public static let labelsFileName = "labels.txt"

    /// The source module folder.
    public let source: URL
    let savedModel: SavedModel

    private var savedModelPath: String { source.appendingPathComponent("saved_model.pb").path }
    private var checkpointPrefix: URL { source.appendingPathComponent("variables/variables") }

    /// Reads the source module's `tfhub_module.pb` and `saved_model.pb` (variables are read by `write`).
    public init(source: URL, limits: ProtoDecodingLimits = .default) throws {
        self.source = source
        for file in ["tfhub_module.pb", "saved_model.pb"]
        where !FileManager.default.fileExists(atPath: source.appendingPathComponent(file).path) {
            throw ModuleError.missingFile(directory: source.path, file: file)
        }
        let moduleDefURL = source.appendingPathComponent("tfhub_module.pb")
        let moduleDef = try ModuleDef(contentsOf: moduleDefURL, limits: limits)
        guard moduleDef.format == .v3 else {
            throw ModuleError.unsupportedFormat(file: moduleDefURL.path, format: moduleDef.format.rawValue)
        }
        guard moduleDef.requiredFeatures.isEmpty else {
            throw ModuleError.unsupportedFeatures(file: moduleDefURL.path, features: moduleDef.requiredFeatures)
        }
        savedModel = try SavedModel(contentsOf: source.appendingPathComponent("saved_model.pb"), limits: limits)
    }

    /// The folder `module` was loaded from.
    public init(module: Module) throws {
        try self.init(source: module.directory)
    }

    /// Writes the tuned module to `output`.
    ///
    /// - Parameters:
    ///   - output: the module folder to create (its parent folders are created if needed).
    ///   - variables: new values by checkpoint key (variable node name, e.g. `cell_0/1x1/weights`); each
    ///     must have the source checkpoint's element type and shape. Variables not given keep their values.
    ///   - head: the dense layer on the feature vector and the class names.
    ///   - overwrite: replace an existing `output` (only once the new module is complete).
    public func write(
        to output: URL, variables: [String: Tensor] = [:], head: ClassifierHead, overwrite: Bool = false
    ) throws {
        let files = FileManager.default
        if files.fileExists(atPath: output.path) && !overwrite { throw ModuleExportError.outputExists(path: output.path) }

        var model = savedModel
        var featureCount: Int?
        for index in model.metaGraphs.indices {
            let (headed, features) = try HeadedMetaGraph.adding(
                classCount: head.classCount, to: model.metaGraphs[index], file: savedModelPath)
            try head.validate(features: features)
            if let featureCount, featureCount != features {
                throw ModuleExportError.badHead(detail: "graph variants disagree on the feature count (\(featureCount), \(features))")
            }
            model.metaGraphs[index] = headed
            featureCount = features
        }
        let checkpoint = try CheckpointPlan(source: checkpointPrefix, replacements: variables)

        let temporary = output.deletingLastPathComponent()
            .appendingPathComponent(".\(output.lastPathComponent).export-\(UInt32.random(in: 0 ... .max))")
        do {
            try createFolder(temporary.appendingPathComponent("variables"))
            try ModuleDef(format: .v3).write(to: temporary.appendingPathComponent("tfhub_module.pb"))
            try model.write(to: temporary.appendingPathComponent("saved_model.pb"))
            try checkpoint.write(to: temporary.appendingPathComponent("variables/variables"), head: head)
            try writeAssets(to: temporary.appendingPathComponent("assets"), classNames: head.classNames)
            try moveIntoPlace(temporary, output)
        } catch {
            try? files.removeItem(at: temporary)
            throw error
        }
    }

    // MARK: - Files

    private func writeAssets(to folder: URL, classNames: [String]) throws {
        let sourceAssets = source.appendingPathComponent("assets")
        if FileManager.default.fileExists(atPath: sourceAssets.path) {
            if FileManager.default.fileExists(atPath: sourceAssets.appendingPathComponent(Self.labelsFileName).path) {
                throw ModuleExportError.nameClash(name: "assets/" + Self.labelsFileName, file: source.path)
            }
            do { try FileManager.default.copyItem(at: sourceAssets, to: folder) } catch {
                throw ModuleExportError.unwritable(path: folder.path, reason: error.localizedDescription)
            }
        } else {
            try createFolder(folder)
        }
        let labels = folder.appendingPathComponent(Self.labelsFileName)
        do { try Data(classNames.map { $0 + "\n" }.joined().utf8).write(to: labels) } catch {
            throw ModuleExportError.unwritable(path: labels.path, reason: error.localizedDescription)
        }
    }

    private func createFolder(_ folder: URL) throws {
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw ModuleExportError.unwritable(path: folder.path, reason: error.localizedDescription)
        }
    }

    /// Renames the finished module to `output`; an existing `output` is renamed aside first and removed
    /// only once the new module is in place (it is put back if that rename fails).
    private func moveIntoPlace(_ temporary: URL, _ output: URL) throws {
        let files = FileManager.default
        var replaced: URL?
        if files.fileExists(atPath: output.path) {
            let aside = output.deletingLastPathComponent()
                .appendingPathComponent(".\(output.lastPathComponent).replaced-\(UInt32.random(in: 0 ... .max))")
            do { try files.moveItem(at: output, to: aside) } catch {
                throw ModuleExportError.unwritable(path: output.path, reason: error.localizedDescription)
            }
            replaced = aside
        }
        do { try files.moveItem(at: temporary, to: output) } catch {
            if let replaced { try? files.moveItem(at: replaced, to: output) }
            throw ModuleExportError.unwritable(path: output.path, reason: error.localizedDescription)
        }
        if let replaced { try? files.removeItem(at: replaced) }
    }
}
