internal import CTFProtos

// MARK: - ModuleDef

/// The content of `tfhub_module.pb` (`tensorflow_hub.ModuleDef`, module_def.proto).
public struct ModuleDef: Hashable, Sendable {
    /// `tensorflow_hub.ModuleDef.Format` (open proto3 enum). Hub modules are `.v3`.
    public struct Format: RawRepresentable, Hashable, Sendable {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        public static let unspecified = Self(rawValue: 0)
        public static let v3 = Self(rawValue: 3)
    }

    public var format: Format
    /// Features a loader must support; hub 0.15 knows none, so any entry means "cannot load".
    public var requiredFeatures: [String]

    public init(format: Format = .unspecified, requiredFeatures: [String] = []) {
        self.format = format
        self.requiredFeatures = requiredFeatures
    }
}

// MARK: - ModuleAttachment

/// A keyed message a module publisher attached to a meta graph (`tensorflow_hub.ModuleAttachment`),
/// stored in the `attachments` collection. `value` is the serialized attached message, e.g. an
/// `ImageModuleInfo` under the key `image_module_info`.
public struct ModuleAttachment: Hashable, Sendable {
    public var key: String
    public var value: [UInt8]

    public init(key: String = "", value: [UInt8] = []) {
        self.key = key
        self.value = value
    }
}

// MARK: - ImageModuleInfo

/// Image-module metadata (`tensorflow_hub.ImageModuleInfo`): the image size the module expects.
public struct ImageModuleInfo: Hashable, Sendable {
    /// Height and width in pixels.
    public struct InputSize: Hashable, Sendable {
        public var height: Int32
        public var width: Int32
        public init(height: Int32 = 0, width: Int32 = 0) {
            self.height = height
            self.width = width
        }
    }

    public var defaultImageSize: InputSize?
    public init(defaultImageSize: InputSize? = nil) { self.defaultImageSize = defaultImageSize }
}

// MARK: - Decoding

extension ModuleDef: ProtoMessage {
    public static let protoMessageName = "tensorflow_hub.ModuleDef"
    public static let _cDescriptor = cDescriptor(tensorflow_hub__module_def__init)
    public init(_cMessage raw: UnsafeRawPointer) {
        let c = cStruct(raw, as: TensorflowHub__ModuleDef.self)
        self.init(
            format: Format(rawValue: swiftEnum(c.format)),
            requiredFeatures: swiftStrings(c.n_required_features, c.required_features))
    }
}

extension ModuleAttachment: ProtoMessage {
    public static let protoMessageName = "tensorflow_hub.ModuleAttachment"
    public static let _cDescriptor = cDescriptor(tensorflow_hub__module_attachment__init)
    public init(_cMessage raw: UnsafeRawPointer) {
        let c = cStruct(raw, as: TensorflowHub__ModuleAttachment.self)
        self.init(key: swiftString(c.key), value: swiftBytes(c.value))
    }
}

extension ImageModuleInfo: ProtoMessage {
    public static let protoMessageName = "tensorflow_hub.ImageModuleInfo"
    public static let _cDescriptor = cDescriptor(tensorflow_hub__image_module_info__init)
    public init(_cMessage raw: UnsafeRawPointer) {
        let c = cStruct(raw, as: TensorflowHub__ImageModuleInfo.self)
        self.init(defaultImageSize: swiftMessage(c.default_image_size, InputSize.init))
    }
}

extension ImageModuleInfo.InputSize: ProtoMessage {
    public static let protoMessageName = "tensorflow_hub.ImageModuleInfo.InputSize"
    public static let _cDescriptor = cDescriptor(tensorflow_hub__image_module_info__input_size__init)
    public init(_cMessage raw: UnsafeRawPointer) {
        self.init(cStruct(raw, as: TensorflowHub__ImageModuleInfo__InputSize.self))
    }

    init(_ c: TensorflowHub__ImageModuleInfo__InputSize) {
        self.init(height: c.height, width: c.width)
    }
}
