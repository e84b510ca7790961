import Foundation

// MARK: - Replay driver

/// What a `fuzz-*` executable does when built without libFuzzer: runs every file named on the command
/// line (folders: every file inside) through the target and prints how many ran. A crash on an input
/// shows which one (its path is printed before it runs with `--verbose`).
public enum FuzzReplay {
    public static func main(target: FuzzTarget) {
        let arguments = CommandLine.arguments.dropFirst()
        let verbose = arguments.contains("--verbose")
        var files: [String] = []
        for argument in arguments where argument != "--verbose" {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: argument, isDirectory: &isFolder) else {
                FileHandle.standardError.write(Data("fuzz-\(target.rawValue): no such file \(argument)\n".utf8))
                exit(2)
            }
            if isFolder.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: argument)) ?? []
                files += names.sorted().map { argument + "/" + $0 }
            } else {
                files.append(argument)
            }
        }
        for file in files {
            if verbose { print(file) }
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            target.run([UInt8](data))
        }
        FuzzTarget.cleanUp()
        print("fuzz-\(target.rawValue): replayed \(files.count) inputs")
    }
}
