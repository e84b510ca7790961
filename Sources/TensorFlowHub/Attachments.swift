import TFProto

/// Messages attached to a graph variant with `hub.attach_message`, stored as serialized
/// `ModuleAttachment`s in the `hub_module_attachments` collection (bytes_list). Later duplicates win,
/// as in `get_attached_bytes_map`.
struct Attachments {
    static let collectionKey = "hub_module_attachments"
    static let imageModuleInfoKey = "image_module_info"

    let bytesByKey: [String: [UInt8]]

    init(metaGraph: MetaGraphDef, file: String) throws {
        guard let collection = metaGraph.collectionDef[Self.collectionKey] else {
            bytesByKey = [:]
            return
        }
        guard case .bytesList(let values) = collection.kind else {
            throw ModuleError.badAttachment(file: file, reason: "collection kind must be bytes_list")
        }
        var map: [String: [UInt8]] = [:]
        for value in values {
            let attachment: ModuleAttachment
            do { attachment = try ModuleAttachment(serializedBytes: value) } catch {
                throw ModuleError.badAttachment(file: file, reason: "\(error)")
            }
            map[attachment.key] = attachment.value
        }
        bytesByKey = map
    }

    /// The `ImageModuleInfo` attachment, if present.
    func imageModuleInfo(file: String) throws -> ImageModuleInfo? {
        guard let bytes = bytesByKey[Self.imageModuleInfoKey] else { return nil }
        do { return try ImageModuleInfo(serializedBytes: bytes) } catch {
            throw ModuleError.badAttachment(file: file, reason: "image_module_info: \(error)")
        }
    }
}
