import TFProto

/// tensorflow_hub's `get_expected_image_size` / `get_num_image_channels` rules (`image_util.py`).
enum ImageSizeRules {
    /// The attachment first (when both sides are non-zero), else the `[batch, height, width, channels]`
    /// shape of the signature's image input.
    static func expectedSize(
        attachment: ImageModuleInfo?, signatures: [String: Signature], signature: String?, inputName: String?,
        onlyInputFallback: Bool = false
    ) throws -> (height: Int, width: Int) {
        if let size = attachment?.defaultImageSize, size.height != 0, size.width != 0 {
            return (Int(size.height), Int(size.width))
        }
        let shape = try imageInputShape(
            signatures: signatures, signature: signature, inputName: inputName, onlyInputFallback: onlyInputFallback)
        guard let height = shape[1], let width = shape[2], height != 0, width != 0 else {
            throw ModuleError.imageSizeUnavailable(
                reason: "Shape of module input is \(render(shape)), expected [batch_size, height, width, num_channels] "
                    + "with known height and width.")
        }
        return (height, width)
    }

    static func numChannels(
        signatures: [String: Signature], signature: String?, inputName: String?, onlyInputFallback: Bool = false
    ) throws -> Int {
        let shape = try imageInputShape(
            signatures: signatures, signature: signature, inputName: inputName, onlyInputFallback: onlyInputFallback)
        guard let channels = shape[3] else {
            throw ModuleError.imageSizeUnavailable(
                reason: "Shape of module input is \(render(shape)), expected [batch_size, height, width, num_channels] "
                    + "with known num_channels.")
        }
        return channels
    }

    /// With `onlyInputFallback` (SavedModels, whose image input has the name the exporter chose, e.g.
    /// `input_1`), a signature without an `images` input whose only input is 4-D uses that one.
    private static func imageInputShape(
        signatures: [String: Signature], signature: String?, inputName: String?, onlyInputFallback: Bool
    ) throws -> [Int?] {
        let signatureName = signature ?? "default"
        guard let found = signatures[signatureName] else {
            throw ModuleError.imageSizeUnavailable(reason: "Signature '\(signatureName)' is missing from meta graph.")
        }
        var inputName = inputName ?? "images"
        if onlyInputFallback, found.inputs[inputName] == nil, found.inputs.count == 1, let only = found.inputs.keys.first {
            inputName = only
        }
        guard let input = found.inputs[inputName] else {
            throw ModuleError.imageSizeUnavailable(
                reason: "Module is missing input '\(inputName)' in signature '\(signatureName)'.")
        }
        guard let shape = input.shape, shape.count == 4 else {
            throw ModuleError.imageSizeUnavailable(
                reason: "Shape of module input is \(input.shape.map(render) ?? "<unknown rank>"), expected "
                    + "[batch_size, height, width, num_channels] with known height and width.")
        }
        return shape
    }

    private static func render(_ shape: [Int?]) -> String {
        "(" + shape.map { $0.map(String.init) ?? "None" }.joined(separator: ", ") + ")"
    }
}
