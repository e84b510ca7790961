import Kernels
import Tensors

// MARK: - StridedSlice, Slice, Pad, Transpose

func slicingOps() -> [OpDefinition] {
    [
        OpDefinition(
            "StridedSlice",
            defaults: ["begin_mask": .int(0), "end_mask": .int(0), "ellipsis_mask": .int(0),
                       "new_axis_mask": .int(0), "shrink_axis_mask": .int(0)]
        ) { node in
            try node.requireInputCount(4)
            let input = try node.input(0)
            let begin = try node.constantIntVector(1, role: "begin")
            let end = try node.constantIntVector(2, role: "end")
            let strides = try node.constantIntVector(3, role: "strides")
            guard begin.count == end.count, begin.count == strides.count else {
                throw node.invalid("begin, end and strides have lengths \(begin.count), \(end.count), \(strides.count)")
            }
            let masks = StridedSliceSpec.Masks(
                begin: try node.attributes.int("begin_mask"), end: try node.attributes.int("end_mask"),
                ellipsis: try node.attributes.int("ellipsis_mask"),
                newAxis: try node.attributes.int("new_axis_mask"),
                shrinkAxis: try node.attributes.int("shrink_axis_mask"))
            let spec: StridedSliceSpec
            do {
                spec = try StridedSliceSpec(shape: input.shape.dimensions, begin: begin, end: end,
                                            strides: strides, masks: masks)
            } catch {
                throw node.invalid("\(error)")
            }
            return slicePlan(input, begins: spec.begins, steps: spec.strides, sizes: spec.sizes,
                             finalShape: Shape(spec.finalShape))
        },
        OpDefinition("Slice") { node in
            try node.requireInputCount(3)
            let input = try node.input(0)
            let begin = try node.constantIntVector(1, role: "begin")
            var size = try node.constantIntVector(2, role: "size")
            guard begin.count == input.shape.rank, size.count == input.shape.rank else {
                throw node.invalid("begin and size need \(input.shape.rank) elements, found \(begin.count) and \(size.count)")
            }
            for axis in size.indices {
                let dim = input.shape[axis]
                guard begin[axis] >= 0, begin[axis] <= dim else {
                    throw node.invalid("begin[\(axis)] = \(begin[axis]) is outside [0, \(dim)]")
                }
                if size[axis] == -1 { size[axis] = dim - begin[axis] }
                guard size[axis] >= 0, size[axis] <= dim - begin[axis] else {
                    throw node.invalid("size[\(axis)] = \(size[axis]) is outside [0, \(dim - begin[axis])] (or -1)")
                }
            }
            return slicePlan(input, begins: begin, steps: Array(repeating: 1, count: size.count), sizes: size,
                             finalShape: Shape(size))
        },
        OpDefinition("Pad", defaults: ["Tpaddings": .type(DataTypeCode(.int32))], traits: OpTraits(examples: .padding)) { node in
            try node.requireInputCount(2)
            let input = try node.input(0)
            let flat = try node.constantInts(1, role: "paddings")
            guard node.inputs[1].shape == [input.shape.rank, 2] else {
                throw node.badShape(input: 1, expected: "[\(input.shape.rank), 2] (paddings)")
            }
            guard flat.allSatisfy({ $0 >= 0 }) else { throw node.invalid("paddings \(flat) must be non-negative") }
            let paddings = (0..<input.shape.rank).map { (before: flat[2 * $0], after: flat[2 * $0 + 1]) }
            var dims: [Int] = []
            for (dim, padding) in zip(input.shape.dimensions, paddings) {
                let (sum, overflow) = dim.addingReportingOverflow(padding.before)
                let (total, overflow2) = sum.addingReportingOverflow(padding.after)
                guard !overflow, !overflow2 else { throw node.invalid("paddings \(flat) are too large") }
                dims.append(total)
            }
            let output = ValueType(input.elementType, try checkedShape(dims, node: node))
            if flat.allSatisfy({ $0 == 0 }) { return .passThrough([output]) }
            return PlannedOp(outputs: [output]) { inputs, options in
                [ArrayKernels.pad(inputs[0], paddings: paddings, recycler: options.recycler)]
            }
        },
        OpDefinition("Transpose", defaults: ["Tperm": .type(DataTypeCode(.int32))]) { node in
            try node.requireInputCount(2)
            let input = try node.input(0)
            let permutation = try node.constantIntVector(1, role: "perm")
            let rank = input.shape.rank
            guard permutation.count == rank, permutation.sorted() == Array(0..<rank) else {
                throw node.invalid("perm \(permutation) is not a permutation of 0..<\(rank)")
            }
            let output = ValueType(input.elementType, Shape(permutation.map { input.shape[$0] }))
            if permutation == Array(0..<rank) { return .passThrough([output]) }
            return PlannedOp(outputs: [output]) { inputs in
                [ArrayKernels.transpose(inputs[0], permutation: permutation)]
            }
        },
    ]
}

/// Takes `sizes[k]` elements along input axis `k` from `begins[k]` in steps of `steps[k]`, then views
/// the result as `finalShape`.
private func slicePlan(_ input: ValueType, begins: [Int], steps: [Int], sizes: [Int], finalShape: Shape) -> PlannedOp {
    let output = ValueType(input.elementType, finalShape)
    if sizes == input.shape.dimensions, steps.allSatisfy({ $0 == 1 }) {
        return PlannedOp(outputs: [output]) { inputs in [inputs[0].reshaped(to: finalShape)] }
    }
    let inputStrides = input.shape.strides
    let isEmpty = sizes.contains(0)
    let offset = isEmpty ? 0 : zip(begins, inputStrides).reduce(0) { $0 + $1.0 * $1.1 }
    // Axes of size <= 1 never step, so their (possibly huge) stride is irrelevant.
    let strides = sizes.indices.map { sizes[$0] <= 1 ? 0 : steps[$0] * inputStrides[$0] }
    let sliceShape = Shape(sizes)
    return PlannedOp(outputs: [output]) { inputs, options in
        [ArrayKernels.gather(inputs[0], offset: offset, strides: strides, outputShape: sliceShape, recycler: options.recycler)
            .reshaped(to: finalShape)]
    }
}
