import CZlib
import Foundation
import Tensors

/// Writes NumPy `.npz` archives: a zip file (stored, not deflated) holding one `<name>.npy` per array,
/// as `numpy.savez` does.
enum NPZWriter {
    static func write(_ arrays: [String: Tensor], to url: URL) throws {
        var archive: [UInt8] = []
        var central: [UInt8] = []
        for (name, tensor) in arrays.sorted(by: { $0.key < $1.key }) {
            let data = try NumpyFile.encode(tensor)
            let fileName = Array((name + ".npy").utf8)
            let crc = data.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
            let offset = UInt32(archive.count)
            // Local file header.
            archive += le32(0x0403_4B50) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21)
            archive += le32(crc) + le32(UInt32(data.count)) + le32(UInt32(data.count))
            archive += le16(UInt16(fileName.count)) + le16(0) + fileName + data
            // Central directory entry.
            central += le32(0x0201_4B50) + le16(20) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21)
            central += le32(crc) + le32(UInt32(data.count)) + le32(UInt32(data.count))
            central += le16(UInt16(fileName.count)) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(offset)
            central += fileName
        }
        let centralOffset = UInt32(archive.count)
        archive += central
        archive += le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(arrays.count)) + le16(UInt16(arrays.count))
        archive += le32(UInt32(central.count)) + le32(centralOffset) + le16(0)
        try OutputFile.write(Data(archive), to: url)
    }

    private static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    private static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
}
