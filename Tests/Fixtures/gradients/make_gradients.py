#!/usr/bin/env python3
"""Whole-graph gradient fixtures: small TF1 graphs with NASNet-A's op mix, and `tf.gradients` of a
classifier loss with respect to every input and weight, computed by TensorFlow.

Writes <case>/graph.pb (the forward GraphDef, before tf.gradients added its nodes), <case>/<input>.npy
for every Placeholder, <case>/grad_<input>.npy for TF's gradient, and manifest.json (loss tensor,
placeholders with shapes and dtypes, the gradient files, versions).

Versions used: TensorFlow 2.21.0 (tensorflow-cpu), numpy 2.4.6, CPython 3.11.
Run: PYTHON=.venv-oracle/bin/python; $PYTHON Tests/Fixtures/gradients/make_gradients.py
"""
import json
import os
import shutil
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.compat.v1.disable_eager_execution()
HERE = os.path.dirname(os.path.abspath(__file__))
raw = tf.raw_ops
rng = np.random.RandomState(20261202)


def randn(*shape, scale=1.0):
    return (rng.randn(*shape) * scale).astype(np.float32)


def cell_graph(batch, training):
    """stem conv (s2) -> batch norm -> relu -> two branches (depthwise 3x3 + bias + relu6 / max pool),
    concat, 1x1 conv, avg pool, batch norm, relu, mean -> dense head -> sparse xent + L2."""
    values, names = {}, []

    def placeholder(name, value):
        values[name] = value
        names.append(name)
        return tf.compat.v1.placeholder(tf.as_dtype(value.dtype), value.shape, name=name)

    x = placeholder("images", rng.rand(batch, 11, 11, 3).astype(np.float32))
    w0 = placeholder("stem_weights", randn(3, 3, 3, 8, scale=0.4))
    g0 = placeholder("stem_gamma", (rng.rand(8) + 0.5).astype(np.float32))
    b0 = placeholder("stem_beta", randn(8, scale=0.1))
    m0 = placeholder("stem_mean", randn(8, scale=0.1))
    v0 = placeholder("stem_variance", (rng.rand(8) + 0.5).astype(np.float32))
    dw = placeholder("depthwise_weights", randn(3, 3, 8, 1, scale=0.5))
    db = placeholder("depthwise_bias", randn(8, scale=0.1))
    pw = placeholder("pointwise_weights", randn(1, 1, 16, 12, scale=0.3))
    g1 = placeholder("cell_gamma", (rng.rand(12) + 0.5).astype(np.float32))
    b1 = placeholder("cell_beta", randn(12, scale=0.1))
    m1 = placeholder("cell_mean", randn(12, scale=0.1))
    v1 = placeholder("cell_variance", (rng.rand(12) + 0.5).astype(np.float32))
    W = placeholder("classifier_weights", randn(12, 5, scale=0.5))
    b = placeholder("classifier_biases", randn(5, scale=0.1))
    labels = placeholder("labels", rng.randint(0, 5, size=batch).astype(np.int64))

    y = tf.nn.conv2d(x, w0, strides=[1, 2, 2, 1], padding="VALID")
    y = raw.FusedBatchNormV3(x=y, scale=g0, offset=b0, mean=m0 if not training else tf.zeros([0]),
                             variance=v0 if not training else tf.zeros([0]), epsilon=0.001,
                             is_training=training)[0]
    y = tf.nn.relu(y)
    left = tf.nn.depthwise_conv2d(y, dw, strides=[1, 1, 1, 1], padding="SAME")
    left = tf.nn.relu6(tf.nn.bias_add(left, db))
    right = tf.nn.max_pool2d(y, ksize=3, strides=1, padding="SAME")
    y = tf.concat([left, right], axis=3)
    y = tf.nn.conv2d(y, pw, strides=[1, 1, 1, 1], padding="SAME")
    y = tf.nn.avg_pool2d(y, ksize=3, strides=2, padding="SAME")
    y = raw.FusedBatchNorm(x=y, scale=g1, offset=b1, mean=m1 if not training else tf.zeros([0]),
                           variance=v1 if not training else tf.zeros([0]), epsilon=0.001,
                           is_training=training)[0]
    y = tf.nn.relu(y)
    features = tf.reduce_mean(y, axis=[1, 2])
    logits = tf.matmul(features, W) + b
    xent = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    loss = tf.add(tf.reduce_mean(xent), 1e-3 * tf.nn.l2_loss(W), name="loss")
    unused = [m0, v0, m1, v1] if training else []
    # TF gives no gradient for the moving statistics (inference) nor for unused inputs (training).
    return loss, values, [n for n in names if n != "labels" and not n.endswith(("_mean", "_variance"))], unused


def write_case(name, batch, training):
    out = os.path.join(HERE, name)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    graph = tf.Graph()
    with graph.as_default():
        loss, values, targets, _ = cell_graph(batch, training)
        graph_def = graph.as_graph_def()
        tensors = [graph.get_tensor_by_name(n + ":0") for n in targets]
        grads = tf.gradients(loss, tensors)
        feed = {graph.get_tensor_by_name(n + ":0"): v for n, v in values.items()}
        with tf.compat.v1.Session(graph=graph) as session:
            loss_value, *grad_values = session.run([loss] + grads, feed)
    with open(os.path.join(out, "graph.pb"), "wb") as f:
        f.write(graph_def.SerializeToString(deterministic=True))
    for n, v in values.items():
        np.save(os.path.join(out, n + ".npy"), v)
    np.save(os.path.join(out, "loss.npy"), np.asarray(loss_value, np.float32))
    for n, g in zip(targets, grad_values):
        np.save(os.path.join(out, "grad_" + n + ".npy"), g)
    return {"name": name, "loss": "loss:0", "batch": batch, "training": training,
            "placeholders": sorted(values), "targets": targets}


def main():
    cases = [write_case("cell_train_b3", 3, True), write_case("cell_infer_b1", 1, False)]
    manifest = {"generator": "make_gradients.py", "cases": cases,
                "versions": {"tensorflow": tf.__version__, "numpy": np.__version__,
                             "python": "%d.%d" % sys.version_info[:2]}}
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print("wrote", [c["name"] for c in cases])


if __name__ == "__main__":
    main()
