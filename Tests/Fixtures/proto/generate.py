#!/usr/bin/env python3
"""Writes the TFProto test fixtures: real TensorFlow / TF Hub protobuf files plus TF's own JSON rendering.

Versions used (recorded in README.md too): tensorflow-cpu 2.21.0, tensorflow-hub 0.15.0,
tf-keras 2.21.0, numpy 2.4.6, protobuf (Python) 7.36.2.

Run:  Tests/Fixtures/proto/generate.sh   (PYTHON=... to choose the interpreter)
  or  .venv-oracle/bin/python Tests/Fixtures/proto/generate.py

Outputs (in this folder):
  attrs_graph.pb / .json     a GraphDef with every AttrValue kind and every TensorProto value field
  hub_module/                a TF1 hub-format module (tags {} and {"train"}, signatures `default` and
                             `image_feature_vector`, an ImageModuleInfo attachment, an asset, a resource,
                             a ref and a partitioned variable); exported by tensorflow_hub 0.15
  hub_module.saved_model.json, hub_module.tfhub_module.json   JSON of the two .pb files
  nested.json                messages stored as bytes inside others (VariableDefs in collections,
                             ModuleAttachments, ImageModuleInfo), each as base64 bytes + TF's JSON
  bundle.json                BundleHeaderProto / BundleEntryProto values read from variables.index
  enum_names.json            enum value names from TF's descriptors (the JSON names enums by name)
JSON is json_format.MessageToJson(..., preserving_proto_field_name=True): proto3 JSON rules (int64 as
strings, bytes base64, enums by name, default values omitted, set sub-messages always present).
"""
import base64, importlib, json, os, shutil, struct, sys, tempfile, types

HERE = os.path.dirname(os.path.abspath(__file__))

# tensorflow_hub 0.15 imports tf.compat.v1.estimator, which TF 2.16+ lacks; a stub is enough to export.
_stub = types.ModuleType("tensorflow.compat.v1.estimator")
_stub.Exporter = object
_stub.BestExporter = object
sys.modules["tensorflow.compat.v1.estimator"] = _stub
import numpy as np
import tensorflow as tf
setattr(importlib.import_module("tensorflow.compat.v1"), "estimator", _stub)
import tensorflow_hub as hub
from google.protobuf import json_format
from tensorflow.core.framework import (attr_value_pb2, full_type_pb2, graph_pb2, node_def_pb2,
                                       resource_handle_pb2, tensor_pb2, tensor_shape_pb2, types_pb2,
                                       variable_pb2)
from tensorflow.core.protobuf import meta_graph_pb2, saved_model_pb2, saver_pb2, struct_pb2, tensor_bundle_pb2
from tensorflow_hub import image_module_info_pb2, module_attachment_pb2, module_def_pb2

assert tf.__version__ == "2.21.0", tf.__version__
assert hub.__version__ == "0.15.0", hub.__version__


def to_json(message):
    return json.loads(json_format.MessageToJson(message, preserving_proto_field_name=True))


def write(name, data):
    path = os.path.join(HERE, name)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode) as f:
        f.write(data)


def write_json(name, value):
    write(name, json.dumps(value, indent=1, sort_keys=True) + "\n")


# MARK: - GraphDef with every AttrValue kind

def shape(dims=None, unknown_rank=False):
    s = tensor_shape_pb2.TensorShapeProto(unknown_rank=unknown_rank)
    for d in dims or []:
        s.dim.add(size=d)
    return s


