import Foundation

/// A benchmark result of ours next to TensorFlow's, printed as JSON (`{"ours": ..., "tensorflow": ...}`)
/// or as an aligned table with a ratio column (`tfhub bench --gradients` and `--training`).
struct PeerComparisonReport<Result: Encodable>: Encodable {
    let ours: Result
    let tensorflow: Result?

    func printJSON() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try encoder.encode(self), as: UTF8.self))
    }

    func printHeader() {
        print(Self.cell("", 30) + Self.cell("tfhub (Swift)", 18)
              + (tensorflow == nil ? "" : Self.cell("TensorFlow 2.21", 18) + "ours/theirs"))
    }

    /// One row: our value, TensorFlow's and (with `ratio`) ours / theirs.
    func printLine(_ label: String, _ value: (Result) -> Double, _ format: String, ratio: Bool = true) {
        var text = Self.cell(label, 30) + Self.cell(String(format: format, value(ours)), 18)
        if let tensorflow {
            text += Self.cell(String(format: format, value(tensorflow)), 18)
            if ratio { text += String(format: "%.2fx", value(ours) / value(tensorflow)) }
        }
        print(text)
    }

    private static func cell(_ text: String, _ width: Int) -> String {
        text.padding(toLength: width, withPad: " ", startingAt: 0)
    }
}
