#!/usr/bin/env python3
"""Writes the tensor-bundle (TF checkpoint V2) fixtures under Tests/Fixtures/bundle/.

Generated with: tensorflow-cpu 2.21.0, numpy 2.4.6, Python 3.11.7 (the oracle venv of docs/oracle.md).
Run from the repository root:  .venv-oracle/bin/python Tests/Fixtures/bundle/generate.py
(any Python with those packages works: ${PYTHON:-python3} Tests/Fixtures/bundle/generate.py).

Every bundle folder holds `ckpt.index`, `ckpt.data-SSSSS-of-NNNNN` and `values.json`: per key TensorFlow
lists (`get_variable_to_dtype_map`), what `tf.train.load_checkpoint(...).get_tensor(key)`
returns (`tensors`): dtype enum, shape, and the raw little-endian element bytes (base64), or for DT_STRING each
string's bytes (base64); the keys of `tensors` are the keys TF lists. Tests compare our reader with these bit for bit.

Bundles:
  dtypes/       tf.train.Checkpoint: one variable per dtype TF writes, scalars, empty tensors, strings
  saver/        tf.compat.v1.train.Saver (V2) over 2018-style VariableV2 variables, with partitioned
                variables (fixed_size_partitioner on axis 0 and 1, float and int64, rank 1 to 3)
  sharded/      tf.compat.v1.train.Saver(sharded=True) with variables on /cpu:0, /cpu:1, /cpu:2 (3 shards)
  policy/       tf.train.Checkpoint with MaxShardSizePolicy: 6 shards, tensors split into slices
  bigendian/    dtypes/ rewritten with a big-endian header (BundleHeaderProto.endianness = BIG), POD tensor
                bytes swapped and CRCs recomputed by the small table writer below; TF reads it back and
                must return the same values as dtypes/ (checked here)
  manyblocks/   tf.compat.v1.train.Saver with 1,400 long random names: an index with 2 data blocks
  corrupt/      hand-built bad bundles (one folder each, written with TF's own BundleEntryProto and the
                table writer below) and `cases.json`: per case the key to read and the error TensorFlow
                itself gives reading it
"""
import base64
import json
import os
import shutil
import struct
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from tensorflow.core.protobuf import tensor_bundle_pb2  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PREFIX = "ckpt"


# MARK: - Manifest

def manifest(folder):
    """values.json from TensorFlow's own reader."""
    prefix = os.path.join(folder, PREFIX)
    reader = tf.train.load_checkpoint(prefix)
    dtypes = reader.get_variable_to_dtype_map()
    shapes = reader.get_variable_to_shape_map()
    tensors = {}
    for key in sorted(dtypes):
        value = reader.get_tensor(key)
        dtype = dtypes[key]
        item = {"dtype": dtype.as_datatype_enum, "shape": list(shapes[key])}
        if dtype == tf.string:
            flat = np.asarray(value, dtype=object).reshape(-1)
            item["strings"] = [base64.b64encode(bytes(s)).decode() for s in flat]
        else:
            array = np.asarray(value)
            assert array.dtype.itemsize == dtype.size, (key, array.dtype)
            item["data"] = base64.b64encode(array.astype(array.dtype.newbyteorder("<")).tobytes()).decode()
        tensors[key] = item
    files = sorted(f for f in os.listdir(folder) if f.startswith(PREFIX + "."))
    with open(os.path.join(folder, "values.json"), "w") as out:
        json.dump({"prefix": PREFIX, "files": files, "tensors": tensors}, out, indent=0)
    return tensors


