// MARK: - Partitioned tensors (spec 6.7)

/// Where one stored slice goes in the full tensor: row-major copies of `runLength` contiguous
/// elements, one per combination of indices in the dimensions before `runDimension`.
struct SlicePlacement {
    let fullShape: [Int]
    let ranges: [Range<Int>]

    /// Dimensions from `runDimension` on are copied as one contiguous run: the first of them may be
    /// partial, every later one must be whole.
    var runDimension: Int {
        var dimension = fullShape.count - 1
        while dimension > 0 && ranges[dimension] == 0 ..< fullShape[dimension] { dimension -= 1 }
        return max(dimension, 0)
    }

    /// Calls `body(sourceElement, destinationElement, runLength)` for every run, in source order.
    /// Nothing is called for an empty slice. Ranges were checked against `fullShape` when the entry was read.
    func forEachRun(_ body: (_ source: Int, _ destination: Int, _ count: Int) throws -> Void) rethrows {
        let rank = fullShape.count
        guard rank > 0 else { return try body(0, 0, 1) }
        guard ranges.allSatisfy({ !$0.isEmpty }) else { return }
        var strides = [Int](repeating: 1, count: rank)
        for dimension in stride(from: rank - 2, through: 0, by: -1) {
            strides[dimension] = strides[dimension + 1] * fullShape[dimension + 1]
        }
        let split = runDimension
        let runLength = ranges[split].count * strides[split]
        var index = ranges.map(\.lowerBound)
        var source = 0
        while true {
            var destination = 0
            for dimension in 0 ..< rank { destination += index[dimension] * strides[dimension] }
            try body(source, destination, runLength)
            source += runLength
            // Odometer over the dimensions before `split`.
            var dimension = split - 1
            while dimension >= 0 {
                index[dimension] += 1
                if index[dimension] < ranges[dimension].upperBound { break }
                index[dimension] = ranges[dimension].lowerBound
                dimension -= 1
            }
            if dimension < 0 { return }
        }
    }
}

/// Copies the stored slices `parts` (each already read and verified, its shape equal to its ranges'
/// lengths) into one row-major tensor of `entry`'s shape, checking that they tile it exactly.
func assembleSlices(entry: BundleEntry, parts: [BundleTensor], file: String) throws -> BundleTensor.Storage {
    func bad(_ detail: String) -> BundleError { .badSlices(file: file, key: entry.key, detail: detail) }
    var covered = [Bool](repeating: false, count: entry.elementCount)
    func claim(_ destination: Int, _ count: Int) throws {
        for element in destination ..< destination + count {
            guard !covered[element] else { throw bad("slices overlap at element \(element)") }
            covered[element] = true
        }
    }
    let placements = entry.slices.map { SlicePlacement(fullShape: entry.shape, ranges: $0) }

    if entry.dtype == .string {
        var strings = [[UInt8]](repeating: [], count: entry.elementCount)
        for (placement, part) in zip(placements, parts) {
            let values = try part.strings()
            try placement.forEachRun { source, destination, count in
                try claim(destination, count)
                strings.replaceSubrange(destination ..< destination + count, with: values[source ..< source + count])
            }
        }
        return .strings(strings)
    }

    let elementSize = entry.dtype.byteSize ?? 0
    var bytes = [UInt8](repeating: 0, count: entry.elementCount * elementSize)
    try bytes.withUnsafeMutableBytes { full in
        for (placement, part) in zip(placements, parts) {
            try part.withUnsafeBytes { slice in
                try placement.forEachRun { source, destination, count in
                    try claim(destination, count)
                    guard count > 0, let target = full.baseAddress, let origin = slice.baseAddress else { return }
                    (target + destination * elementSize).copyMemory(
                        from: origin + source * elementSize, byteCount: count * elementSize)
                }
            }
        }
    }
    return .owned(bytes)
}
