import TFProto

// MARK: - Function library

/// A graph's function library (`GraphDef.library`) with the op signatures needed to read function
/// bodies: TensorFlow names a tensor inside a body `node:output_arg:index`, so turning it into a flat
/// output index needs the op's output arguments (from the MetaGraphDef's `stripped_op_list`, or the
/// called function's own signature when the op is a library function).
struct FunctionLibrary {
    let functions: [String: FunctionDef]
    let opDefs: [String: OpDef]

    init(library: FunctionDefLibrary, opList: OpList?) {
        var functions: [String: FunctionDef] = [:]
        for function in library.function { functions[function.signature.name] = function }
        var opDefs = Self.callOpDefs
        for op in opList?.op ?? [] { opDefs[op.name] = op }
        self.functions = functions
        self.opDefs = opDefs
    }

    var isEmpty: Bool { functions.isEmpty }

    /// The flat output indices of each output argument of a node (`"y"` -> `0..<1`), from its op's
    /// signature (attributes already substituted: list lengths come from `number_attr`/`type_list_attr`);
    /// `nil` when neither the op list nor the library describes `op`.
    func outputRanges(op: String, attributes: [String: AttrValue]) -> [String: Range<Int>]? {
        let signature: OpDef
        if let function = functions[op] {
            signature = function.signature
        } else if let opDef = opDefs[op] ?? Self.multipleOutputOpDefs[op] {
            signature = opDef
        } else {
            return nil
        }
        let merged = attributes.merging(signature.attrDefaults) { own, _ in own }
        var ranges: [String: Range<Int>] = [:]
        var start = 0
        for arg in signature.outputArg {
            let count = Self.expandedCount(of: arg, attributes: merged)
            ranges[arg.name] = start..<(start + count)
            start += count
        }
        return ranges
    }

    /// How many tensors an argument stands for: the int `number_attr`, the length of the
    /// `type_list_attr`, else one.
    static func expandedCount(of arg: OpDef.ArgDef, attributes: [String: AttrValue]) -> Int {
        if !arg.numberAttr.isEmpty, case .i(let n)? = attributes[arg.numberAttr] { return max(0, Int(clamping: n)) }
        if !arg.typeListAttr.isEmpty, case .list(let list)? = attributes[arg.typeListAttr] { return list.type.count }
        return 1
    }

    /// The element types of a function's outputs (`type`, or the type attribute it names), for the
    /// `IdentityN` that stands for a call; `nil` when one is not a plain type.
    static func outputTypes(of function: FunctionDef, attributes: [String: AttrValue]) -> [DataType]? {
        var types: [DataType] = []
        for arg in function.signature.outputArg {
            if arg.type != .invalid {
                types.append(arg.type)
            } else if case .type(let type)? = attributes[arg.typeAttr] {
                types.append(type)
            } else {
                return nil
            }
        }
        return types
    }

    /// TensorFlow 2.21's output arguments of ops with several, for op lists that leave out ops used only
    /// in function bodies (TF's `stripped_op_list` does). Ops in neither have one output argument.
    private static let multipleOutputOpDefs: [String: OpDef] = {
        func op(_ name: String, _ outputs: [OpDef.ArgDef]) -> (String, OpDef) { (name, OpDef(name: name, outputArg: outputs)) }
        func args(_ names: String...) -> [OpDef.ArgDef] { names.map { OpDef.ArgDef(name: $0) } }
        let batchNorm = args("y", "batch_mean", "batch_variance", "reserve_space_1", "reserve_space_2")
        return Dictionary(uniqueKeysWithValues: [
            op("FusedBatchNorm", batchNorm), op("FusedBatchNormV2", batchNorm),
            op("FusedBatchNormV3", batchNorm + args("reserve_space_3")),
            op("Split", [OpDef.ArgDef(name: "output", numberAttr: "num_split")]),
            op("SplitV", [OpDef.ArgDef(name: "output", numberAttr: "num_split")]),
            op("Unpack", [OpDef.ArgDef(name: "output", numberAttr: "num")]),
            op("IdentityN", [OpDef.ArgDef(name: "output", typeListAttr: "T")]),
        ])
    }()

    /// Output signatures of the call ops, for op lists that leave them out (hand-built graphs).
    private static let callOpDefs: [String: OpDef] = {
        let output = OpDef.ArgDef(name: "output", typeListAttr: "Tout")
        return Dictionary(uniqueKeysWithValues: FunctionCall.callOps.map { ($0, OpDef(name: $0, outputArg: [output])) })
    }()
}
