#!/usr/bin/env python3
"""Writes small TF2 SavedModels (tf.Module, tf.saved_model.save) for the object-graph edge cases and
bad inputs of the TF2 front end, plus TensorFlow's outputs where they run.

Generated with: tensorflow-cpu 2.21.0, tf-keras 2.21.0, tensorflow-hub 0.15.0, numpy 2.4.6,
Python 3.11.7 (exact pins: Tests/Fixtures/oracle-requirements.txt). TensorFlow is a test oracle only.

Fixtures (each OUT/<name>/savedmodel, references OUT/<name>/*.npy, OUT/manifest.json)
  tiny              x [-1, 6] -> a reusable SavedModel: `__call__(x, training=False)` (traced with
                    training True and False; True adds 1) returning {"hidden", "logits"} from nested
                    tf.functions on variables held in a dict whose keys need escaping in checkpoint
                    keys ("dense.kernel/0" -> `params/dense..kernel.S0`) and a captured constant
                    (`shift`, a SavedConstant); signatures `serving_default` ({"x"} -> {"logits"}) and
                    `both` ({"x"} -> {"hidden", "logits"}).
  tiny_no_object_graph  `tiny` with its checkpoint rewritten without `_CHECKPOINTABLE_OBJECT_GRAPH`
                    (TensorFlow then falls back to a name-based restore and fails: recorded).
  missing_key       `tiny` with the checkpoint's `params/dense..kernel.S0` tensor renamed, so the key the
                    checkpoint's object graph names is missing.
  unsupported_op    serving_default calls a tf.function using Cumsum that calls one using Erf.
  table_call        `__call__` looks a key up in a tf.lookup.StaticHashTable (a captured resource),
                    beside a dense `serving_default` (x [-1, 6] -> 3x).
  ragged_call       `__call__` takes a tf.RaggedTensor (a TypeSpec in its canonicalized input
                    signature: not a dense tensor), beside a dense `serving_default` (x [-1, 6] -> 2x).
  composite_signature  `ragged_call` plus a signature_def entry `ragged` whose input is encoded as
                    `TensorInfo.composite_tensor` (RaggedTensorSpec). TF 2.21's signature writer
                    flattens composite inputs into dense components, so this entry is written with the
                    protobuf API, in the encoding meta_graph.proto defines for it.

Inputs: x = oracle_hub.formula_inputs(B, 1, 1, c=6).reshape(B, 6) * 4 - 2 (not stored). Files:
`<callable>_<output>_bB.npy` for callable call (hub.load(dir)(x, training=False)), call_train
(training=True), serving_default and both; B in 1 and 8.

Usage: make_edge_savedmodels.py --out DIR   (refuses to overwrite an existing DIR/<name>/savedmodel)
"""

import argparse
import json
import os
import shutil
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "nasnet"))
sys.path.insert(0, HERE)
import oracle_hub  # noqa: E402
from make_savedmodels import import_tf_and_hub  # noqa: E402

BATCHES = [1, 8]


def inputs(batch):
    return oracle_hub.formula_inputs(batch, 1, 1, c=6).reshape(batch, 6) * 4.0 - 2.0


def make_tiny(tf):
    rng = np.random.RandomState(7)

    class Tiny(tf.Module):
        def __init__(self):
            super().__init__()
            self.params = {
                "dense.kernel/0": tf.Variable(rng.normal(0, 0.5, (6, 5)).astype(np.float32)),
                "dense.bias": tf.Variable(rng.normal(0, 0.5, (5,)).astype(np.float32)),
            }
            self.head = tf.Variable(rng.normal(0, 0.5, (5, 3)).astype(np.float32))
            self.shift = tf.constant(rng.normal(0, 0.5, (5,)).astype(np.float32))

        @tf.function
        def hidden(self, x):
            z = tf.nn.bias_add(tf.matmul(x, self.params["dense.kernel/0"]), self.params["dense.bias"])
            return tf.nn.relu(z + self.shift)

        @tf.function
        def __call__(self, x, training=False):
            h = self.hidden(x)
            if training:
                h = h + 1.0
            return {"hidden": h, "logits": tf.matmul(h, self.head)}

    module = Tiny()
    spec = tf.TensorSpec([None, 6], tf.float32, name="x")
    module.__call__.get_concrete_function(spec, training=True)
    module.__call__.get_concrete_function(spec, training=False)
    both = tf.function(lambda x: module(x, training=False), input_signature=[spec])
    serving = tf.function(lambda x: {"logits": module(x, training=False)["logits"]}, input_signature=[spec])
    return module, {"serving_default": serving, "both": both}