def attrs_graph():
    tf.compat.v1.disable_eager_execution()
    g = tf.Graph()
    with g.as_default():
        # Shapes: unknown rank, partly unknown (-1), named dims come below.
        x = tf.compat.v1.placeholder(tf.float32, shape=None, name="unknown_rank")
        y = tf.compat.v1.placeholder(tf.float32, shape=[None, 4, 4, 3], name="images")
        # tensor_content (TF uses it for multi-element arrays given in full).
        tf.constant(np.arange(12, dtype=np.float32).reshape(3, 4), name="content_float")
        tf.constant(np.arange(6, dtype=np.int64).reshape(2, 3) - 3, name="content_int64")
        # Typed fields with one value that fills the shape (broadcast rule).
        for dtype, value in [(tf.float32, 0.5), (tf.float64, -2.25), (tf.int32, -7), (tf.int64, 1 << 40),
                             (tf.bool, True), (tf.float16, 1.5), (tf.bfloat16, -3.0), (tf.int8, -8),
                             (tf.uint8, 200), (tf.int16, -300), (tf.uint16, 60000), (tf.uint32, 4000000000),
                             (tf.uint64, (1 << 64) - 1), (tf.complex64, 1 + 2j), (tf.complex128, -3 - 4j),
                             (tf.string, b"fill")]:
            tf.constant(value, dtype=dtype, shape=[2, 3], name="fill_" + dtype.name)
        tf.constant([b"a", b"\xff\x00b"], name="strings")
        tf.constant(3.0, name="scalar")
        # Real ops with list(int), string, bool, type attrs.
        w = tf.constant(np.ones([3, 3, 3, 2], np.float32), name="filter")
        conv = tf.nn.conv2d(y, w, strides=[1, 2, 2, 1], padding="SAME", name="conv")
        tf.nn.relu(conv, name="relu")
        tf.identity(x, name="identity")
        with tf.control_dependencies([conv]):
            tf.add(x, 1.0, name="after_conv")
        tf.split(y, 3, axis=3, name="split")
        tf.math.add_n([tf.split(y, 3, axis=3)[1], tf.split(y, 3, axis=3)[2]], name="split_sum")

        @tf.function
        def scale(t, k):
            return t * k

        scale(tf.constant([1.0, 2.0]), tf.constant(3.0))  # a function library and a func attr
    gd = g.as_graph_def()

    # TF writes such tensors itself (e.g. from C++); the last value fills the rest of the shape.
    fill_last = gd.node.add(name="fill_last_float", op="Const")
    fill_last.attr["dtype"].type = types_pb2.DT_FLOAT
    fill_last.attr["value"].tensor.CopyFrom(tensor_pb2.TensorProto(
        dtype=types_pb2.DT_FLOAT, tensor_shape=shape([4]), float_val=[1.0, 2.0]))

    # One node holding every AttrValue oneof case and every ListValue kind, built with TF's classes.
    node = gd.node.add(name="all_attrs", op="NoOp", device="/job:localhost/replica:0/task:0/device:CPU:0")
    node.input.extend(["images", "split:2", "^scalar"])
    a = node.attr
    a["s"].s = b"SAME"
    a["s_binary"].s = b"\x00\xff\xfe"
    a["s_empty"].s = b""
    a["i"].i = -(1 << 62)
    a["i_zero"].i = 0
    a["f"].f = 0.1
    a["f_nan"].f = float("nan")
    a["f_inf"].f = float("-inf")
    a["f_negative_zero"].f = -0.0
    a["b"].b = True
    a["b_false"].b = False
    a["type"].type = types_pb2.DT_HALF
    a["type_ref"].type = types_pb2.DT_FLOAT_REF
    a["type_unknown"].type = 77
    a["shape"].shape.CopyFrom(shape([-1, 224, 224, 3]))
    a["shape_unknown_rank"].shape.CopyFrom(shape(unknown_rank=True))
    a["shape_scalar"].shape.CopyFrom(shape([]))
    named = shape([2]); named.dim[0].name = "batch"
    a["shape_named"].shape.CopyFrom(named)
    a["tensor"].tensor.CopyFrom(tf.make_tensor_proto(np.array([[1, 2], [3, 4]], np.int32)))
    a["tensor_broadcast"].tensor.CopyFrom(tf.make_tensor_proto(2.5, dtype=tf.float32, shape=[3, 3]))
    a["placeholder"].placeholder = "T"
    a["func"].func.name = "MyFunction"
    a["func"].func.attr["T"].type = types_pb2.DT_FLOAT
    a["func"].func.attr["inner"].func.name = "Inner"
    a["func"].func.attr["inner"].func.attr["n"].i = 3
    a["list_empty"].list.SetInParent()
    a["list_s"].list.s.extend([b"a", b"", b"\x01\x02"])
    a["list_i"].list.i.extend([1, -1, 1 << 40])
    a["list_f"].list.f.extend([1.5, -0.25, float("inf")])
    a["list_b"].list.b.extend([True, False, True])
    a["list_type"].list.type.extend([types_pb2.DT_FLOAT, types_pb2.DT_INT64, types_pb2.DT_RESOURCE])
    a["list_shape"].list.shape.extend([shape([1, 2]), shape(unknown_rank=True), shape([-1]), shape([])])
    a["list_tensor"].list.tensor.extend([tf.make_tensor_proto(np.float32(1)),
                                         tf.make_tensor_proto([b"x", b"yz"])])
    f1 = a["list_func"].list.func.add(name="F1")
    f1.attr["k"].s = b"v"
    a["list_func"].list.func.add(name="F2")
    a["unset"].SetInParent()
    # A tensor with every typed value field set at once, plus resource and variant values.
    t = a["tensor_all_fields"].tensor
    t.dtype = types_pb2.DT_VARIANT
    t.tensor_shape.CopyFrom(shape([1]))
    t.version_number = 2
    t.tensor_content = b"\x01\x02\x03"
    t.half_val.extend([0x3C00, 0xBC00])
    t.float_val.extend([1.25, float("nan")])
    t.double_val.extend([1e300, -0.0])
    t.int_val.extend([-2147483648, 2147483647])
    t.string_val.extend([b"", b"\xc3\xa9"])
    t.scomplex_val.extend([1.0, -1.0])
    t.int64_val.extend([-(1 << 63), (1 << 63) - 1])
    t.bool_val.extend([False, True])
    t.dcomplex_val.extend([0.5, 0.25])
    t.uint32_val.extend([0, 4294967295])
    t.uint64_val.extend([0, (1 << 64) - 1])
    t.float8_val = b"\x38\x40"
    h = t.resource_handle_val.add(device="/cpu:0", container="c", name="var", hash_code=(1 << 64) - 2,
                                  maybe_type_name="Var")
    h.dtypes_and_shapes.add(dtype=types_pb2.DT_FLOAT, shape=shape([3, 3]))
    v = t.variant_val.add(type_name="tensorflow::TensorList", metadata=b"\x00meta")
    v.tensors.add().CopyFrom(tf.make_tensor_proto(np.int64(5)))
    # Experimental NodeDef fields.
    dbg = gd.node.add(name="debug_info", op="Identity", input=["scalar"])
    dbg.attr["T"].type = types_pb2.DT_FLOAT
    dbg.experimental_debug_info.original_node_names.extend(["a", "b"])
    dbg.experimental_debug_info.original_func_names.append("f")
    dbg.experimental_type.type_id = full_type_pb2.TFT_PRODUCT
    arg = dbg.experimental_type.args.add(type_id=full_type_pb2.TFT_TENSOR)
    arg.args.add(type_id=full_type_pb2.TFT_FLOAT)
    dbg.experimental_type.args.add(type_id=full_type_pb2.TFT_LEGACY_VARIANT, s="legacy")
    dbg.experimental_type.args.add(type_id=full_type_pb2.TFT_ARRAY, i=-4)
    gd.versions.bad_consumers.extend([3, 9])
    gd.library.gradient.add(function_name="f", gradient_func="f_grad")
    gd.library.registered_gradients.add(gradient_func="g", registered_op_type="MyOp")
    return gd


