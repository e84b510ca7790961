import TFProto
import Tensors

// MARK: - Call sites

/// What one node calls: `PartitionedCall`/`StatefulPartitionedCall` (attribute `f`), `If`/`StatelessIf`
/// on a condition known when the graph is built (the branch taken), or a node whose op is itself a
/// library function. Inputs are spelled as in the graph (`node`, `node:1`).
struct FunctionCall {
    /// The ops that call a function named by an attribute.
    static let callOps = ["PartitionedCall", "StatefulPartitionedCall", "If", "StatelessIf"]

    /// The called function.
    let function: String
    /// The attributes placeholders in the body take their values from: the call's own attributes,
    /// overridden by those of the `func` attribute.
    let attributes: [String: AttrValue]
    /// The tensors bound to the function's input arguments, in order.
    let arguments: [String]
    /// The call's control inputs (`^node`).
    let controlInputs: [String]
    /// Element types of the outputs (`Tout`, else the function's output arguments), when known.
    let outputTypes: [DataType]?

    /// The call `node` makes, or `nil` when it calls nothing.
    ///
    /// - Parameter condition: the truth value of a tensor when it is known at graph-build time, else `nil`.
    /// - Throws: `PlanningError.unknownFunction` for a function the library lacks, `.invalidNode` for an
    ///   `If` whose condition is computed at run time or a call without its function attribute.
    init?(node: NodeDef, library: FunctionLibrary, condition: (String) throws -> Bool?) throws {
        let data = node.input.filter { !$0.hasPrefix("^") }
        let control = node.input.filter { $0.hasPrefix("^") }
        var callee: NameAttrList
        var arguments = data
        switch node.op {
        case "PartitionedCall", "StatefulPartitionedCall":
            callee = try Self.function(node, attribute: "f")
        case "If", "StatelessIf":
            guard let predicate = data.first else {
                throw PlanningError.inputCount(node: node.name, op: node.op, expected: "at least 1", found: 0)
            }
            guard let taken = try condition(predicate) else {
                throw PlanningError.invalidNode(
                    node: node.name, op: node.op,
                    reason: "condition '\(predicate)' is computed at run time; only an If on a constant "
                        + "(a Const, or a PlaceholderWithDefault that is not fed) is inlined")
            }
            callee = try Self.function(node, attribute: taken ? "then_branch" : "else_branch")
            arguments.removeFirst()
        default:
            guard library.functions[node.op] != nil else { return nil }
            callee = NameAttrList(name: node.op, attr: [:])
        }
        guard let function = library.functions[callee.name] else {
            throw PlanningError.unknownFunction(node: node.name, op: node.op, function: callee.name)
        }
        let attributes = node.attr.merging(callee.attr) { _, own in own }
        self.function = callee.name
        self.attributes = attributes
        self.arguments = arguments
        self.controlInputs = control
        if case .list(let list)? = node.attr["Tout"], Self.callOps.contains(node.op) {
            outputTypes = list.type
        } else {
            outputTypes = FunctionLibrary.outputTypes(of: function, attributes: attributes)
        }
    }

    private static func function(_ node: NodeDef, attribute: String) throws -> NameAttrList {
        guard let value = node.attr[attribute] else {
            throw PlanningError.missingAttribute(node: node.name, op: node.op, attribute: attribute)
        }
        guard case .func(let callee) = value else {
            throw PlanningError.invalidAttribute(
                node: node.name, op: node.op, attribute: attribute, expected: "a function", found: "\(value)")
        }
        return callee
    }
}

// MARK: - Conditions known at graph-build time

extension Tensor {
    /// TensorFlow's truth value of an `If` condition: a scalar is true when nonzero, any other tensor
    /// when it has elements.
    var conditionValue: Bool {
        guard shape.elementCount == 1 else { return shape.elementCount > 0 }
        switch elementType {
        case .float32: return scalars(as: Float.self)[0] != 0
        case .float64: return scalars(as: Double.self)[0] != 0
        default: return withUnsafeBytes { bytes in bytes.contains { $0 != 0 } }
        }
    }
}
