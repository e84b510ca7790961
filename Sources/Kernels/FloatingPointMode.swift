import CKernels

/// Runs `body` on this thread with denormal floats flushed to zero (inputs and results), as TensorFlow's
/// executor runs every kernel; the thread's previous floating-point mode is restored afterwards. The
/// worker pool's threads run in this mode from their start.
public func withDenormalsFlushed<R>(_ body: () throws -> R) rethrows -> R {
    let saved = ck_flush_denormals_begin()
    defer { ck_flush_denormals_end(saved) }
    return try body()
}
