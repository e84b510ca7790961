// TFProto: see Package.swift for this layer's place.
