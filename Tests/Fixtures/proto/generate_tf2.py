#!/usr/bin/env python3
"""Writes the TFProto fixtures of TF2's object graphs: a TF2 SavedModel whose object graph holds every
kind of SavedObject TF 2.21 writes for plain tf.Modules, plus TF's own JSON rendering.

Versions used: tensorflow-cpu 2.21.0, tensorflow-hub 0.15.0 (not used), tf-keras 2.21.0 (not used),
numpy 2.4.6, protobuf (Python) 7.36.2 (Tests/Fixtures/oracle-requirements.txt).

Run:  .venv-oracle/bin/python Tests/Fixtures/proto/generate_tf2.py   (refuses to overwrite tf2_module/)

Outputs (in this folder):
  tf2_module/                 tf.saved_model.save of a tf.Module with: trainable and non-trainable
                              variables (a dict whose keys need escaping), tf.functions with and without
                              input_signature (one jit_compile=True), a method traced twice (training
                              True/False), one returning a named tuple and a dict, an Asset, a captured
                              constant, a StaticHashTable (a resource with its functions), signatures
  tf2_module.saved_model.json TF's JSON of tf2_module/saved_model.pb (MetaGraphDef.object_graph_def incl.)
  tf2_object_graph.json       the checkpoint's `_CHECKPOINTABLE_OBJECT_GRAPH` (a TrackableObjectGraph):
                              base64 bytes + TF's JSON
  tf2_enum_names.json         enum names the JSON uses beyond enum_names.json (FunctionSpec.JitCompile)
JSON is json_format.MessageToJson(..., preserving_proto_field_name=True).
"""
import base64
import collections
import json
import os
import sys

import numpy as np
import tensorflow as tf
from google.protobuf import json_format
from tensorflow.core.protobuf import saved_model_pb2, saved_object_graph_pb2, trackable_object_graph_pb2

HERE = os.path.dirname(os.path.abspath(__file__))
assert tf.__version__ == "2.21.0", tf.__version__

Pair = collections.namedtuple("Pair", ["total", "scaled"])


def to_json(message):
    return json.loads(json_format.MessageToJson(message, preserving_proto_field_name=True))


def write_json(name, value):
    with open(os.path.join(HERE, name), "w") as f:
        f.write(json.dumps(value, indent=1, sort_keys=True) + "\n")


class Everything(tf.Module):
    def __init__(self, asset_path):
        super().__init__()
        self.params = {"w.0/a": tf.Variable(np.arange(6, dtype=np.float32).reshape(2, 3))}
        self.count = tf.Variable(np.int64(3), trainable=False)
        self.asset = tf.saved_model.Asset(asset_path)
        self.offset = tf.constant([1.0, 2.0, 3.0])
        keys = tf.constant(["a", "b"])
        self.table = tf.lookup.StaticHashTable(tf.lookup.KeyValueTensorInitializer(keys, tf.constant([1, 2], tf.int64)), -1)

    @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32, name="x")])
    def project(self, x):
        return tf.matmul(x, self.params["w.0/a"]) + self.offset

    @tf.function
    def __call__(self, x, training=False, scale=2.0):
        y = self.project(x)
        if training:
            y = y * scale
        return {"y": y, "n": self.count + self.table.lookup(tf.constant("b"))}

    @tf.function(jit_compile=True)
    def pair(self, a, b):
        return Pair(total=a + b, scaled=[a * 2.0, {"b": b}])

    @tf.function(input_signature=[])
    def asset_path(self):
        return self.asset.asset_path


def main():
    out = os.path.join(HERE, "tf2_module")
    if os.path.exists(out):
        sys.exit("refusing to overwrite %s" % out)
    asset = os.path.join(HERE, "tf2_asset.txt")
    with open(asset, "w") as f:
        f.write("tf2 asset\n")
    module = Everything(asset)
    spec = tf.TensorSpec([None, 2], tf.float32)
    module.__call__.get_concrete_function(spec, training=True)
    module.__call__.get_concrete_function(spec, training=False)
    module.pair.get_concrete_function(tf.TensorSpec([3], tf.float32), tf.TensorSpec([3], tf.float32))
    signatures = {"serving_default": module.project, "asset": module.asset_path}
    tf.saved_model.save(module, out, signatures=signatures)
    os.remove(asset)

    sm = saved_model_pb2.SavedModel()
    with open(os.path.join(out, "saved_model.pb"), "rb") as f:
        sm.ParseFromString(f.read())
    write_json("tf2_module.saved_model.json", to_json(sm))
    reader = tf.train.load_checkpoint(os.path.join(out, "variables", "variables"))
    graph_bytes = reader.get_tensor("_CHECKPOINTABLE_OBJECT_GRAPH")
    graph = trackable_object_graph_pb2.TrackableObjectGraph.FromString(graph_bytes)
    write_json("tf2_object_graph.json", {"bytes": base64.b64encode(graph_bytes).decode(), "json": to_json(graph)})
    enum = saved_object_graph_pb2.FunctionSpec.JitCompile.DESCRIPTOR
    write_json("tf2_enum_names.json", {"tensorflow.FunctionSpec.JitCompile": {str(v.number): v.name for v in enum.values}})
    kinds = collections.Counter(n.WhichOneof("kind") for n in sm.meta_graphs[0].object_graph_def.nodes)
    print(json.dumps({"object kinds": kinds, "checkpoint nodes": len(graph.nodes)}, indent=1))


if __name__ == "__main__":
    main()
