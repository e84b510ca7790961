#!/usr/bin/env python3
"""Whole-module gradient fixtures: the reduced NASNet-A hub modules of Tests/Fixtures/nasnet/ with a
classifier head, and `tf.gradients` of `mean(sparse_softmax_xent(features @ W + b))` with respect to
the images and every trainable variable, computed by TensorFlow on the {"train"} graph (batch norm with
batch statistics).

The module's graph and checkpoint are loaded as TensorFlow saves them (`saved_model.loader.load` on the
module folder, tags {"train"}), so node and variable names are the module's own. Per style, writes
`module_<style>/`: `head.pb` (a GraphDef of the head's nodes only: W, b, labels, MatMul, AddV2, the
cross-entropy and the mean, reading the module's feature tensor), `grads.npy` (every gradient
flattened and concatenated, float32), `loss.npy`, and an entry in `module_manifest.json`
(feature tensor, images tensor, loss tensor, per target: name, shape, offset into grads.npy).

With `--module DIR --out DIR` it does the same for one module folder (scripts/test-full: the shipped
full-size module, 224x224, batch 2 of seeded random images saved as `inputs.npy`), writing
`manifest.json` with absolute paths into OUT instead of the committed fixtures. At that size TensorFlow
does not agree with itself to 1e-4 (training-mode batch norm through 12 cells amplifies rounding), so it
also writes `grads_eigen.npy`, the same gradients from TF's Eigen kernels (TF_ENABLE_ONEDNN_OPTS=0, a
second process) next to the default oneDNN ones: the test measures our error against TF's own spread.

Versions used: TensorFlow 2.21.0 (tensorflow-cpu), tf-keras 2.21.0, tensorflow-hub 0.15.0,
numpy 2.4.6, CPython 3.11.
Run: PYTHON=.venv-oracle/bin/python; $PYTHON Tests/Fixtures/gradients/make_module_gradients.py
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.compat.v1.disable_eager_execution()
HERE = os.path.dirname(os.path.abspath(__file__))
NASNET = os.path.join(HERE, "..", "nasnet")
STYLES = ["slim_v1_small", "slim_v3_small", "keras_small"]
CLASSES = 5


def write_style(style, module=None, out=None, images_value=None):
    out = out or os.path.join(HERE, "module_" + style)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    module = module or os.path.join(NASNET, style, "module")
    if images_value is None:
        images_value = np.load(os.path.join(NASNET, style, "inputs_b2.npy"))
    rng = np.random.RandomState(7)
    graph = tf.Graph()
    with graph.as_default(), tf.compat.v1.Session(graph=graph) as session:
        meta = tf.compat.v1.saved_model.loader.load(session, ["train"], module)
        signature = meta.signature_def["default"]
        images_name = signature.inputs["images"].name
        feature_name = signature.outputs["default"].name
        before = {n.name for n in graph.as_graph_def().node}
        features = graph.get_tensor_by_name(feature_name)
        with tf.name_scope("head"):
            W = tf.constant((rng.randn(features.shape[-1], CLASSES) * 0.3).astype(np.float32), name="W")
            b = tf.constant((rng.randn(CLASSES) * 0.1).astype(np.float32), name="b")
            labels = tf.constant(rng.randint(0, CLASSES, size=images_value.shape[0]).astype(np.int64), name="labels")
            logits = tf.matmul(features, W) + b
            xent = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
            loss = tf.reduce_mean(xent, name="loss")
        head = tf.compat.v1.GraphDef()
        for node in graph.as_graph_def().node:
            if node.name not in before:
                head.node.add().CopyFrom(node)
        variables = tf.compat.v1.trainable_variables()
        images = graph.get_tensor_by_name(images_name)
        grads = tf.gradients(loss, [images] + variables)
        values = session.run([loss] + grads, {images: images_value})
    targets, flat, offset = [], [], 0
    names = [images_name.split(":")[0]] + [v.op.name for v in variables]
    for name, g in zip(names, values[1:]):
        if g is None:
            continue
        g = np.asarray(g, np.float32)
        targets.append({"name": name, "shape": list(g.shape), "offset": offset})
        flat.append(g.reshape(-1))
        offset += g.size
    np.save(os.path.join(out, "grads.npy"), np.concatenate(flat))
    np.save(os.path.join(out, "loss.npy"), np.asarray(values[0], np.float32))
    with open(os.path.join(out, "head.pb"), "wb") as f:
        f.write(head.SerializeToString(deterministic=True))
    return {"style": style, "folder": "module_" + style, "images": images_name, "features": feature_name,
            "loss": "head/loss:0", "inputs": "nasnet/%s/inputs_b2.npy" % style, "targets": targets}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--module", help="one module folder instead of the reduced fixtures")
    parser.add_argument("--out", help="with --module: the output folder")
    parser.add_argument("--image-size", type=int, default=224)
    parser.add_argument("--eigen-copy", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.eigen_copy:  # the second process: only grads_eigen.npy
        out = os.path.abspath(args.out)
        images = np.load(os.path.join(out, "inputs.npy"))
        write_style("full", module=os.path.abspath(args.module), out=out + ".eigen", images_value=images)
        shutil.move(os.path.join(out + ".eigen", "grads.npy"), os.path.join(out, "grads_eigen.npy"))
        shutil.rmtree(out + ".eigen")
        return
    if args.module:
        out = os.path.abspath(args.out)
        images = np.random.RandomState(11).rand(2, args.image_size, args.image_size, 3).astype(np.float32)
        entry = write_style("full", module=os.path.abspath(args.module), out=out, images_value=images)
        np.save(os.path.join(out, "inputs.npy"), images)
        subprocess.run([sys.executable, os.path.abspath(__file__), "--eigen-copy", "--module", args.module,
                        "--out", out], check=True, env=dict(os.environ, TF_ENABLE_ONEDNN_OPTS="0"))
        entry.update({"module": os.path.abspath(args.module), "folder": out, "inputs": os.path.join(out, "inputs.npy"),
                      "spread": "grads_eigen.npy"})
        with open(os.path.join(out, "manifest.json"), "w") as f:
            json.dump({"generator": "make_module_gradients.py", "cases": [entry]}, f, indent=1)
        print("wrote", out, len(entry["targets"]), "targets")
        return
    entries = [write_style(s) for s in STYLES]
    manifest = {"generator": "make_module_gradients.py", "cases": entries,
                "versions": {"tensorflow": tf.__version__, "numpy": np.__version__,
                             "python": "%d.%d" % sys.version_info[:2]}}
    with open(os.path.join(HERE, "module_manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print("wrote", [(e["style"], len(e["targets"])) for e in entries])


if __name__ == "__main__":
    main()
