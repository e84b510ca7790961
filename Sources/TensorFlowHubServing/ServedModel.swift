import Foundation
import Synchronization
import TensorFlowHub

/// One loaded version of a model the server answers for.
public struct ServedModel: Sendable {
    /// The name clients use in `/v1/models/NAME` and `/v2/models/NAME`.
    public let name: String
    /// The version (`DIR/<version>/` under `--model-base-path`; 1 for a single handle).
    public let version: Int
    /// The loaded module.
    public let module: Module

    public init(name: String, version: Int, module: Module) {
        self.name = name
        self.version = version
        self.module = module
    }

    /// The signature a request asks for: `requested`, else `defaultName`; TF Serving's
    /// `serving_default` means `defaultName` when the module has no signature of that name.
    func signature(_ requested: String?, defaultName: String) throws -> (name: String, signature: Signature) {
        var name = requested.flatMap { $0.isEmpty ? nil : $0 } ?? defaultName
        if module.signature(name) == nil, name == "serving_default" { name = defaultName }
        // No signature asked for, and the module has no `defaultName` (a TF2 SavedModel): TF Serving's
        // `serving_default`, else the module's own default (`__call__`).
        if requested.map({ $0.isEmpty || $0 == "serving_default" }) ?? true, module.signature(name) == nil {
            name = module.signature("serving_default") != nil ? "serving_default" : module.defaultSignatureName
        }
        guard let signature = module.signature(name) else {
            throw ServingError.unknownSignature(model: self.name, signature: name, available: module.signatureNames)
        }
        return (name, signature)
    }
}

/// The models a server answers for, by name; the highest version of each is the default. Versions can
/// be swapped while the server runs (`ModelVersionWatcher`): a request keeps the version it started with.
public final class ModelRepository: Sendable {
    private let state: Mutex<[String: [Int: ServedModel]]>

    public init(_ models: [ServedModel]) {
        var byName: [String: [Int: ServedModel]] = [:]
        for model in models { byName[model.name, default: [:]][model.version] = model }
        state = Mutex(byName)
    }

    /// Versions of each model, by name (a snapshot).
    public var models: [String: [Int: ServedModel]] { state.withLock { $0 } }

    /// Model names, sorted.
    public var names: [String] { models.keys.sorted() }

    /// Serves `model` as the only version of its name from now on (TF Serving's "latest" policy);
    /// requests already running finish on the version they started with.
    public func replaceVersions(with model: ServedModel) {
        state.withLock { $0[model.name] = [model.version: model] }
    }

    /// The highest version served under `name`, or `nil`.
    public func latestVersion(of name: String) -> Int? { state.withLock { $0[name]?.keys.max() } }

    /// The model `name` at `version` (a decimal string; `nil`: the highest served).
    func model(_ name: String, version: String?) throws -> ServedModel {
        let snapshot = models
        guard let versions = snapshot[name] else {
            throw ServingError.unknownModel(name: name, available: snapshot.keys.sorted())
        }
        let available = versions.keys.sorted()
        guard let version else { return versions[available.last!]! }
        guard let number = Int(version), let model = versions[number] else {
            throw ServingError.unknownVersion(model: name, version: version, available: available)
        }
        return model
    }
}

/// Why a `--model-base-path` folder could not be served.
public enum ModelSourceError: Error, Sendable, CustomStringConvertible {
    /// The folder has no `<version>/` subfolder with a numeric name.
    case noVersions(path: String)
    /// The folder cannot be listed.
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .noVersions(let path):
            return "\(path) holds no version folder; expected \(path)/<version>/ with a numeric version (e.g. 1/) holding a module"
        case .unreadable(let path, let reason): return "cannot list \(path): \(reason)"
        }
    }
}

/// TF Serving's model base path: `DIR/<version>/` module folders, numeric versions.
public enum ModelBasePath {
    /// The numeric version folders of `path`, ascending.
    public static func versions(in path: String) throws -> [Int] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw ModelSourceError.unreadable(path: path, reason: "\(error.localizedDescription)")
        }
        let versions = names.compactMap { name -> Int? in
            guard let number = Int(name), number >= 0, String(number) == name else { return nil }
            var isDirectory: ObjCBool = false
            let full = (path as NSString).appendingPathComponent(name)
            return FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory) && isDirectory.boolValue
                ? number : nil
        }
        guard !versions.isEmpty else { throw ModelSourceError.noVersions(path: path) }
        return versions.sorted()
    }

    /// The folder of the highest version under `path` (symbolic links resolved) and that version.
    public static func latest(in path: String) throws -> (version: Int, directory: String) {
        let version = try versions(in: path).last!
        let folder = URL(fileURLWithPath: path).appendingPathComponent(String(version))
        return (version, folder.resolvingSymlinksInPath().path)
    }
}
