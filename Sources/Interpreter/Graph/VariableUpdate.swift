/// What one assignment node of a graph does to a variable, e.g. an entry of a module's `update_ops`
/// collection (batch norm's `AssignMovingAvg`): the TF1 front end's reading of `Assign`, `AssignAdd`,
/// `AssignSub` (on a `VariableV2`) and `AssignVariableOp`, `AssignAddVariableOp`, `AssignSubVariableOp`
/// (on a `VarHandleOp`).
///
/// Plans never run assignments; a caller that keeps variables (fine-tuning) fetches `value` in the same
/// run as everything else and applies `kind` to its own copy of `variable` afterwards, which is what
/// TensorFlow computes when the assignment runs after the reads of that run.
public struct VariableUpdate: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        /// `variable = value`
        case assign
        /// `variable += value`
        case add
        /// `variable -= value`
        case subtract
    }

    /// The assignment node.
    public let node: String
    /// The variable node (`VariableV2` or `VarHandleOp`), i.e. the checkpoint key.
    public let variable: String
    public let kind: Kind
    /// The tensor assigned, added or subtracted.
    public let value: TensorName
}

extension Graph {
    private static let assignments: [String: (kind: VariableUpdate.Kind, isResource: Bool)] = [
        "Assign": (.assign, false), "AssignAdd": (.add, false), "AssignSub": (.subtract, false),
        "AssignVariableOp": (.assign, true), "AssignAddVariableOp": (.add, true),
        "AssignSubVariableOp": (.subtract, true),
    ]

    /// Reads the assignment nodes `names` (op names or tensor names such as `"bn/AssignMovingAvg:0"`).
    ///
    /// - Throws: `PlanningError.notVariableUpdates` listing every missing node, node that is not an
    ///   assignment, and assignment whose first input is not a variable of the matching kind.
    public func variableUpdates(_ names: [String]) throws -> [VariableUpdate] {
        var updates: [VariableUpdate] = []
        var problems: [String] = []
        for name in names {
            let nodeName = (try? TensorName(parsing: name).node) ?? name
            guard let node = nodes[nodeName] else {
                problems.append("'\(nodeName)': no such node")
                continue
            }
            guard let assignment = Self.assignments[node.op] else {
                problems.append("'\(nodeName)' (\(node.op)): not an assignment to a variable")
                continue
            }
            let inputs = node.dataInputs
            guard inputs.count == 2, let variable = nodes[inputs[0].node],
                  variable.op == (assignment.isResource ? "VarHandleOp" : "VariableV2")
            else {
                problems.append("'\(nodeName)' (\(node.op)): input 0 is not a \(assignment.isResource ? "VarHandleOp" : "VariableV2")")
                continue
            }
            updates.append(VariableUpdate(node: nodeName, variable: variable.name, kind: assignment.kind, value: inputs[1]))
        }
        if !problems.isEmpty { throw PlanningError.notVariableUpdates(problems) }
        return updates
    }
}
