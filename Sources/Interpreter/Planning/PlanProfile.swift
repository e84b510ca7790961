import Synchronization

/// Wall time per op type, summed over the steps of one or more plan runs (`ExecutionPlan.run(...,
/// profile:)`). Safe to share between threads.
public final class PlanProfile: Sendable {
    /// The time and step count of one op type.
    public struct Entry: Sendable {
        public let op: String
        public let nanoseconds: UInt64
        public let steps: Int
    }

    private struct Totals {
        var byOp: [String: (nanoseconds: UInt64, steps: Int)] = [:]
        var runs = 0
    }

    private let totals = Mutex(Totals())

    /// The entry that sums the time threads of a multi-threaded run wait in its parallel segments for a
    /// step to become ready (its `steps` count the waits). Not a step: `totalNanoseconds` leaves it out.
    public static let idleEntry = "(threads waiting for a ready step)"

    /// Whether steps are grouped by op type and shapes (`"Conv2D [1, 7, 7, 176] -> [1, 7, 7, 176]"`) instead
    /// of by op type alone.
    public let groupsByShape: Bool

    /// - Parameter groupsByShape: group steps by op type and input/output shapes, not by op type alone.
    public init(groupsByShape: Bool = false) { self.groupsByShape = groupsByShape }

    func record(op: String, nanoseconds: UInt64) {
        totals.withLock {
            let old = $0.byOp[op] ?? (0, 0)
            $0.byOp[op] = (old.nanoseconds &+ nanoseconds, old.steps + 1)
        }
    }

    func finishRun() { totals.withLock { $0.runs += 1 } }

    /// The number of runs recorded.
    public var runCount: Int { totals.withLock { $0.runs } }

    /// One entry per op type, the most expensive first.
    public var entries: [Entry] {
        totals.withLock {
            $0.byOp.map { Entry(op: $0.key, nanoseconds: $0.value.nanoseconds, steps: $0.value.steps) }
                .sorted { ($0.nanoseconds, $1.op) > ($1.nanoseconds, $0.op) }
        }
    }

    /// The summed step time of all op types.
    public var totalNanoseconds: UInt64 {
        entries.reduce(0) { $0 &+ ($1.op == Self.idleEntry ? 0 : $1.nanoseconds) }
    }

    /// Forgets everything recorded so far.
    public func reset() {
        totals.withLock { $0 = Totals() }
    }
}
