import Foundation
import HubResolver
import Interpreter
import Logging
import Tensors
import TFProto

/// A loaded module: one graph variant (tag set) of its `saved_model.pb`, its signatures and its
/// variables, ready to run on this package's interpreter. Reads TF1 hub modules (`hub.Module`) and TF2
/// SavedModels (`hub.load`, `hub.KerasLayer`) alike; `format` says which it found.
///
/// ```swift
/// let module = try Module(url: URL(string: "https://tfhub.dev/google/imagenet/nasnet_mobile/feature_vector/1")!)
/// let (height, width) = try module.getExpectedImageSize()       // (224, 224)
/// let features = try module(images)                              // [batch, 224, 224, 3] -> [batch, 1056]
/// let outputs = try module(["images": images], signature: "image_feature_vector")
/// ```
///
/// A TF2 SavedModel offers its `signature_def` entries (e.g. `serving_default`) and, for a reusable
/// SavedModel, `__call__` (its concrete function traced with `training=False`), which is then the
/// default signature: `try module(images)` calls it as `hub.KerasLayer` does.
///
/// A `Module` is immutable once loaded and may be called from several threads at once.
public final class Module: Sendable {
    /// The local module folder the handle resolved to.
    public let directory: URL
    /// What the folder holds: a TF1 hub module, a TF1 SavedModel or a TF2 SavedModel.
    public let format: ModuleFormat
    /// The tag set of the loaded graph variant (`[]` for inference, `["train"]` for fine-tuning; TF2
    /// SavedModels: `["serve"]`).
    public let tags: Set<String>
    /// Every tag set the module offers, in file order.
    public let availableTagSets: [Set<String>]
    /// The signatures of the loaded graph variant, by name (TF2: also `__call__` when the object graph
    /// has one). Signatures that cannot be called (e.g. a ragged input) are not in it; calling one
    /// throws the reason, and `checkSignatures()` lists them.
    public let signatures: [String: Signature]
    /// The signature calls without a name run: `default` for TF1 hub modules; for TF2 SavedModels
    /// `__call__` when there is one, else `serving_default`.
    public let defaultSignatureName: String
    let unusableSignatures: [String: ModuleError]

    /// The graph variant as written, with the module's variables bound for plans optimized for inference
    /// (read as constants there); plans as written (`PlanOptions(optimize: false)`) read them from a
    /// variable store at run time, e.g. `variableValues` or a fine-tuning copy.
    public let graph: Graph
    let variables: [String: Tensor]
    /// The variable node names of the graph variant's `trainable_variables` collection, in its order
    /// (what fine-tuning updates; batch-norm moving statistics are not in it).
    public let trainableVariables: [String]
    /// The node names of the graph variant's `update_ops` collection, in its order: what training runs
    /// beside each step (batch norm's moving averages, `AssignMovingAvg`; see `Graph.variableUpdates`).
    /// Empty for the inference graph.
    public let updateOps: [String]
    /// The tensor names of the `regularization_losses` collection (e.g. TF-Slim's L2 weight decay),
    /// which training adds to its loss.
    public let regularizationLosses: [String]
    /// Kernel threads and plan-time rewrites for every call.
    public let planOptions: PlanOptions
    /// Contexts of `planOptions.threads` threads for calls that pass none, one per concurrent call.
    let contexts: ExecutionContextPool
    let imageModuleInfo: ImageModuleInfo?
    /// Node count per op type of the whole loaded graph variant (initializers included).
    public let opHistogram: [String: Int]

    /// Loads a module from a handle: a module folder, a `.tar`/`.tar.gz`/`.tgz` archive, a `file://` URL
    /// or an `http(s)://` URL (downloaded into tensorflow_hub's cache, `TFHUB_CACHE_DIR`).
    ///
    /// - Parameters:
    ///   - url: the handle.
    ///   - tags: the graph variant: `[]` (inference, the default) or `["train"]` (batch norm in training mode).
    ///     For a SavedModel without a graph tagged `[]`, `[]` picks its only graph, else its `["serve"]` one.
    ///   - resolver: how handles are resolved and cached (archive caps: `ModuleResolver.limits`).
    ///   - planOptions: kernel threads (default: `TFHUB_NUM_THREADS`, else the active processor count)
    ///     and plan-time rewrites.
    ///   - options: caps on protobuf decoding and graph size (see `LoadOptions`).
    public convenience init(
        url: URL, tags: Set<String> = [], resolver: ModuleResolver = ModuleResolver(),
        planOptions: PlanOptions = PlanOptions(), options: LoadOptions = .default
    ) throws {
        let handle = url.isFileURL ? url.path : url.absoluteString
        try self.init(handle: handle, tags: tags, resolver: resolver, planOptions: planOptions, options: options)
    }

