import Foundation
import ImageInput

/// Labelled images in `make_image_classifier`'s layout: one subfolder per class, holding that class's
/// JPEG and PNG files. Class names are the subfolder names, sorted; a class's label is its index.
/// Examples are sorted by relative path (`class/file`).
public struct ImageFolderDataset: Sendable {
    public struct Example: Sendable, Hashable {
        public let url: URL
        /// `class/file`, as listed.
        public let relativePath: String
        public let label: Int
    }

    public let directory: URL
    public let classNames: [String]
    /// Every readable example, sorted by relative path.
    public let examples: [Example]
    /// Files that were skipped: not JPEG/PNG, or not decodable (with the reason).
    public let skipped: [(path: String, reason: String)]

    /// Lists the folder and decodes every image once to check that it is readable (unreadable files are
    /// skipped and listed in `skipped`).
    ///
    /// - Throws: `DatasetError` for a missing folder, fewer than two class folders, or a class folder
    ///   without a readable image.
    public init(directory: URL, pixelLimit: Int = ImageDecoder.defaultPixelLimit) throws {
        self.directory = directory
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DatasetError.notAFolder(path: directory.path)
        }
        let entries = (try? manager.contentsOfDirectory(atPath: directory.path)) ?? []
        let classNames = entries.filter { name in
            var isFolder: ObjCBool = false
            return !name.hasPrefix(".")
                && manager.fileExists(atPath: directory.appendingPathComponent(name).path, isDirectory: &isFolder)
                && isFolder.boolValue
        }.sorted()
        guard classNames.count >= 2 else {
            throw DatasetError.tooFewClasses(path: directory.path, found: classNames)
        }
        var examples: [Example] = []
        var skipped: [(String, String)] = []
        for (label, name) in classNames.enumerated() {
            let folder = directory.appendingPathComponent(name)
            let files = ((try? manager.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
            var count = 0
            for file in files {
                let url = folder.appendingPathComponent(file)
                let relative = "\(name)/\(file)"
                let lowered = file.lowercased()
                guard [".jpg", ".jpeg", ".png"].contains(where: lowered.hasSuffix) else {
                    skipped.append((relative, "not a JPEG or PNG file"))
                    continue
                }
                do {
                    _ = try ImageDecoder.decode(contentsOf: url, pixelLimit: pixelLimit)
                } catch {
                    skipped.append((relative, "\(error)"))
                    continue
                }
                examples.append(Example(url: url, relativePath: relative, label: label))
                count += 1
            }
            if count == 0 { throw DatasetError.emptyClass(path: folder.path, skipped: files.count) }
        }
        self.classNames = classNames
        self.examples = examples.sorted { $0.relativePath.utf8.lexicographicallyPrecedes($1.relativePath.utf8) }
        self.skipped = skipped
    }

    /// Splits off `fraction` of each class's examples (the first ones in sorted order, as Keras'
    /// `validation_split` does) for validation.
    public func split(validationFraction fraction: Double) -> (training: [Example], validation: [Example]) {
        guard fraction > 0 else { return (examples, []) }
        var training: [Example] = [], validation: [Example] = []
        for label in classNames.indices {
            let members = examples.filter { $0.label == label }
            let count = Int((Double(members.count) * fraction).rounded(.down))
            validation += members.prefix(count)
            training += members.dropFirst(count)
        }
        let order = { (a: Example, b: Example) in a.relativePath.utf8.lexicographicallyPrecedes(b.relativePath.utf8) }
        return (training.sorted(by: order), validation.sorted(by: order))
    }
}

/// Why a folder cannot be used as a labelled image set; each case names the folder.
public enum DatasetError: Error, CustomStringConvertible, Sendable, Equatable {
    case notAFolder(path: String)
    case tooFewClasses(path: String, found: [String])
    case emptyClass(path: String, skipped: Int)
    case tooFewExamples(reason: String)

    public var description: String {
        switch self {
        case .notAFolder(let path):
            return "\(path) is not a folder (expected one subfolder of images per class)"
        case .tooFewClasses(let path, let found):
            return "\(path) has \(found.count) class folder\(found.count == 1 ? "" : "s")\(found.isEmpty ? "" : " (\(found.joined(separator: ", ")))"); "
                + "a classifier needs at least 2 (one subfolder of images per class)"
        case .emptyClass(let path, let skipped):
            return "class folder \(path) has no readable JPEG or PNG image"
                + (skipped > 0 ? " (\(skipped) file\(skipped == 1 ? "" : "s") skipped)" : "")
        case .tooFewExamples(let reason):
            return reason
        }
    }
}
