import Foundation

// MARK: - Fuzz targets

/// The inputs `scripts/fuzz` feeds to libFuzzer, one function per parser. Each takes arbitrary bytes,
/// must return normally for every input (typed errors are caught and ignored) and must never crash,
/// hang or allocate without bound. The `fuzz-*` executables call these from `LLVMFuzzerTestOneInput`;
/// the hardening tests replay the seed corpora and regression inputs through them.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// `saved_model.pb` (a `SavedModel`): decoding, then a `Graph` from every MetaGraphDef, then a
    /// whole `Module` load from a folder holding the bytes; also the bytes as `tfhub_module.pb`.
    case savedmodel
    /// A tensor bundle: `[u32 little-endian index length][index bytes][data shard bytes]`.
    case bundle
    /// A `.tar.gz` / `.tar` module archive resolved through `ModuleResolver` into a private cache.
    case archive
    /// A `GraphDef`, planned with its placeholders fed and a few nodes fetched.
    case graph
    /// A `.npy` file (what `tfhub run` reads), decoded and encoded again.
    case npy
    /// A JPEG or PNG file (what `tfhub embed` reads), decoded under a 1 Mpixel cap and resized.
    case image

    /// Runs one input.
    public func run(_ bytes: UnsafeRawBufferPointer) {
        switch self {
        case .savedmodel: SavedModelTarget.run(bytes)
        case .bundle: BundleTarget.run(bytes)
        case .archive: ArchiveTarget.run(bytes)
        case .graph: GraphTarget.run(bytes)
        case .npy: InputFileTargets.npy(bytes)
        case .image: InputFileTargets.image(bytes)
        }
    }

    /// Removes the per-process scratch folder (call once, at exit).
    public static func cleanUp() { Scratch.removeAll() }

    /// Runs one input held in an array.
    public func run(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { run($0) }
    }
}

// MARK: - Scratch space

/// A per-process scratch folder on tmpfs when there is one (fuzz inputs are written to files for the
/// parsers that read files). Removed at exit.
enum Scratch {
    static let root: URL = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let url = URL(fileURLWithPath: base, isDirectory: true)
            .appendingPathComponent("tfhub-fuzz-\(getpid())-\(UInt32.random(in: 0 ... .max))", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        // libFuzzer ends a timed run with exit(), which runs this; a crash leaves the folder behind.
        atexit { Scratch.removeAll() }
        return url
    }()

    /// Replaces the file's content in place (plain POSIX calls: `FileManager.createFile` writes a temp
    /// file and renames it, which halves the executions per second of the file-based targets).
    static func write(_ bytes: UnsafeRawBufferPointer, to url: URL) {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count, let base = bytes.baseAddress {
            let written = Foundation.write(fd, base + offset, bytes.count - offset)
            if written <= 0 { return }
            offset += written
        }
    }

    static func removeAll() {
        try? FileManager.default.removeItem(at: root)
    }
}