# MARK: - Hub module

def batch_norm(net, training):
    gamma = tf.compat.v1.get_variable("bn/gamma", [4], initializer=tf.compat.v1.ones_initializer())
    beta = tf.compat.v1.get_variable("bn/beta", [4], initializer=tf.compat.v1.zeros_initializer())
    mean = tf.compat.v1.get_variable("bn/moving_mean", [4], trainable=False,
                                     initializer=tf.compat.v1.zeros_initializer())
    variance = tf.compat.v1.get_variable("bn/moving_variance", [4], trainable=False,
                                         initializer=tf.compat.v1.ones_initializer())
    if not training:
        return tf.compat.v1.nn.fused_batch_norm(net, gamma, beta, mean, variance, is_training=False)[0]
    out, batch_mean, batch_variance = tf.compat.v1.nn.fused_batch_norm(net, gamma, beta, is_training=True)
    for variable, value in [(mean, batch_mean), (variance, batch_variance)]:
        tf.compat.v1.add_to_collection(tf.compat.v1.GraphKeys.UPDATE_OPS, variable.assign(value))
    return out


def module_fn(training):
    images = tf.compat.v1.placeholder(tf.float32, shape=[None, 8, 8, 3], name="images")
    kernel = tf.compat.v1.get_variable("conv/kernel", [3, 3, 3, 4], use_resource=True,
                                       initializer=tf.compat.v1.random_normal_initializer(seed=1))
    bias = tf.compat.v1.get_variable("conv/bias", [4], use_resource=False,  # VariableV2 (ref) style
                                     initializer=tf.compat.v1.constant_initializer(0.1))
    net = tf.nn.bias_add(tf.nn.conv2d(images, kernel, [1, 1, 1, 1], "SAME"), bias)
    net = batch_norm(net, training)
    net = tf.nn.relu6(net)
    features = tf.reduce_mean(net, axis=[1, 2], name="features")
    dense = tf.compat.v1.get_variable("logits/kernel", [4, 6], use_resource=True,
                                      partitioner=tf.compat.v1.fixed_size_partitioner(2),
                                      initializer=tf.compat.v1.random_normal_initializer(seed=2))
    logits = tf.matmul(features, dense, name="logits")
    vocab = os.path.join(tempfile.gettempdir(), "tfproto_labels.txt")
    with open(vocab, "w") as f:
        f.write("cat\ndog\n")
    label_file = tf.constant(vocab, name="label_file")
    tf.compat.v1.add_to_collection(tf.compat.v1.GraphKeys.ASSET_FILEPATHS, label_file)
    hub.add_signature(inputs={"images": images}, outputs={"default": logits, "labels_path": label_file})
    hub.add_signature("image_feature_vector", inputs=images, outputs=features)
    hub.attach_image_module_info(hub.ImageModuleInfo(
        default_image_size=hub.ImageModuleInfo.InputSize(height=8, width=8)))