def fresh(name):
    folder = os.path.join(HERE, name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    return folder


# MARK: - dtypes (tf.train.Checkpoint, eager)

def dtype_values():
    rng = np.random.default_rng(3)
    f32 = rng.standard_normal((3, 4)).astype(np.float32)
    f32.flat[:5] = [np.nan, np.inf, -np.inf, -0.0, np.float32(1e-45)]
    return {
        "f32_scalar": tf.constant(3.5, tf.float32),
        "f32_matrix": tf.constant(f32),
        "f32_empty": tf.zeros([0], tf.float32),
        "f32_empty_3d": tf.zeros([2, 0, 3], tf.float32),
        "f64": tf.constant([1.0 / 3.0, -2.5e300, np.nan, 5e-324, 0.0], tf.float64),
        "f16": tf.constant(rng.standard_normal((2, 3)).astype(np.float16)),
        "bf16": tf.cast(tf.constant([1.0, -2.0, 3.140625, 1e30, -1e-30, 0.5, 65504.0]), tf.bfloat16),
        "i8": tf.constant([-128, -1, 0, 1, 127, 42], tf.int8),
        "i16": tf.constant([[-32768, 32767], [1234, -4321]], tf.int16),
        "i32": tf.constant(rng.integers(-2**31, 2**31 - 1, size=(2, 2, 2)).astype(np.int32)),
        "i32_scalar": tf.constant(-7, tf.int32),
        "i64": tf.constant([-2**63, 2**63 - 1, 0, 1 << 40], tf.int64),
        "u8": tf.constant([0, 1, 128, 255], tf.uint8),
        "u16": tf.constant([0, 65535, 4660], tf.uint16),
        "u32": tf.constant([0, 4294967295, 305419896], tf.uint32),
        "u64": tf.constant(np.array([0, 2**64 - 1, 0x0123456789ABCDEF], dtype=np.uint64)),
        "bool": tf.constant([True, False, True, True, False]),
        "c64": tf.constant([1 + 2j, -3.5 - 0.25j, 0j], tf.complex64),
        "c128": tf.constant([[1e-300 + 1j, -1 - 1e300j], [0.5j, 2.0]], tf.complex128),
        "str_scalar": tf.constant(b"hello"),
        "str_vector": tf.constant([b"", b"\x00\xff\x80 binary \x01", b"x" * 300, "\u00e9t\u00e9".encode()]),
        "str_matrix": tf.constant([[b"a", b"bc"], [b"", b"def"]]),
        "str_empty": tf.constant([], tf.string),
        "str_long": tf.constant([b"".join(bytes([i % 251]) for i in range(20000))]),
    }


def write_dtypes():
    folder = fresh("dtypes")
    variables = {name: tf.Variable(value) for name, value in dtype_values().items()}
    tf.train.Checkpoint(**variables).write(os.path.join(folder, PREFIX))
    return manifest(folder)


def write_policy():
    folder = fresh("policy")
    rng = np.random.default_rng(5)
    variables = {
        "small": tf.Variable(2.0),
        "vector": tf.Variable(rng.standard_normal(300).astype(np.float32)),
        "matrix": tf.Variable(rng.standard_normal((40, 7)).astype(np.float32)),
        "ints": tf.Variable(np.arange(90, dtype=np.int64)),
        "words": tf.Variable([b"alpha", b"beta", b"gamma"]),
    }
    policy = tf.train.experimental.MaxShardSizePolicy(max_shard_size=700)
    options = tf.train.CheckpointOptions(experimental_sharding_callback=policy)
    tf.train.Checkpoint(**variables).write(os.path.join(folder, PREFIX), options=options)
    return manifest(folder)


# MARK: - Graph-mode Saver bundles (tf.compat.v1)

def saver_graph(build, folder, sharded=False, devices=1):
    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.disable_resource_variables()
        build()
        saver = tf.compat.v1.train.Saver(sharded=sharded, write_version=tf.compat.v1.train.SaverDef.V2)
        config = tf.compat.v1.ConfigProto(device_count={"CPU": devices}, allow_soft_placement=False)
        with tf.compat.v1.Session(graph=graph, config=config) as session:
            session.run(tf.compat.v1.global_variables_initializer())
            saver.save(session, os.path.join(folder, PREFIX), write_meta_graph=False, write_state=False)
    return manifest(folder)


def build_saver():
    v1 = tf.compat.v1
    init = v1.random_normal_initializer(seed=11)
    v1.get_variable("conv/weights", [3, 3, 2, 4], initializer=init)
    v1.get_variable("conv/biases", [4], initializer=init)
    v1.get_variable("global_step", [], dtype=tf.int64, initializer=v1.constant_initializer(1234))
    v1.get_variable("embeddings", [7, 4], initializer=init, partitioner=v1.fixed_size_partitioner(3))
    v1.get_variable("wide", [3, 5], initializer=init, partitioner=v1.fixed_size_partitioner(2, axis=1))
    v1.get_variable("cube", [5, 2, 3], dtype=tf.float64, initializer=init,
                    partitioner=v1.fixed_size_partitioner(2))
    v1.get_variable("counts", [6], dtype=tf.int64, partitioner=v1.fixed_size_partitioner(4),
                    initializer=v1.random_uniform_initializer(-1000, 1000, seed=3, dtype=tf.int64))


def build_sharded():
    v1 = tf.compat.v1
    init = v1.random_normal_initializer(seed=7)
    with tf.device("/cpu:0"):
        v1.get_variable("a", [4, 3], initializer=init)
        v1.get_variable("b", [], dtype=tf.int32, initializer=v1.constant_initializer(-9))
    with tf.device("/cpu:1"):
        v1.get_variable("c", [10], dtype=tf.float64, initializer=init)
        v1.get_variable("parts", [5, 2], initializer=init, partitioner=v1.fixed_size_partitioner(2))
    with tf.device("/cpu:2"):
        v1.Variable([b"one", b"", b"three"], name="d")
        v1.get_variable("e", [2, 2], dtype=tf.float16, initializer=v1.constant_initializer(0.25))


def build_many_blocks():
    v1 = tf.compat.v1
    rng = np.random.default_rng(9)
    alphabet = np.array(list("abcdefghijklmnopqrstuvwxyz0123456789_"))
    for index in range(1400):
        name = "v" + "".join(rng.choice(alphabet, 190)) + "_%04d" % index
        v1.Variable(np.int8(index % 100), name=name)


# MARK: - Big-endian copy (small LevelDB table writer)

def crc32c(data, crc=0):
    table = crc32c.table
    crc ^= 0xFFFFFFFF
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


crc32c.table = []
for n in range(256):
    c = n
    for _ in range(8):
        c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
    crc32c.table.append(c)


def mask(crc):
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def block(entries, restart_interval=16):
    out, restarts, previous = bytearray(), [], b""
    for index, (key, value) in enumerate(entries):
        shared = 0
        if index % restart_interval == 0:
            restarts.append(len(out))
        else:
            while shared < min(len(key), len(previous)) and key[shared] == previous[shared]:
                shared += 1
        out += varint(shared) + varint(len(key) - shared) + varint(len(value)) + key[shared:] + value
        previous = key
    for offset in restarts or [0]:
        out += struct.pack("<I", offset)
    return bytes(out + struct.pack("<I", len(restarts or [0])))


def write_table(path, entries, data_block_type=0):
    """One data block, an empty metaindex block, an index block and the footer (spec 6.3).
    `data_block_type` 1 labels the (uncompressed) data block as Snappy, with a valid CRC."""
    out = bytearray()

    def append_block(contents, kind=0):
        handle = varint(len(out)) + varint(len(contents))
        trailer = bytes([kind])
        out.extend(contents + trailer + struct.pack("<I", mask(crc32c(contents + trailer))))
        return handle

    data_handle = append_block(block(entries), data_block_type)
    meta_handle = append_block(block([]))
    index_handle = append_block(block([(entries[-1][0] + b"\x00", data_handle)], restart_interval=1))
    footer = meta_handle + index_handle
    out += footer + b"\x00" * (40 - len(footer)) + struct.pack("<Q", 0xDB4775248B80FB57)
    with open(path, "wb") as handle:
        handle.write(out)


def write_bigendian(source_values):
    folder = fresh("bigendian")
    reader = tf.train.load_checkpoint(os.path.join(HERE, "dtypes", PREFIX))
    header = tensor_bundle_pb2.BundleHeaderProto(num_shards=1, endianness=tensor_bundle_pb2.BundleHeaderProto.BIG)
    header.version.producer = 1
    entries, data = [(b"", header.SerializeToString())], bytearray()
    for key in sorted(source_values):
        dtype = reader.get_variable_to_dtype_map()[key]
        value = reader.get_tensor(key)
        entry = tensor_bundle_pb2.BundleEntryProto(dtype=dtype.as_datatype_enum, shard_id=0, offset=len(data))
        for size in np.shape(value):
            entry.shape.dim.add(size=size)
        if dtype == tf.string:
            flat = [bytes(s) for s in np.asarray(value, dtype=object).reshape(-1)]
            lengths = b"".join(varint(len(s)) for s in flat)
            length_crc = crc32c(b"".join(struct.pack(">I", len(s)) for s in flat))  # writer's (BE) order
            stored = struct.pack(">I", mask(length_crc))
            payload = lengths + stored + b"".join(flat)
            crc = crc32c(b"".join(flat), crc32c(stored, length_crc))
        else:
            array = np.asarray(value)
            if dtype.is_complex:
                parts = array.view(array.real.dtype)
                payload = parts.astype(parts.dtype.newbyteorder(">")).tobytes()
            else:
                payload = array.astype(array.dtype.newbyteorder(">")).tobytes()
            crc = crc32c(payload)
        entry.size, entry.crc32c = len(payload), mask(crc)
        data += payload
        entries.append((key.encode(), entry.SerializeToString()))
    write_table(os.path.join(folder, PREFIX + ".index"), entries)
    with open(os.path.join(folder, PREFIX + ".data-00000-of-00001"), "wb") as handle:
        handle.write(data)
    values = manifest(folder)
    assert values == source_values, "TensorFlow reads the big-endian copy differently"


# MARK: - Corrupt bundles

def header_value(num_shards=1, min_consumer=0, bad_consumers=()):
    header = tensor_bundle_pb2.BundleHeaderProto(num_shards=num_shards)
    header.version.producer = 1
    header.version.min_consumer = min_consumer
    header.version.bad_consumers.extend(bad_consumers)
    return header.SerializeToString()


def pod_entry(array, offset, shard_id=0, **overrides):
    payload = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()
    entry = tensor_bundle_pb2.BundleEntryProto(
        dtype=tf.as_dtype(array.dtype).as_datatype_enum, shard_id=shard_id, offset=offset, size=len(payload),
        crc32c=mask(crc32c(payload)))
    for size in array.shape:
        entry.shape.dim.add(size=size)
    for field, value in overrides.items():
        setattr(entry, field, value)
    return entry, payload


def tensorflow_outcome(prefix, key):
    """What TF does reading `key`, in a forked child: some bad entries abort the whole process."""
    import multiprocessing

    def child(connection):
        try:
            tf.train.load_checkpoint(prefix).get_tensor(key)
            connection.send("ok")
        except Exception as error:  # noqa: BLE001 - recorded for the reader's information
            connection.send("%s: %s" % (type(error).__name__, str(error).strip().splitlines()[0][:300]))

    parent_end, child_end = multiprocessing.Pipe()
    process = multiprocessing.get_context("fork").Process(target=child, args=(child_end,))
    process.start()
    process.join()
    outcome = parent_end.recv() if parent_end.poll() else "process died (exit code %s)" % process.exitcode
    return outcome.replace(HERE + "/", "")


def write_corrupt():
    root = fresh("corrupt")
    weights = np.arange(6, dtype=np.float32).reshape(2, 3) / 4
    cases = {}

    def case(name, key, entries, shards, **table_options):
        folder = os.path.join(root, name)
        os.makedirs(folder)
        write_table(os.path.join(folder, PREFIX + ".index"), entries, **table_options)
        for index, data in enumerate(shards):
            if data is not None:
                with open(os.path.join(folder, PREFIX + ".data-%05d-of-%05d" % (index, len(shards))), "wb") as out:
                    out.write(data)
        cases[name] = {"key": key, "tensorflow": tensorflow_outcome(os.path.join(folder, PREFIX), key)}

    entry, payload = pod_entry(weights, 0)
    case("valid", "w", [(b"", header_value()), (b"w", entry.SerializeToString())], [payload])
    entry, payload = pod_entry(weights, 8)
    case("offset_past_end", "w", [(b"", header_value()), (b"w", entry.SerializeToString())], [payload])
    entry, payload = pod_entry(weights, 0, size=20)
    case("size_mismatch", "w", [(b"", header_value()), (b"w", entry.SerializeToString())], [payload])
    entry, payload = pod_entry(weights, 0, size=2**62)
    case("huge_size", "w", [(b"", header_value()), (b"w", entry.SerializeToString())], [payload])
    entry, payload = pod_entry(weights, 0, shard_id=1)
    case("missing_shard", "w", [(b"", header_value(2)), (b"w", entry.SerializeToString())], [payload, None])
    entry, payload = pod_entry(weights, 0, shard_id=5)
    case("shard_id_out_of_range", "w", [(b"", header_value(2)), (b"w", entry.SerializeToString())],
         [payload, payload])
    entry, payload = pod_entry(weights, 0)
    case("min_consumer_too_new", "w", [(b"", header_value(min_consumer=2)), (b"w", entry.SerializeToString())],
         [payload])
    case("bad_consumer", "w", [(b"", header_value(bad_consumers=[1])), (b"w", entry.SerializeToString())],
         [payload])
    case("snappy_block", "w", [(b"", header_value()), (b"w", entry.SerializeToString())], [payload],
         data_block_type=1)
    case("no_header", "w", [(b"w", entry.SerializeToString())], [payload])
    entry.crc32c = mask(crc32c(payload) ^ 1)
    case("crc_mismatch", "w", [(b"", header_value()), (b"w", entry.SerializeToString())], [payload])
    entry, payload = pod_entry(weights, 0)
    entry.shape.dim[0].size = -1
    case("negative_dimension", "w", [(b"", header_value()), (b"w", entry.SerializeToString())], [payload])
    entry, payload = pod_entry(weights, 0)
    entry.dtype = tf.resource.as_datatype_enum
    case("resource_dtype", "w", [(b"", header_value()), (b"w", entry.SerializeToString())], [payload])

    # A [4,3] tensor in two [2,3] slices; variants break the tiling.
    top, bottom = weights, weights + 10

    def partitioned(name, starts):
        entries, data = [(b"", header_value())], b""
        full = tensor_bundle_pb2.BundleEntryProto(dtype=tf.float32.as_datatype_enum)
        full.shape.dim.add(size=4)
        full.shape.dim.add(size=3)
        slice_entries = []
        for start, part in zip(starts, (top, bottom)):
            extent = full.slices.add()
            extent.extent.add(start=start, length=2)
            extent.extent.add()
            slice_entry, payload = pod_entry(part, len(data))
            data += payload
            key = b"\x00" + b"p" + b"\x00\x01" + b"\x01\x02" + bytes([0x80 + start, 0x82, 0x80, 0x7F])
            slice_entries.append((key, slice_entry.SerializeToString()))
        entries += sorted(slice_entries) + [(b"p", full.SerializeToString())]
        case(name, "p", entries, [data])

    partitioned("slices_valid", [0, 2])
    partitioned("slices_overlap", [0, 1])
    partitioned("slices_duplicate", [0, 0])
    with open(os.path.join(root, "cases.json"), "w") as out:
        json.dump(cases, out, indent=1)


def main():
    assert tf.__version__ == "2.21.0", tf.__version__
    dtypes = write_dtypes()
    write_policy()
    saver_graph(build_saver, fresh("saver"))
    saver_graph(build_sharded, fresh("sharded"), sharded=True, devices=3)
    saver_graph(build_many_blocks, fresh("manyblocks"))
    write_bigendian(dtypes)
    write_corrupt()
    print("wrote", sorted(d for d in os.listdir(HERE) if os.path.isdir(os.path.join(HERE, d))), file=sys.stderr)


if __name__ == "__main__":
    main()
