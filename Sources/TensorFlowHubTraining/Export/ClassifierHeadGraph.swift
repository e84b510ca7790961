import TFProto

/// The nodes, variables and signatures a classifier head adds to one graph variant of a hub module, in
/// the style of the module's own variables (as TF1 `tf.compat.v1.get_variable` writes them, defaults
/// stripped, with `_class` colocation and `_output_shapes`):
///
/// - ref variables (`use_resource=False`): `VariableV2`, `…/Assign` (`Assign` from `…/Initializer/zeros`),
///   `…/read` (`Identity`), which the head reads;
/// - resource variables: `VarHandleOp` (`shared_name` = its name), `…/IsInitialized/VarIsInitializedOp`,
///   `…/Assign` (`AssignVariableOp`), `…/Read/ReadVariableOp` (the VariableDef's snapshot) and one
///   `ReadVariableOp` per use (`classifier/MatMul/ReadVariableOp`, `classifier/BiasAdd/ReadVariableOp`).
///
/// Then `classifier/MatMul` = features `[batch, F]` @ weights `[F, C]` and `classifier/BiasAdd` adds the
/// biases `[C]`: the logits `[batch, C]`.
struct ClassifierHeadGraph {
    static let scope = "classifier"
    static let weightsName = "classifier/weights"
    static let biasesName = "classifier/biases"
    static let logitsTensor = "classifier/BiasAdd:0"

    let isResource: Bool
    /// The feature tensor (`node:output`) and its static shape `[batch, F]` (batch usually -1).
    let features: String
    let batch: Int64
    let featureCount: Int64
    let classCount: Int64

    // MARK: Nodes

    var nodes: [NodeDef] {
        var nodes = variableNodes(Self.weightsName, shape: [featureCount, classCount])
            + variableNodes(Self.biasesName, shape: [classCount])
        let logitShape: AttrValue = outputShapes([batch, classCount])
        nodes.append(contentsOf: readOps(for: "classifier/MatMul", variable: Self.weightsName, shape: [featureCount, classCount]))
        nodes.append(NodeDef(
            name: "classifier/MatMul", op: "MatMul", input: [features, read(Self.weightsName, by: "classifier/MatMul")],
            attr: ["T": .type(.float), "_output_shapes": logitShape]))
        nodes.append(contentsOf: readOps(for: "classifier/BiasAdd", variable: Self.biasesName, shape: [classCount]))
        nodes.append(NodeDef(
            name: "classifier/BiasAdd", op: "BiasAdd", input: ["classifier/MatMul", read(Self.biasesName, by: "classifier/BiasAdd")],
            attr: ["T": .type(.float), "_output_shapes": logitShape]))
        return nodes
    }

    /// The op types of `nodes`.
    var opNames: Set<String> {
        isResource ? ["Const", "VarHandleOp", "VarIsInitializedOp", "AssignVariableOp", "ReadVariableOp", "MatMul", "BiasAdd"]
            : ["Const", "VariableV2", "Assign", "Identity", "MatMul", "BiasAdd"]
    }

    private func variableNodes(_ name: String, shape: [Int64]) -> [NodeDef] {
        let colocation: AttrValue = .list(.init(s: [Array("loc:@\(name)".utf8)]))
        let initial = NodeDef(
            name: name + "/Initializer/zeros", op: "Const",
            attr: ["value": .tensor(TensorProto(dtype: .float, tensorShape: TensorShapeProto(dims: shape), floatVal: [0])),
                   "dtype": .type(.float), "_output_shapes": outputShapes(shape), "_class": colocation])
        if isResource {
            return [
                initial,
                NodeDef(name: name, op: "VarHandleOp", attr: [
                    "shared_name": .s(Array(name.utf8)), "shape": .shape(TensorShapeProto(dims: shape)), "dtype": .type(.float),
                    "debug_name": .s(Array((name + "/").utf8)), "_output_shapes": outputShapes([]), "_class": colocation]),
                NodeDef(name: name + "/IsInitialized/VarIsInitializedOp", op: "VarIsInitializedOp", input: [name],
                        attr: ["_output_shapes": outputShapes([])]),
                NodeDef(name: name + "/Assign", op: "AssignVariableOp", input: [name, initial.name],
                        attr: ["dtype": .type(.float)]),
                NodeDef(name: name + "/Read/ReadVariableOp", op: "ReadVariableOp", input: [name],
                        attr: ["dtype": .type(.float), "_output_shapes": outputShapes(shape)]),
            ]
        }
        return [
            initial,
            NodeDef(name: name, op: "VariableV2", attr: [
                "shape": .shape(TensorShapeProto(dims: shape)), "dtype": .type(.float), "_output_shapes": outputShapes(shape),
                "_class": colocation]),
            NodeDef(name: name + "/Assign", op: "Assign", input: [name, initial.name],
                    attr: ["T": .type(.float), "_output_shapes": outputShapes(shape), "_class": colocation]),
            NodeDef(name: name + "/read", op: "Identity", input: [name],
                    attr: ["T": .type(.float), "_output_shapes": outputShapes(shape), "_class": colocation]),
        ]
    }

    /// The `ReadVariableOp` a resource-variable use needs (none for ref variables, which read `…/read`).
    private func readOps(for user: String, variable: String, shape: [Int64]) -> [NodeDef] {
        guard isResource else { return [] }
        return [NodeDef(name: user + "/ReadVariableOp", op: "ReadVariableOp", input: [variable],
                        attr: ["dtype": .type(.float), "_output_shapes": outputShapes(shape)])]
    }

    private func read(_ variable: String, by user: String) -> String {
        isResource ? user + "/ReadVariableOp" : variable + "/read"
    }

    private func outputShapes(_ shape: [Int64]) -> AttrValue {
        .list(.init(shape: [TensorShapeProto(dims: shape)]))
    }

    // MARK: Variables and signatures

    /// The `VariableDef`s of both head variables, for the `variables` and `trainable_variables` collections.
    var variableDefs: [VariableDef] {
        [Self.weightsName, Self.biasesName].map { name in
            VariableDef(
                variableName: name + ":0", initialValueName: name + "/Initializer/zeros:0", initializerName: name + "/Assign",
                snapshotName: isResource ? name + "/Read/ReadVariableOp:0" : name + "/read:0", isResource: isResource,
                trainable: true)
        }
    }

    /// The logits output: float32 `[batch, classes]`.
    var logits: TensorInfo {
        TensorInfo(encoding: .name(Self.logitsTensor), dtype: .float, tensorShape: TensorShapeProto(dims: [batch, classCount]))
    }
}