def hub_module(path):
    spec = hub.create_module_spec(module_fn, tags_and_args=[(set(), {"training": False}),
                                                            ({"train"}, {"training": True})])
    with tf.Graph().as_default():
        module = hub.Module(spec, trainable=True)
        with tf.compat.v1.Session() as session:
            session.run(tf.compat.v1.global_variables_initializer())
            module.export(path, session)


# MARK: - Bundle index (an immutable LevelDB-style table, uncompressed; see tf-hub-format.md §6.3)

def varint(data, pos):
    result, shift = 0, 0
    while True:
        b = data[pos]; pos += 1
        result |= (b & 0x7F) << shift; shift += 7
        if b < 0x80:
            return result, pos


def read_index(path):
    data = open(path, "rb").read()
    footer = data[-48:]
    _, p = varint(footer, 0); _, p = varint(footer, p)           # metaindex handle
    index_offset, p = varint(footer, p); index_size, p = varint(footer, p)

    def block_entries(offset, size):
        block = data[offset:offset + size]
        assert data[offset + size] == 0, "compressed block"
        restarts = struct.unpack_from("<I", block, len(block) - 4)[0]
        end = len(block) - 4 - 4 * restarts
        pos, key, out = 0, b"", []
        while pos < end:
            shared, pos = varint(block, pos); unshared, pos = varint(block, pos); vlen, pos = varint(block, pos)
            key = key[:shared] + block[pos:pos + unshared]; pos += unshared
            out.append((key, block[pos:pos + vlen])); pos += vlen
        return out

    entries = []
    for _, handle in block_entries(index_offset, index_size):
        off, q = varint(handle, 0); size, q = varint(handle, q)
        entries.extend(block_entries(off, size))
    return entries


