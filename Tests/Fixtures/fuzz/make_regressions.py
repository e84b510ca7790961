#!/usr/bin/env python3
"""Writes the hand-made regression inputs of Tests/Fixtures/fuzz/regressions/ (pure Python, no
TensorFlow: the protobuf wire format is written by hand so the bytes are exactly what the comments say).

Run: python3 Tests/Fixtures/fuzz/make_regressions.py   (any Python 3)
Inputs found by libFuzzer itself are copied there as they were found and are not regenerated.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(number, wire, payload):
    key = varint(number << 3 | wire)
    if wire == 0:
        return key + varint(payload)
    return key + varint(len(payload)) + payload


def tensor(dtype, dims, string_val=(), tensor_content=None):
    shape = b"".join(field(2, 2, field(1, 0, d)) for d in dims)  # TensorShapeProto.dim.size
    body = field(1, 0, dtype) + field(2, 2, shape)
    if tensor_content is not None:
        body += field(4, 2, tensor_content)
    for s in string_val:
        body += field(8, 2, s)
    return body


def const_node(name, dtype, tensor_bytes):
    def attr(key, value):  # map<string, AttrValue> entry
        return field(5, 2, field(1, 2, key.encode()) + field(2, 2, value))
    return (field(1, 2, name.encode()) + field(2, 2, b"Const")
            + attr("dtype", field(6, 0, dtype)) + attr("value", field(8, 2, tensor_bytes)))


def graph(*nodes):
    return b"".join(field(1, 2, n) for n in nodes)


DT_STRING = 7
CASES = {
    # 2^31 strings from one string_val: counted as 1 byte each, it passed the 4 GiB cap and asked for
    # 16 GiB of string references. Now: "string [2147483648] is larger than the limit ...".
    "graph/huge-string-const": graph(const_node(
        "strings", DT_STRING, tensor(DT_STRING, [1 << 31], string_val=[b"x"]))),
    # 2^27 strings from 3 bytes of tensor_content: reserved 1 GiB of lengths before finding the content
    # short. Now: "tensor_content of 3 bytes cannot hold 134217728 string lengths".
    "graph/string-content-shorter-than-shape": graph(const_node(
        "strings", DT_STRING, tensor(DT_STRING, [1 << 27], tensor_content=b"\x01A\x00"))),
}

for name, data in CASES.items():
    path = os.path.join(HERE, "regressions", name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    print(f"{path}: {len(data)} bytes")

# A progressive JPEG (Tests/Fixtures/images/rgb_420_progressive.jpg) whose SOF2 header claims
# 60000x60000 pixels: jpeg_start_decompress allocated whole-image coefficient buffers before the pixel
# limit was checked. Now: "JPEG: 60000x60000 pixels exceeds the limit of ...".
with open(os.path.join(HERE, "..", "images", "rgb_420_progressive.jpg"), "rb") as f:
    jpeg = bytearray(f.read())
sof = jpeg.index(b"\xff\xc2")
jpeg[sof + 5:sof + 9] = (60000).to_bytes(2, "big") + (60000).to_bytes(2, "big")
path = os.path.join(HERE, "regressions", "image", "progressive-jpeg-claiming-60000x60000")
with open(path, "wb") as f:
    f.write(jpeg)
print(f"{path}: {len(jpeg)} bytes")
