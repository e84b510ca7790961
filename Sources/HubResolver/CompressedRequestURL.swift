import Foundation

// MARK: - The URL actually requested for an http(s) handle

/// tensorflow_hub's `_append_compressed_format_query`: the handle's query is parsed with `parse_qsl`
/// (pairs without `=` and blank values are dropped), `("tf-hub-format", "compressed")` is appended,
/// and the query is re-encoded with `urlencode` (`quote_plus`). Handles under
/// `https://hub.tensorflow.google.cn/` are fetched from the GCS mirror as `<rest>.tar.gz`.
enum CompressedRequestURL {
    static let chinaHub = "https://hub.tensorflow.google.cn/"
    static let chinaMirror = "https://gcs.tensorflow.google.cn/tfhub-modules/"

    static func make(for handle: String, url: URL) -> URL {
        string(for: handle).flatMap(URL.init(string:)) ?? url
    }

    static func string(for handle: String) -> String? {
        if handle.hasPrefix(chinaHub) {
            return chinaMirror + handle.dropFirst(chinaHub.count) + ".tar.gz"
        }
        var rest = Substring(handle)
        var fragment: Substring?
        if let hash = rest.firstIndex(of: "#") {
            fragment = rest[rest.index(after: hash)...]
            rest = rest[..<hash]
        }
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var pairs = parseQueryList(query)
        pairs.append(("tf-hub-format", "compressed"))
        let encoded = pairs.map { quotePlus($0.0) + "=" + quotePlus($0.1) }.joined(separator: "&")
        var result = String(rest) + "?" + encoded
        if let fragment, !fragment.isEmpty { result += "#" + fragment }
        return result
    }

    /// Python's `urllib.parse.parse_qsl(query)` with its defaults.
    static func parseQueryList(_ query: Substring) -> [(String, String)] {
        query.split(separator: "&", omittingEmptySubsequences: true).compactMap { piece in
            guard let equals = piece.firstIndex(of: "=") else { return nil }
            let value = piece[piece.index(after: equals)...]
            guard !value.isEmpty else { return nil }
            return (unquotePlus(piece[..<equals]), unquotePlus(value))
        }
    }

    /// `unquote(s.replace("+", " "))`; an invalid escape is kept as text, like Python does.
    private static func unquotePlus(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// Python's `quote_plus`: letters, digits and `_.-~` stay, space becomes `+`, the rest `%XX`.
    static func quotePlus(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"),
                UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(byte)))
            case UInt8(ascii: " "):
                out.append("+")
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}
