import Kernels
import Tensors

// MARK: - The array family

/// Array ops: joining and cutting, slicing, padding, reshaping, shape queries, casting, filling.
func arrayOps() -> [OpDefinition] {
    joinAndSplitOps() + slicingOps() + reshapingOps() + conversionOps()
}

// MARK: - Shared checks

extension PlanNode {
    /// A constant input that must be a vector of int32/int64 values, e.g. a shape or a permutation.
    func constantIntVector(_ index: Int, role: String) throws -> [Int] {
        let values = try constantInts(index, role: role)
        guard inputs[index].shape.rank == 1 else { throw badShape(input: index, expected: "a vector (\(role))") }
        return values
    }

    /// A constant input that must be a scalar, or a vector of one element when `allowVector`.
    func constantScalarInt(_ index: Int, role: String, allowVector: Bool = false) throws -> Int {
        let value = try constantInt(index, role: role)
        let rank = inputs[index].shape.rank
        guard rank == 0 || (allowVector && rank == 1) else {
            throw badShape(input: index, expected: "a scalar (\(role))")
        }
        return value
    }

    /// Checks the optional `N` attribute against the number of list inputs.
    func checkListLength(_ count: Int) throws {
        guard attributes.contains("N") else { return }
        let n = try attributes.int("N")
        guard n == count else { throw invalidAttribute("N", expected: "\(count) (the number of inputs)", found: "\(n)") }
    }

    /// Checks that inputs `range` share one element type (the `T` attribute when present).
    func commonType(of range: Range<Int>) throws -> ElementType {
        let type = try attributes.contains("T") ? attributes.elementType("T") : input(range.lowerBound).elementType
        for index in range where try input(index).elementType != type {
            throw badType(input: index, expected: "\(type) (attribute T)")
        }
        return type
    }
}

/// `dims` as a shape, refused (naming the node) if a size is negative or the element count overflows.
func checkedShape(_ dims: [Int], node: PlanNode) throws -> Shape {
    let shape = Shape(dims)
    guard dims.allSatisfy({ $0 >= 0 }), shape.checkedElementCount != nil else {
        throw node.invalid("shape \(dims) is negative or too large")
    }
    return shape
}
