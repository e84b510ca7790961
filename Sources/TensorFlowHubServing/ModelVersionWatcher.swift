import Foundation
import Logging
import TensorFlowHub

/// Watches a TF Serving model base path (`DIR/<version>/`) and, when a higher version appears, loads it
/// and swaps it in for the model's name. Requests keep being answered throughout: those that started
/// on the old version finish on it, later ones get the new one. A version that fails to load (a folder
/// still being copied, say) is logged once and tried again at every poll; the old version stays served.
public struct ModelVersionWatcher: Sendable {
    public let basePath: String
    public let name: String
    /// Time between two scans of `basePath`.
    public let pollInterval: Duration
    /// Loads the module of a version folder.
    public let load: @Sendable (String) throws -> Module

    public init(basePath: String, name: String, pollInterval: Duration, load: @escaping @Sendable (String) throws -> Module) {
        self.basePath = basePath
        self.name = name
        self.pollInterval = pollInterval
        self.load = load
    }

    /// Polls until the task is cancelled.
    func run(repository: ModelRepository, logger: Logger) async {
        var failed: Set<Int> = []
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: pollInterval)
            } catch {
                return
            }
            guard let latest = try? ModelBasePath.latest(in: basePath),
                latest.version > (repository.latestVersion(of: name) ?? Int.min)
            else { continue }
            do {
                let module = try await Self.onThread { [load] in try load(latest.directory) }
                repository.replaceVersions(with: ServedModel(name: name, version: latest.version, module: module))
                failed.remove(latest.version)
                logger.info("serving new version", metadata: ["model": "\(name)", "version": "\(latest.version)"])
            } catch {
                if failed.insert(latest.version).inserted {
                    logger.warning("new version failed to load; the old one stays served", metadata: [
                        "model": "\(name)", "version": "\(latest.version)", "error": "\(error)",
                    ])
                }
            }
        }
    }

    /// Runs blocking work (reading and planning a module) on a thread of its own, off Swift's pool.
    private static func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                do { continuation.resume(returning: try work()) } catch { continuation.resume(throwing: error) }
            }.start()
        }
    }
}
