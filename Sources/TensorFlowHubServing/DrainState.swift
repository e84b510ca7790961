import Hummingbird
import Synchronization

/// Whether the server is draining (shutting down) and how many requests are in flight.
///
/// On SIGTERM (or `ModelServer.shutDown()`) the server starts draining: readiness
/// (`/v2/health/ready`, `/v2/models/NAME/ready`) answers 503 and TF Serving's status says `UNLOADING`,
/// so a load balancer stops sending new requests, while the listener stays open and every request is
/// still answered. Once no request is in flight the listener closes.
final class DrainState: Sendable {
    private struct State {
        var draining = false
        var inFlight = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    var isDraining: Bool { state.withLock { $0.draining } }
    var inFlight: Int { state.withLock { $0.inFlight } }

    /// Starts draining; `true` for the call that started it.
    func begin() -> Bool {
        state.withLock { state in
            defer { state.draining = true }
            return !state.draining
        }
    }

    func enter() { state.withLock { $0.inFlight += 1 } }

    func leave() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.inFlight -= 1
            guard state.inFlight == 0 else { return [] }
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once no request is in flight (at once if none is), or when the task is cancelled.
    func idle() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if state.inFlight == 0 || Task.isCancelled { return true }
                    state.waiters.append(continuation)
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }
    }
}

/// Counts the requests in flight for `DrainState`.
struct InFlightMiddleware<Context: RequestContext>: RouterMiddleware {
    let drain: DrainState

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        drain.enter()
        defer { drain.leave() }
        return try await next(request, context)
    }
}