def main():
    gd = attrs_graph()
    write("attrs_graph.pb", gd.SerializeToString(deterministic=True))
    write_json("attrs_graph.json", to_json(gd))

    out = os.path.join(HERE, "hub_module")
    shutil.rmtree(out, ignore_errors=True)
    tmp = tempfile.mkdtemp()
    hub_module(os.path.join(tmp, "m"))
    shutil.copytree(os.path.join(tmp, "m"), out)
    shutil.rmtree(tmp)

    sm = saved_model_pb2.SavedModel.FromString(open(os.path.join(out, "saved_model.pb"), "rb").read())
    md = module_def_pb2.ModuleDef.FromString(open(os.path.join(out, "tfhub_module.pb"), "rb").read())
    write_json("hub_module.saved_model.json", to_json(sm))
    write_json("hub_module.tfhub_module.json", to_json(md))

    nested = []
    def add(where, message):
        nested.append({"where": where, "type": message.DESCRIPTOR.full_name,
                       "bytes": base64.b64encode(message.SerializeToString()).decode(), "json": to_json(message)})
    for i, mg in enumerate(sm.meta_graphs):
        for key in sorted(mg.collection_def):
            col = mg.collection_def[key]
            if col.WhichOneof("kind") != "bytes_list":
                continue
            for j, raw in enumerate(col.bytes_list.value):
                where = f"meta_graphs[{i}].collection_def[{key}].bytes_list.value[{j}]"
                if key == "hub_module_attachments":
                    att = module_attachment_pb2.ModuleAttachment.FromString(raw)
                    add(where, att)
                    if att.key == "image_module_info":
                        add(where + ".value", image_module_info_pb2.ImageModuleInfo.FromString(att.value))
                elif key in ("variables", "trainable_variables", "model_variables", "local_variables"):
                    add(where, variable_pb2.VariableDef.FromString(raw))
    write_json("nested.json", nested)

    bundle = []
    for key, value in read_index(os.path.join(out, "variables", "variables.index")):
        cls = tensor_bundle_pb2.BundleHeaderProto if key == b"" else tensor_bundle_pb2.BundleEntryProto
        message = cls.FromString(value)
        bundle.append({"key": base64.b64encode(key).decode(), "type": message.DESCRIPTOR.full_name,
                       "bytes": base64.b64encode(value).decode(), "json": to_json(message)})
    write_json("bundle.json", bundle)

    enums = {}
    for enum in [types_pb2.DataType.DESCRIPTOR, full_type_pb2.FullTypeId.DESCRIPTOR,
                 tensor_bundle_pb2.BundleHeaderProto.Endianness.DESCRIPTOR,
                 saver_pb2.SaverDef.CheckpointFormatVersion.DESCRIPTOR,
                 variable_pb2.VariableSynchronization.DESCRIPTOR, variable_pb2.VariableAggregation.DESCRIPTOR,
                 module_def_pb2.ModuleDef.Format.DESCRIPTOR, struct_pb2.TypeSpecProto.TypeSpecClass.DESCRIPTOR]:
        enums[enum.full_name] = {str(v.number): v.name for v in enum.values}
    write_json("enum_names.json", enums)


if __name__ == "__main__":
    main()