    /// Loads a module from a handle string, exactly as tensorflow_hub spells handles (the cache folder is
    /// the SHA-1 of this string).
    public init(
        handle: String, tags: Set<String> = [], resolver: ModuleResolver = ModuleResolver(),
        planOptions: PlanOptions = PlanOptions(), options: LoadOptions = .default
    ) throws {
        let contents = try ModuleContents.load(handle: handle, tags: tags, resolver: resolver, options: options)
        self.directory = contents.directory
        self.format = contents.format
        self.tags = contents.tags
        self.availableTagSets = contents.availableTagSets
        self.signatures = contents.signatures
        self.defaultSignatureName = contents.defaultSignature
        self.unusableSignatures = contents.unusableSignatures
        self.imageModuleInfo = contents.imageModuleInfo
        self.opHistogram = contents.opHistogram
        self.graph = contents.graph
        self.variables = contents.variables
        self.trainableVariables = contents.trainableVariables
        self.updateOps = contents.updateOps
        self.regularizationLosses = contents.regularizationLosses
        self.planOptions = planOptions
        self.contexts = ExecutionContextPool(threads: planOptions.threads)
    }

    // MARK: - Signatures

    /// Signature names, sorted (e.g. `["default", "image_feature_vector"]`), including those that cannot
    /// be called.
    public var signatureNames: [String] { Set(signatures.keys).union(unusableSignatures.keys).sorted() }

    /// The signature called `name` (`nil`: the default one), or the error a call of it gives.
    func resolvedSignature(_ name: String?) throws -> Signature {
        let name = name ?? defaultSignatureName
        if let signature = signatures[name] { return signature }
        if let problem = unusableSignatures[name] { throw problem }
        throw ModuleError.noSuchSignature(name: name, available: signatureNames)
    }

    /// Planning errors of a signature with this module's file named: unsupported ops become
    /// `ModuleError.unsupportedOps` (listing each op's node and library function).
    func namingFile<T>(signature: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch PlanningError.unsupportedOps(let ops) {
            throw ModuleError.unsupportedOps(
                file: directory.appendingPathComponent(ModuleFiles.savedModelName).path, signature: signature, ops: ops)
        }
    }

    /// The signature called `name`, or `nil`.
    public func signature(_ name: String) -> Signature? { signatures[name] }

    /// Node count per op type of the part of the graph the signatures run (their outputs' fan-in,
    /// stopping at their inputs); initializers and update ops are not in it.
    public var signatureOpHistogram: [String: Int] {
        let outputs = signatures.values.flatMap { $0.outputs.values.map(\.tensorName) }
        let inputs = signatures.values.flatMap { $0.inputs.values.map(\.tensorName) }
        return graph.opHistogram(reaching: outputs, stoppingAt: inputs)
    }

    /// Op types the signatures need that this interpreter does not implement, sorted. Empty means
    /// every signature can run.
    public var unsupportedOps: [String] { Graph.unsupportedOps(in: signatureOpHistogram.keys) }

    /// The module's variables by checkpoint key (variable node name), as read from `variables/`: what
    /// a plan as written (`PlanOptions(optimize: false)`) reads at run time.
    public var variableValues: [String: Tensor] { variables }

    /// The number of variables read from the checkpoint and their total size in bytes.
    public var variableSummary: (count: Int, byteCount: Int) {
        (variables.count, variables.values.reduce(0) { $0 + ($1.storage?.byteCount ?? 0) })
    }

    // MARK: - Images

    /// The `(height, width)` images should have, by tensorflow_hub's rules: the `ImageModuleInfo`
    /// attachment first, else the `[batch, height, width, channels]` shape of the signature's image input.
    ///
    /// - Parameters:
    ///   - signature: the signature whose input to read when there is no attachment (`nil`:
    ///     `defaultSignatureName`).
    ///   - inputName: the input to read (`nil`: `images`; for a SavedModel whose signature has no
    ///     `images` input, its only input).
    public func getExpectedImageSize(signature: String? = nil, inputName: String? = nil) throws -> (height: Int, width: Int) {
        try ImageSizeRules.expectedSize(
            attachment: imageModuleInfo, signatures: signatures, signature: signature ?? defaultSignatureName,
            inputName: inputName, onlyInputFallback: format != .hubModule)
    }

    /// The number of channels of the signature's image input (`[batch, height, width, channels]`).
    public func getNumImageChannels(signature: String? = nil, inputName: String? = nil) throws -> Int {
        try ImageSizeRules.numChannels(
            signatures: signatures, signature: signature ?? defaultSignatureName, inputName: inputName,
            onlyInputFallback: format != .hubModule)
    }

    // MARK: - Calling