def make_unsupported(tf):
    class Unsupported(tf.Module):
        def __init__(self):
            super().__init__()
            self.scale = tf.Variable(np.float32(1.5))

        @tf.function
        def inner(self, x):
            return tf.math.erf(x) * self.scale

        @tf.function
        def outer(self, x):
            return tf.math.cumsum(self.inner(x), axis=1)

    module = Unsupported()
    serving = tf.function(lambda x: {"y": module.outer(x)},
                          input_signature=[tf.TensorSpec([None, 6], tf.float32, name="x")])
    return module, {"serving_default": serving}


def make_table(tf):
    class Table(tf.Module):
        def __init__(self):
            super().__init__()
            self.scale = tf.Variable(np.float32(3.0))
            self.table = tf.lookup.StaticHashTable(
                tf.lookup.KeyValueTensorInitializer(tf.constant(["a", "b"]), tf.constant([1.0, 2.0])), -1.0)

        @tf.function(input_signature=[tf.TensorSpec([None, 6], tf.float32, name="x")])
        def __call__(self, x):
            return x * self.table.lookup(tf.constant("b"))

    module = Table()
    serving = tf.function(lambda x: {"y": x * module.scale},
                          input_signature=[tf.TensorSpec([None, 6], tf.float32, name="x")])
    return module, {"serving_default": serving}


def make_ragged(tf):
    class Ragged(tf.Module):
        def __init__(self):
            super().__init__()
            self.scale = tf.Variable(np.float32(2.0))

        @tf.function(input_signature=[tf.RaggedTensorSpec([None, None], tf.float32)])
        def __call__(self, x):
            return x.values * self.scale

    module = Ragged()
    serving = tf.function(lambda x: {"y": x * module.scale},
                          input_signature=[tf.TensorSpec([None, 6], tf.float32, name="x")])
    return module, {"serving_default": serving}


def add_composite_signature(saved_model_dir):
    from tensorflow.core.protobuf import meta_graph_pb2, saved_model_pb2, struct_pb2

    path = os.path.join(saved_model_dir, "saved_model.pb")
    sm = saved_model_pb2.SavedModel()
    with open(path, "rb") as f:
        sm.ParseFromString(f.read())
    mg = sm.meta_graphs[0]
    dense = mg.signature_def["serving_default"]
    info = meta_graph_pb2.TensorInfo()
    info.composite_tensor.type_spec.type_spec_class = struct_pb2.TypeSpecProto.RAGGED_TENSOR_SPEC
    info.composite_tensor.type_spec.type_spec_class_name = "RaggedTensorSpec"
    info.composite_tensor.components.add().CopyFrom(dense.inputs["x"])
    ragged = mg.signature_def["ragged"]
    ragged.CopyFrom(dense)
    ragged.inputs["x"].CopyFrom(info)
    with open(path, "wb") as f:
        f.write(sm.SerializeToString())


def rewrite_checkpoint(tf, source, target, drop=(), rename=None):
    """Copies the bundle source -> target without the keys in `drop`, renaming per `rename`."""
    reader = tf.train.load_checkpoint(source)
    names, tensors = [], []
    for key in sorted(reader.get_variable_to_shape_map()):
        if key in drop:
            continue
        names.append((rename or {}).get(key, key))
        tensors.append(tf.constant(reader.get_tensor(key)))
    tf.raw_ops.SaveV2(prefix=target, tensor_names=names, shape_and_slices=[""] * len(names), tensors=tensors)


def derived_copy(tf, source_dir, target_dir, **rewrite):
    shutil.copytree(source_dir, target_dir)
    shutil.rmtree(os.path.join(target_dir, "variables"))
    os.makedirs(os.path.join(target_dir, "variables"))
    rewrite_checkpoint(tf, os.path.join(source_dir, "variables", "variables"),
                       os.path.join(target_dir, "variables", "variables"), **rewrite)


