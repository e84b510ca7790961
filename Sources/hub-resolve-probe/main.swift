// Test support: resolves one handle in its own process and prints the module folder.
// Usage: hub-resolve-probe HANDLE [--stale-lock-timeout SECONDS] [--network-timeout SECONDS]
//                                 [--max-total BYTES] [--max-entry BYTES] [--max-entries N] [--report-cpu 1]
// With --report-cpu 1 it also prints "cpu-seconds S" (user + system time of the process) on stderr.
// The cache comes from TFHUB_CACHE_DIR like any resolver. Exit 0 and the folder on stdout, or exit 1
// and the error on stderr. Used by the resolver tests to run several real processes at once.
import Foundation
import HubResolver
import Logging

LoggingSystem.bootstrap { label in StreamLogHandler.standardError(label: label) }

var arguments = Array(CommandLine.arguments.dropFirst())
guard let handle = arguments.first else {
    FileHandle.standardError.write(Data("usage: hub-resolve-probe HANDLE [options]\n".utf8))
    exit(2)
}
var options: [String: Double] = [:]
var index = 1
while index + 1 < arguments.count {
    guard let value = Double(arguments[index + 1]) else { break }
    options[arguments[index]] = value
    index += 2
}

var limits = ExtractionLimits()
if let value = options["--max-total"] { limits.maxTotalSize = Int64(value) }
if let value = options["--max-entry"] { limits.maxEntrySize = Int64(value) }
if let value = options["--max-entries"] { limits.maxEntryCount = Int(value) }
let resolver = ModuleResolver(
    limits: limits,
    staleLockTimeout: options["--stale-lock-timeout"] ?? 120,
    networkTimeout: options["--network-timeout"] ?? 60)
let reportsCPU = options["--report-cpu"] == 1
@MainActor func reportCPUTime() {
    guard reportsCPU else { return }
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let seconds = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    FileHandle.standardError.write(Data("cpu-seconds \(seconds)\n".utf8))
}

do {
    let folder = try resolver.resolve(handle)
    print(folder.path)
    reportCPUTime()
    exit(0)
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    reportCPUTime()
    exit(1)
}
