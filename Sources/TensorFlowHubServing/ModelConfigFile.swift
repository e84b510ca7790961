import Foundation

/// One model of a TF Serving model config file: its name and model base path (`DIR/<version>/`).
public struct ModelConfig: Sendable, Equatable {
    public let name: String
    public let basePath: String

    public init(name: String, basePath: String) {
        self.name = name
        self.basePath = basePath
    }
}

/// Why a model config file could not be read.
public struct ModelConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public let source: String
    public let line: Int
    public let reason: String

    public var description: String { line > 0 ? "\(source):\(line): \(reason)" : "\(source): \(reason)" }
}

/// TF Serving's `--model_config_file` (protobuf text format), the part that names models:
///
/// ```
/// model_config_list {
///   config { name: "nasnet" base_path: "/models/nasnet" model_platform: "tensorflow" }
///   config { name: "other"  base_path: "other" }       # relative: to the file's folder
/// }
/// ```
///
/// Other fields (`model_version_policy`, `version_labels`, ...) are refused by name rather than ignored.
public enum ModelConfigFile {
    public static func read(_ url: URL) throws -> [ModelConfig] {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ModelConfigError(source: url.path, line: 0, reason: "cannot read: \(error.localizedDescription)")
        }
        return try parse(text, source: url.path, relativeTo: url.deletingLastPathComponent())
    }

    public static func parse(_ text: String, source: String = "<config>", relativeTo folder: URL? = nil) throws -> [ModelConfig] {
        var parser = TextFormatParser(tokens: try TextFormatParser.tokenize(text, source: source), source: source)
        let root = try parser.message(closedBy: nil)
        func fail(_ line: Int, _ reason: String) -> ModelConfigError { ModelConfigError(source: source, line: line, reason: reason) }
        var configs: [ModelConfig] = []
        for field in root {
            guard field.name == "model_config_list", case .message(let list) = field.value else {
                throw fail(field.line, "expected 'model_config_list { ... }', found '\(field.name)'")
            }
            for entry in list {
                guard entry.name == "config", case .message(let fields) = entry.value else {
                    throw fail(entry.line, "expected 'config { ... }' in model_config_list, found '\(entry.name)'")
                }
                var name: String?
                var basePath: String?
                for item in fields {
                    guard case .scalar(let value) = item.value else {
                        throw fail(item.line, "'\(item.name)' is not supported (supported: name, base_path, model_platform)")
                    }
                    switch item.name {
                    case "name": name = value
                    case "base_path": basePath = value
                    case "model_platform":
                        guard value == "tensorflow" || value == "tensorflow_hub" else {
                            throw fail(item.line, "model_platform '\(value)' is not served; expected \"tensorflow\"")
                        }
                    default:
                        throw fail(item.line, "'\(item.name)' is not supported (supported: name, base_path, model_platform)")
                    }
                }
                guard let name, !name.isEmpty else { throw fail(entry.line, "a config has no name") }
                guard let basePath, !basePath.isEmpty else { throw fail(entry.line, "config '\(name)' has no base_path") }
                guard !configs.contains(where: { $0.name == name }) else { throw fail(entry.line, "model '\(name)' is configured twice") }
                let resolved = basePath.hasPrefix("/") || folder == nil
                    ? basePath : folder!.appendingPathComponent(basePath).standardizedFileURL.path
                configs.append(ModelConfig(name: name, basePath: resolved))
            }
        }
        guard !configs.isEmpty else { throw fail(1, "no model configured; expected model_config_list { config { ... } }") }
        return configs
    }
}

/// A small protobuf text-format reader: fields `name: scalar` and `name { ... }` (or `name: { ... }`),
/// `#` comments, single- or double-quoted strings.
struct TextFormatParser {
    enum Token: Equatable {
        case word(String)
        case string(String)
        case open, close, colon
    }

    enum Value {
        case scalar(String)
        case message([Field])
    }

    struct Field {
        let name: String
        let value: Value
        let line: Int
    }

    let tokens: [(token: Token, line: Int)]
    let source: String
    var index = 0

    init(tokens: [(token: Token, line: Int)], source: String) {
        self.tokens = tokens
        self.source = source
    }

    static func tokenize(_ text: String, source: String) throws -> [(token: Token, line: Int)] {
        var tokens: [(Token, Int)] = []
        let characters = Array(text)
        var i = 0
        var line = 1
        while i < characters.count {
            let c = characters[i]
            if c == "\n" { line += 1; i += 1; continue }
            if c.isWhitespace || c == ";" || c == "," { i += 1; continue }
            if c == "#" {
                while i < characters.count, characters[i] != "\n" { i += 1 }
                continue
            }
            switch c {
            case "{": tokens.append((.open, line)); i += 1
            case "}": tokens.append((.close, line)); i += 1
            case ":": tokens.append((.colon, line)); i += 1
            case "\"", "'":
                var value = ""
                i += 1
                while i < characters.count, characters[i] != c {
                    if characters[i] == "\n" { break }
                    if characters[i] == "\\", i + 1 < characters.count { i += 1 }
                    value.append(characters[i])
                    i += 1
                }
                guard i < characters.count, characters[i] == c else {
                    throw ModelConfigError(source: source, line: line, reason: "unterminated string")
                }
                i += 1
                tokens.append((.string(value), line))
            default:
                var word = ""
                while i < characters.count, characters[i].isLetter || characters[i].isNumber || "_.-+".contains(characters[i]) {
                    word.append(characters[i])
                    i += 1
                }
                guard !word.isEmpty else {
                    throw ModelConfigError(source: source, line: line, reason: "unexpected character '\(c)'")
                }
                tokens.append((.word(word), line))
            }
        }
        return tokens
    }

    /// Fields until `}` (or the end when `closedBy` is nil, at the top level).
    mutating func message(closedBy close: Token?) throws -> [Field] {
        var fields: [Field] = []
        while index < tokens.count {
            let (token, line) = tokens[index]
            if token == .close {
                guard close != nil else { throw ModelConfigError(source: source, line: line, reason: "unexpected '}'") }
                index += 1
                return fields
            }
            guard case .word(let name) = token else {
                throw ModelConfigError(source: source, line: line, reason: "expected a field name")
            }
            index += 1
            if index < tokens.count, tokens[index].token == .colon { index += 1 }
            guard index < tokens.count else {
                throw ModelConfigError(source: source, line: line, reason: "field '\(name)' has no value")
            }
            switch tokens[index].token {
            case .open:
                index += 1
                fields.append(Field(name: name, value: .message(try message(closedBy: .close)), line: line))
            case .string(let value), .word(let value):
                index += 1
                fields.append(Field(name: name, value: .scalar(value), line: line))
            default:
                throw ModelConfigError(source: source, line: tokens[index].line, reason: "field '\(name)' has no value")
            }
        }
        if close != nil {
            throw ModelConfigError(source: source, line: tokens.last?.line ?? 1, reason: "missing '}'")
        }
        return fields
    }
}
