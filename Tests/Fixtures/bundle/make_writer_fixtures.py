#!/usr/bin/env python3
"""Writes the bundles BundleWriter must reproduce byte for byte, under Tests/Fixtures/bundle/writer/.

Generated with: tensorflow-cpu 2.21.0, numpy 2.4.6, Python 3.11.7 (the oracle venv of docs/oracle.md).
Run from the repository root:  .venv-oracle/bin/python Tests/Fixtures/bundle/make_writer_fixtures.py

Each folder holds `ckpt.index` + `ckpt.data-00000-of-00001`, written by TensorFlow's own `SaveV2` kernel
(`tf.raw_ops.SaveV2`, what TF1 savers and hub exports run), and `tensors.json`: the tensors in the order
they were passed to SaveV2 (the order TF appends them to the data file), each with its dtype enum,
shape, and little-endian element bytes (base64) or each string's bytes (base64). The Swift test adds
the same tensors in the same order to BundleWriter and compares both files with TF's, byte for byte.

Bundles:
  pod/      every fixed-size dtype TF checkpoints (float, double, half, bfloat16, int8..int64,
            uint8..uint64, bool, complex64/128), scalars, empty tensors ([0], [2,0,3]), NaN/inf/-0,
            40 keys (3 restart points in the data block), shared key prefixes, a non-ASCII key,
            added in a shuffled order (data order != key order)
  strings/  string scalars, vectors and matrices with empty strings, an all-empty tensor, an empty
            [0] tensor, binary bytes (0x00, 0xff), a 300-byte string (2-byte varint length)
(more than one data block: see manyblocks/, written by tf.compat.v1.train.Saver, also rewritten by the test)
"""
import base64
import json
import os
import shutil

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "writer")
PREFIX = "ckpt"


def save(name, tensors):
    """tensors: list of (key, tf.Tensor) in add order."""
    folder = os.path.join(HERE, name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    keys = [key for key, _ in tensors]
    tf.raw_ops.SaveV2(prefix=os.path.join(folder, PREFIX), tensor_names=keys,
                      shape_and_slices=[""] * len(keys), tensors=[value for _, value in tensors])
    listed = []
    for key, value in tensors:
        item = {"key": key, "dtype": value.dtype.as_datatype_enum, "shape": list(value.shape)}
        if value.dtype == tf.string:
            item["strings"] = [base64.b64encode(bytes(s)).decode() for s in np.asarray(value.numpy(), dtype=object).reshape(-1)]
        else:
            array = value.numpy()
            item["data"] = base64.b64encode(array.astype(array.dtype.newbyteorder("<")).tobytes()).decode()
        listed.append(item)
        # TF reads back what was passed.
        back = tf.train.load_checkpoint(os.path.join(folder, PREFIX)).get_tensor(key)
        assert np.asarray(back).tobytes() == np.asarray(value.numpy()).tobytes() or value.dtype == tf.string, key
    with open(os.path.join(folder, "tensors.json"), "w") as out:
        json.dump({"prefix": PREFIX, "tensors": listed}, out, indent=0)


def pod():
    rng = np.random.default_rng(15)
    f32 = rng.standard_normal((3, 5)).astype(np.float32)
    f32.flat[:4] = [np.nan, np.inf, -np.inf, -0.0]
    tensors = [
        ("dense/kernel", tf.constant(f32)),
        ("dense/bias", tf.constant(rng.standard_normal(5).astype(np.float32))),
        ("f32_scalar", tf.constant(-1.25, tf.float32)),
        ("f32_empty", tf.zeros([0], tf.float32)),
        ("f32_empty_3d", tf.zeros([2, 0, 3], tf.float32)),
        ("f64", tf.constant([1.0 / 3.0, -2.5e300, 5e-324], tf.float64)),
        ("f16", tf.constant(rng.standard_normal((2, 2)).astype(np.float16))),
        ("bf16", tf.cast(tf.constant([1.0, -2.0, 3.140625]), tf.bfloat16)),
        ("i8", tf.constant([-128, 0, 127], tf.int8)),
        ("i16", tf.constant([[-32768, 32767]], tf.int16)),
        ("i32", tf.constant(rng.integers(-2**31, 2**31 - 1, size=(2, 3)).astype(np.int32))),
        ("i32_scalar", tf.constant(7, tf.int32)),
        ("i64", tf.constant([-2**63, 2**63 - 1, 1 << 40], tf.int64)),
        ("global_step", tf.constant(1234, tf.int64)),
        ("u8", tf.constant([0, 255], tf.uint8)),
        ("u16", tf.constant([65535], tf.uint16)),
        ("u32", tf.constant([4294967295, 7], tf.uint32)),
        ("u64", tf.constant(np.array([2**64 - 1], dtype=np.uint64))),
        ("bool", tf.constant([True, False, True])),
        ("bool_scalar", tf.constant(False)),
        ("c64", tf.constant([1 + 2j, -0.5j], tf.complex64)),
        ("c128", tf.constant([[1e-300 + 1j]], tf.complex128)),
        ("caf\u00e9/weights", tf.constant([0.5], tf.float32)),
        ("big", tf.constant(rng.standard_normal(1000).astype(np.float32))),
    ]
    for index in range(16):
        tensors.append(("cell_%d/bn/moving_mean" % index, tf.constant(rng.standard_normal(3).astype(np.float32))))
    order = rng.permutation(len(tensors))
    save("pod", [tensors[i] for i in order])


def strings():
    save("strings", [
        ("words", tf.constant([b"alpha", b"", b"gamma", b""])),
        ("scalar", tf.constant(b"hello")),
        ("empty_scalar", tf.constant(b"")),
        ("all_empty", tf.constant([b"", b"", b""])),
        ("none", tf.constant([], tf.string)),
        ("matrix", tf.constant([[b"a", b"bc"], [b"", b"def"]])),
        ("binary", tf.constant([b"\x00\xff\x80 bytes \x01", b"\xff"])),
        ("long", tf.constant([b"x" * 300, b"y"])),
    ])


if __name__ == "__main__":
    pod()
    strings()
