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

# MARK: seeds

import struct


def attr_entry(key, value):
    return field(5, 2, field(1, 2, key.encode()) + field(2, 2, value))


def node(name, op, inputs=(), **attrs):
    body = field(1, 2, name.encode()) + field(2, 2, op.encode())
    for i in inputs:
        body += field(3, 2, i.encode())
    for key, value in attrs.items():
        body += attr_entry(key, value)
    return body


def a_type(t): return field(6, 0, t)
def a_s(s): return field(2, 2, s.encode())
def a_f(x): return bytes([4 << 3 | 5]) + struct.pack("<f", x)
def a_b(v): return field(5, 0, 1 if v else 0)
def a_ints(values): return field(1, 2, field(3, 2, b"".join(varint(v) for v in values)))
def a_shape(dims): return field(7, 2, b"".join(field(2, 2, field(1, 0, d & 0xFFFFFFFFFFFFFFFF)) for d in dims))


def float_tensor(dims, values):
    shape = b"".join(field(2, 2, field(1, 0, d)) for d in dims)
    return field(8, 2, field(1, 0, 1) + field(2, 2, shape) + field(5, 2, struct.pack(f"<{len(values)}f", *values)))


DT_FLOAT = 1
f32 = a_type(DT_FLOAT)
# A small conv block in the shape the plan-time rewriter looks for: Conv2D -> FusedBatchNormV3 -> Relu,
# BiasAdd -> Relu -> Relu, Identity chains; the fuzzer mutates from there.
conv_block = graph(
    node("x", "Placeholder", dtype=f32, shape=a_shape([1, 4, 4, 2])),
    node("w", "Const", dtype=f32, value=float_tensor([1, 1, 2, 2], [0.5, -1.0, 2.0, 0.25])),
    node("conv", "Conv2D", ["x", "w"], T=f32, strides=a_ints([1, 1, 1, 1]), padding=a_s("SAME"),
         data_format=a_s("NHWC")),
    node("scale", "Const", dtype=f32, value=float_tensor([2], [1.5, 0.5])),
    node("offset", "Const", dtype=f32, value=float_tensor([2], [0.1, -0.2])),
    node("mean", "Const", dtype=f32, value=float_tensor([2], [0.0, 1.0])),
    node("variance", "Const", dtype=f32, value=float_tensor([2], [1.0, 4.0])),
    node("bn", "FusedBatchNormV3", ["conv", "scale", "offset", "mean", "variance"], T=f32, U=f32,
         epsilon=a_f(0.001), is_training=a_b(False), data_format=a_s("NHWC")),
    node("relu", "Relu", ["bn"], T=f32),
    node("bias", "Const", dtype=f32, value=float_tensor([2], [0.3, 0.4])),
    node("biased", "BiasAdd", ["relu", "bias"], T=f32, data_format=a_s("NHWC")),
    node("relu2", "Relu", ["biased"], T=f32),
    node("relu3", "Relu", ["relu2"], T=f32),
    node("identity", "Identity", ["relu3"], T=f32),
    node("out", "Identity", ["identity"], T=f32),
)
path = os.path.join(HERE, "seeds", "graph", "conv-bn-relu-block.pb")
os.makedirs(os.path.dirname(path), exist_ok=True)
with open(path, "wb") as f:
    f.write(conv_block)
print(f"{path}: {len(conv_block)} bytes")
