internal import CProtobufC
internal import CTFProtos

// MARK: - VersionDef

extension VersionDef: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__VersionDef> {
        let c = arena.message(tensorflow__version_def__init)
        c.pointee.producer = producer
        c.pointee.min_consumer = minConsumer
        (c.pointee.n_bad_consumers, c.pointee.bad_consumers) = (badConsumers.count, arena.array(badConsumers))
        return c
    }
}

// MARK: - Hub messages

extension ModuleDef: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer {
        let c = arena.message(tensorflow_hub__module_def__init)
        c.pointee.format = cEnum(format.rawValue)
        (c.pointee.n_required_features, c.pointee.required_features) = (requiredFeatures.count, arena.strings(requiredFeatures))
        return UnsafeMutableRawPointer(c)
    }
}

extension ModuleAttachment: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer {
        let c = arena.message(tensorflow_hub__module_attachment__init)
        c.pointee.key = arena.string(key)
        c.pointee.value = arena.bytes(value)
        return UnsafeMutableRawPointer(c)
    }
}

extension ImageModuleInfo: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer {
        let c = arena.message(tensorflow_hub__image_module_info__init)
        c.pointee.default_image_size = defaultImageSize?.encode(in: arena)
        return UnsafeMutableRawPointer(c)
    }
}

extension ImageModuleInfo.InputSize: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<TensorflowHub__ImageModuleInfo__InputSize> {
        let c = arena.message(tensorflow_hub__image_module_info__input_size__init)
        c.pointee.height = height
        c.pointee.width = width
        return c
    }
}

// MARK: - Tensor bundle messages

extension BundleHeaderProto: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer {
        let c = arena.message(tensorflow__bundle_header_proto__init)
        c.pointee.num_shards = numShards
        c.pointee.endianness = cEnum(endianness.rawValue)
        if hasVersion || version != VersionDef() { c.pointee.version = version.encode(in: arena) }
        return UnsafeMutableRawPointer(c)
    }
}

extension BundleEntryProto: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer {
        let c = arena.message(tensorflow__bundle_entry_proto__init)
        c.pointee.dtype = cEnum(dtype.rawValue)
        if hasShape || shape != TensorShapeProto() { c.pointee.shape = shape.encode(in: arena) }
        c.pointee.shard_id = shardID
        c.pointee.offset = offset
        c.pointee.size = size
        c.pointee.crc32c = crc32c
        c.pointee.n_slices = slices.count
        c.pointee.slices = arena.messages(slices) { $0.encode(in: arena) }
        return UnsafeMutableRawPointer(c)
    }
}

extension TensorSliceProto: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__TensorSliceProto> {
        let c = arena.message(tensorflow__tensor_slice_proto__init)
        c.pointee.n_extent = extent.count
        c.pointee.extent = arena.messages(extent) { $0.encode(in: arena) }
        return c
    }
}

extension TensorSliceProto.Extent: ProtoEncodable {
    public func _cMessage(in arena: CArena) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(encode(in: arena)) }

    func encode(in arena: CArena) -> UnsafeMutablePointer<Tensorflow__TensorSliceProto__Extent> {
        let c = arena.message(tensorflow__tensor_slice_proto__extent__init)
        c.pointee.start = start
        if let length {
            c.pointee.has_length_hack_case = TENSORFLOW__TENSOR_SLICE_PROTO__EXTENT__HAS_LENGTH_HACK_LENGTH
            c.pointee.length = length
        }
        return c
    }
}