    /// Runs a signature.
    ///
    /// - Parameters:
    ///   - inputs: a tensor for every input of the signature, by input key (e.g. `"images"`: float32
    ///     `[batch, height, width, 3]`, NHWC, values in [0, 1]).
    ///   - name: the signature's name (argument label `signature`; `nil`: `defaultSignatureName`).
    ///   - context: the threads of this call; `nil` lends one of `planOptions.threads` threads that no
    ///     other call is using, so calls from several threads at once run side by side.
    ///   - profile: when given, receives the wall time of every kernel step, by op type.
    /// - Returns: every output of the signature, by output key.
    public func callAsFunction(
        _ inputs: [String: Tensor], signature name: String? = nil, context: ExecutionContext? = nil,
        profile: PlanProfile? = nil
    ) throws -> [String: Tensor] {
        let signature = try resolvedSignature(name)
        let name = signature.name
        var feeds: [String: Tensor] = [:]
        for (key, spec) in signature.inputs {
            guard let tensor = inputs[key] else {
                throw ModuleError.badInput(signature: name, input: key, reason: "missing; expected \(spec)")
            }
            guard spec.accepts(tensor) else {
                throw ModuleError.badInput(
                    signature: name, input: key,
                    reason: "expected \(spec), found \(tensor.elementType) \(tensor.shape)")
            }
            feeds[spec.tensorName] = tensor
        }
        if let extra = inputs.keys.first(where: { signature.inputs[$0] == nil }) {
            throw ModuleError.badInput(
                signature: name, input: extra, reason: "not an input; the signature takes \(signature.inputs.keys.sorted())")
        }
        let keys = signature.outputs.keys.sorted()
        let fetches = keys.map { signature.outputs[$0]!.tensorName }
        func run(_ context: ExecutionContext) throws -> [Tensor] {
            try graph.run(
                feeds: feeds, fetches: fetches, variables: variables, options: planOptions, context: context,
                profile: profile)
        }
        let fetched: [Tensor]
        do {
            fetched = try namingFile(signature: name) { try context.map(run) ?? contexts.withContext(run) }
        } catch ExecutionError.missingVariable(let variable) {
            throw ModuleError.missingVariableValue(name: variable, detail: checkpointDescription)
        }
        return Dictionary(uniqueKeysWithValues: zip(keys, fetched))
    }

    /// The execution plan a call of signature `name` with inputs of these types and shapes runs (planned
    /// once and cached), e.g. to inspect its step count or memory peak.
    ///
    /// - Parameters:
    ///   - name: the signature's name (argument label `signature`; `nil`: `defaultSignatureName`).
    ///   - inputs: the element type and shape of every input of the signature, by input key.
    ///   - options: how to plan (`nil`: `planOptions`); `PlanOptions(optimize: false)` plans the graph
    ///     as written, reading the module's variables at run time (pass `variableValues` to `run`).
    public func plan(
        signature name: String? = nil, inputs: [String: ValueType], options: PlanOptions? = nil
    ) throws -> ExecutionPlan {
        let signature = try resolvedSignature(name)
        let name = signature.name
        var feeds: [String: ValueType] = [:]
        for (key, spec) in signature.inputs {
            guard let type = inputs[key] else {
                throw ModuleError.badInput(signature: name, input: key, reason: "missing; expected \(spec)")
            }
            feeds[spec.tensorName] = type
        }
        let fetches = signature.outputs.keys.sorted().compactMap { signature.outputs[$0]?.tensorName }
        return try namingFile(signature: name) { try graph.plan(feeds: feeds, fetches: fetches, options: options ?? planOptions) }
    }

    /// Runs a single-input signature and returns its `default` output (or its only output), as calling
    /// a hub module does.
    ///
    /// For an image feature-vector module: `[batch, height, width, 3]` float32 in [0, 1] (NHWC) ->
    /// `[batch, features]`.
    public func callAsFunction(
        _ input: Tensor, signature name: String? = nil, context: ExecutionContext? = nil, profile: PlanProfile? = nil
    ) throws -> Tensor {
        let signature = try resolvedSignature(name)
        let name = signature.name
        guard signature.inputs.count == 1, let key = signature.inputs.keys.first else {
            throw ModuleError.badInput(
                signature: name, input: "*",
                reason: "takes \(signature.inputs.count) inputs \(signature.inputs.keys.sorted()); call it with a dictionary")
        }
        guard let outputKey = signature.defaultOutputKey else {
            throw ModuleError.noDefaultOutput(signature: name, outputs: signature.outputs.keys.sorted())
        }
        guard let output = try self([key: input], signature: name, context: context, profile: profile)[outputKey] else {
            throw ModuleError.noDefaultOutput(signature: name, outputs: signature.outputs.keys.sorted())
        }
        return output
    }
}
