// bundle-bench: times reading every tensor of a bundle with TensorBundle (CRC checks included), or with
// `write` writing them all again with BundleWriter (tensors read beforehand, in key order, into a
// temporary folder; index and data file, temp files renamed into place).
// Usage: bundle-bench <prefix> [runs] [write]
// Prints one line per run: `run <n> seconds <wall> tensors <count> bytes <total> cpu <process CPU seconds>`.
import Foundation
import TensorBundle

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: bundle-bench <prefix> [runs]\n".utf8))
    exit(2)
}
let prefix = URL(fileURLWithPath: arguments[1])
let runs = arguments.count >= 3 ? Int(arguments[2]) ?? 3 : 3
let writing = arguments.count >= 4 && arguments[3] == "write"

/// CPU time of this process (all threads), in seconds.
func processCPUSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

if writing {
    do {
        let reader = try BundleReader(prefix: prefix)
        let tensors = try reader.keys.map { try reader.tensor(forKey: $0) }
        let bytes = tensors.reduce(0) { $0 + $1.bytes.count + ((try? $1.strings().reduce(0) { $0 + $1.count }) ?? 0) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bundle-bench-" + UUID().uuidString)
        defer { try? FileManager.default.removeItem(at: folder) }
        for run in 1 ... max(runs, 1) {
            let cpuStart = processCPUSeconds()
            let start = DispatchTime.now().uptimeNanoseconds
            let writer = try BundleWriter(prefix: folder.appendingPathComponent("run\(run)/variables"))
            for tensor in tensors { try writer.add(tensor) }
            try writer.finish()
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let cpu = processCPUSeconds() - cpuStart
            print("run \(run) seconds \(seconds) tensors \(tensors.count) bytes \(bytes) cpu \(cpu)")
        }
    } catch {
        FileHandle.standardError.write(Data("bundle-bench: \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}

for run in 1 ... max(runs, 1) {
    do {
        let cpuStart = processCPUSeconds()
        let start = DispatchTime.now().uptimeNanoseconds
        // Time to all tensors: open, then read (map, verify CRC, assemble/convert) every key.
        let reader = try BundleReader(prefix: prefix)
        var bytes = 0
        var checksum: UInt8 = 0
        for key in reader.keys {
            let tensor = try reader.tensor(forKey: key)
            tensor.withUnsafeBytes { raw in
                bytes += raw.count
                if let last = raw.last { checksum ^= last }
            }
            if tensor.dtype == .string { bytes += try tensor.strings().reduce(0) { $0 + $1.count } }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let cpu = processCPUSeconds() - cpuStart
        print("run \(run) seconds \(seconds) tensors \(reader.keys.count) bytes \(bytes) cpu \(cpu) xor \(checksum)")
    } catch {
        FileHandle.standardError.write(Data("bundle-bench: \(error)\n".utf8))
        exit(1)
    }
}
