// MARK: - Reachability

extension Graph {
    /// Node count per op type of the nodes the given tensors depend on (data and control inputs),
    /// stopping at `feeds`. This is the part of a graph a signature call runs: initializers, update ops
    /// and other signatures' nodes are left out.
    ///
    /// - Parameters:
    ///   - fetches: tensor names (`"node"` or `"node:1"`) to start from.
    ///   - feeds: tensor names whose nodes are fed and so not followed.
    public func opHistogram(reaching fetches: [String], stoppingAt feeds: [String] = []) -> [String: Int] {
        let fedNodes = Set(feeds.compactMap { try? TensorName(parsing: $0).node })
        var visited: Set<String> = []
        var stack = fetches.compactMap { try? TensorName(parsing: $0).node }
        var histogram: [String: Int] = [:]
        while let name = stack.popLast() {
            guard visited.insert(name).inserted, let node = nodes[name] else { continue }
            histogram[node.op, default: 0] += 1
            if fedNodes.contains(name) { continue }
            for input in node.inputs {
                switch input {
                case .data(let tensor): stack.append(tensor.node)
                case .control(let other): stack.append(other)
                }
            }
        }
        return histogram
    }

    /// The op types among `histogram`'s keys that this interpreter does not implement, sorted.
    public static func unsupportedOps(in ops: some Sequence<String>) -> [String] {
        let supported = Set(supportedOps)
        return Set(ops).filter { !supported.contains($0) }.sorted()
    }
}