def tiny_references(tf, hub, saved_model_dir, out):
    loaded = hub.load(saved_model_dir)
    files = {}
    for batch in BATCHES:
        x = tf.constant(inputs(batch))
        results = {"call": loaded(x, training=False), "call_train": loaded(x, training=True),
                   "serving_default": loaded.signatures["serving_default"](x=x),
                   "both": loaded.signatures["both"](x=x)}
        for callable_name, outputs in results.items():
            for key, value in outputs.items():
                file = "%s_%s_b%d.npy" % (callable_name, key, batch)
                np.save(os.path.join(out, file), value.numpy().astype(np.float32))
                files[file] = {"shape": list(value.shape), "max_abs": float(np.max(np.abs(value.numpy())))}
    return files


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    tf, hub = import_tf_and_hub()
    manifest = {"generator": "Tests/Fixtures/savedmodel2/make_edge_savedmodels.py",
                "command": " ".join(["make_edge_savedmodels.py"] + sys.argv[1:]),
                "versions": oracle_hub.versions(), "fixtures": {}}

    def folder(name):
        path = os.path.abspath(os.path.join(args.out, name))
        if os.path.exists(os.path.join(path, "savedmodel")):
            sys.exit("refusing to overwrite %s/savedmodel" % path)
        os.makedirs(path, exist_ok=True)
        return path

    tiny = folder("tiny")
    module, signatures = make_tiny(tf)
    tf.saved_model.save(module, os.path.join(tiny, "savedmodel"), signatures=signatures)
    manifest["fixtures"]["tiny"] = {"files": tiny_references(tf, hub, os.path.join(tiny, "savedmodel"), tiny)}
    keys = sorted(tf.train.load_checkpoint(os.path.join(tiny, "savedmodel", "variables", "variables"))
                  .get_variable_to_shape_map())
    manifest["fixtures"]["tiny"]["checkpoint_keys"] = keys

    def tensorflow_error(path):
        try:
            hub.load(path)
            return None
        except Exception as error:  # noqa: BLE001  (recorded: what TensorFlow says)
            return "%s: %s" % (type(error).__name__, " ".join(str(error).split())[:300])

    no_graph = folder("tiny_no_object_graph")
    derived_copy(tf, os.path.join(tiny, "savedmodel"), os.path.join(no_graph, "savedmodel"),
                 drop={"_CHECKPOINTABLE_OBJECT_GRAPH"})
    manifest["fixtures"]["tiny_no_object_graph"] = {
        "tensorflow_error": tensorflow_error(os.path.join(no_graph, "savedmodel"))}

    missing = folder("missing_key")
    renamed = "params/dense..kernel.S0/.ATTRIBUTES/VARIABLE_VALUE"
    derived_copy(tf, os.path.join(tiny, "savedmodel"), os.path.join(missing, "savedmodel"),
                 rename={renamed: "params/renamed/.ATTRIBUTES/VARIABLE_VALUE"})
    manifest["fixtures"]["missing_key"] = {
        "missing": renamed, "tensorflow_error": tensorflow_error(os.path.join(missing, "savedmodel"))}

    for name, make in [("unsupported_op", make_unsupported), ("table_call", make_table), ("ragged_call", make_ragged)]:
        path = folder(name)
        module, signatures = make(tf)
        tf.saved_model.save(module, os.path.join(path, "savedmodel"), signatures=signatures)
        loaded = hub.load(os.path.join(path, "savedmodel"))
        manifest["fixtures"][name] = {"signature_inputs": {
            key: str(spec) for key, spec in loaded.signatures["serving_default"].structured_input_signature[1].items()}}
        if name == "ragged_call":
            x = tf.constant(inputs(1))
            manifest["fixtures"][name]["serving_default_max_abs_diff_b1"] = float(
                np.max(np.abs(loaded.signatures["serving_default"](x=x)["y"].numpy() - 2 * inputs(1))))
            composite = folder("composite_signature")
            shutil.copytree(os.path.join(path, "savedmodel"), os.path.join(composite, "savedmodel"))
            add_composite_signature(os.path.join(composite, "savedmodel"))
            manifest["fixtures"]["composite_signature"] = {
                "tensorflow_signatures": sorted(hub.load(os.path.join(composite, "savedmodel")).signatures.keys())}
        if name == "unsupported_op":
            # The library functions serving_default reaches that hold each unsupported op (the library
            # may hold other traces of the same tf.function).
            from tensorflow.core.protobuf import saved_model_pb2

            sm = saved_model_pb2.SavedModel()
            with open(os.path.join(path, "savedmodel", "saved_model.pb"), "rb") as f:
                sm.ParseFromString(f.read())
            graph = sm.meta_graphs[0].graph_def
            library = {function.signature.name: function for function in graph.library.function}
            pending = [n.attr["f"].func.name for n in graph.node if n.name == "StatefulPartitionedCall"]
            seen, holders = set(), {}
            while pending:
                function = library[pending.pop()]
                if function.signature.name in seen:
                    continue
                seen.add(function.signature.name)
                for node in function.node_def:
                    if node.op in ("Erf", "Cumsum"):
                        holders[node.op] = function.signature.name
                    if "f" in node.attr and node.attr["f"].func.name:
                        pending.append(node.attr["f"].func.name)
            manifest["fixtures"][name]["functions"] = holders

    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")
    print(json.dumps({k: {kk: vv for kk, vv in v.items() if kk != "files"} for k, v in manifest["fixtures"].items()},
                     indent=1))


if __name__ == "__main__":
    main()
