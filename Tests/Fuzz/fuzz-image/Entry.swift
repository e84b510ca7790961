import FuzzTargets

// libFuzzer entry point; scripts/fuzz builds this target with -sanitize=fuzzer,address -D FUZZING.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTarget.image.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

#if !FUZZING
/// Without libFuzzer: replays the files (or folders of files) given as arguments.
@main enum Replay {
    static func main() { FuzzReplay.main(target: .image) }
}
#endif
