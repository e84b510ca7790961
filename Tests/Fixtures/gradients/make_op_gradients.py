#!/usr/bin/env python3
"""Per-op gradient fixtures: one small TF1 graph per forward op and attribute combination, and
`tf.gradients` (graph mode) of `loss = sum_i reduce_sum(output_i * R_i)` with respect to every float
input, computed by TensorFlow. `R_i` are random constants in the graph, so each case checks the op's
gradient rule (TensorFlow's nn_grad.py / array_grad.py / math_grad.py) against an arbitrary upstream
gradient, not only against ones.

Writes op/<case>/graph.pb (the forward GraphDef, before tf.gradients added its nodes),
op/<case>/<input>.npy for every Placeholder, op/<case>/grad_<input>.npy for TF's gradient,
op/<case>/loss.npy, and op_manifest.json in the format of manifest.json (make_gradients.py) plus the
op family and the tolerance (relative to TF's largest gradient of that input).

Versions used: TensorFlow 2.21.0 (tensorflow-cpu), numpy 2.4.6, CPython 3.11.
Run: PYTHON=.venv-oracle/bin/python; $PYTHON Tests/Fixtures/gradients/make_op_gradients.py
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
OUT = os.path.join(HERE, "op")
raw = tf.raw_ops
rng = np.random.RandomState(20261204)
TOLERANCE = 1e-5


def randn(*shape, scale=1.0):
    return np.asarray(rng.randn(*shape) * scale, dtype=np.float32)


class Case:
    """One graph: placeholders (with their values), then the op's outputs."""

    def __init__(self):
        self.values, self.names, self.targets = {}, [], []

    def placeholder(self, name, value, target=True):
        value = np.asarray(value)
        self.values[name] = value
        self.names.append(name)
        if target:
            self.targets.append(name)
        return tf.compat.v1.placeholder(tf.as_dtype(value.dtype), value.shape, name=name)


def write(name, family, build):
    out = os.path.join(OUT, name)
    os.makedirs(out)
    graph = tf.Graph()
    case = Case()
    with graph.as_default():
        outputs = build(case)
        outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        terms = []
        for i, y in enumerate(outputs):
            weights = tf.constant(randn(*y.shape.as_list()), name="upstream_%d" % i)
            terms.append(tf.reduce_sum(y * weights))
        loss = tf.add_n(terms, name="loss") if len(terms) > 1 else tf.identity(terms[0], name="loss")
        graph_def = graph.as_graph_def()
        tensors = [graph.get_tensor_by_name(n + ":0") for n in case.targets]
        grads = tf.gradients(loss, tensors)
        missing = [n for n, g in zip(case.targets, grads) if g is None]
        assert not missing, "%s: TF has no gradient for %s" % (name, missing)
        feed = {graph.get_tensor_by_name(n + ":0"): v for n, v in case.values.items()}
        with tf.compat.v1.Session(graph=graph) as session:
            loss_value, *grad_values = session.run([loss] + grads, feed)
    with open(os.path.join(out, "graph.pb"), "wb") as f:
        f.write(graph_def.SerializeToString(deterministic=True))
    for n, v in case.values.items():
        np.save(os.path.join(out, n + ".npy"), v)
    np.save(os.path.join(out, "loss.npy"), np.asarray(loss_value, np.float32))
    for n, g in zip(case.targets, grad_values):
        np.save(os.path.join(out, "grad_" + n + ".npy"), np.asarray(g, np.float32))
    return {"name": "op/" + name, "family": family, "loss": "loss:0", "tolerance": TOLERANCE,
            "placeholders": sorted(case.values), "targets": case.targets}


def convolution_cases():
    # name, input shape, filter shape, strides, padding (a string, or explicit [[t, b], [l, r]]), dilations
    table = [
        ("conv2d_3x3_s1_same_b1", (1, 7, 7, 3), (3, 3, 3, 4), 1, "SAME", 1),
        ("conv2d_3x3_s2_same_b3", (3, 9, 9, 2), (3, 3, 2, 5), 2, "SAME", 1),
        ("conv2d_3x3_s2_same_even", (1, 8, 8, 3), (3, 3, 3, 4), 2, "SAME", 1),
        ("conv2d_3x3_s2_valid_odd", (3, 8, 7, 3), (3, 3, 3, 4), 2, "VALID", 1),
        ("conv2d_1x1_s1_b3", (3, 5, 5, 4), (1, 1, 4, 6), 1, "SAME", 1),
        ("conv2d_1x1_s2_valid", (1, 7, 7, 4), (1, 1, 4, 3), 2, "VALID", 1),
        ("conv2d_5x5_s1_dil2_same", (1, 11, 11, 2), (5, 5, 2, 3), 1, "SAME", 2),
        ("conv2d_3x3_explicit_pad", (1, 6, 7, 2), (3, 3, 2, 3), 1, [[1, 2], [0, 1]], 1),
    ]
    for name, xs, ws, s, padding, d in table:
        def build(c, xs=xs, ws=ws, s=s, padding=padding, d=d):
            x = c.placeholder("x", randn(*xs))
            w = c.placeholder("w", randn(*ws, scale=0.5))
            pad = padding if isinstance(padding, str) else [[0, 0]] + padding + [[0, 0]]
            return tf.nn.conv2d(x, w, strides=s, padding=pad, dilations=d)
        yield name, "Conv2D", build
    table = [
        ("depthwise_3x3_s1_same_b1", (1, 7, 7, 4), (3, 3, 4, 1), 1, "SAME"),
        ("depthwise_5x5_s2_same_b3", (3, 9, 9, 3), (5, 5, 3, 1), 2, "SAME"),
        ("depthwise_7x7_s1_same", (1, 9, 8, 2), (7, 7, 2, 1), 1, "SAME"),
        ("depthwise_3x3_s2_valid_mult2", (1, 8, 7, 3), (3, 3, 3, 2), 2, "VALID"),
        ("depthwise_5x5_s2_same_even_b3", (3, 8, 8, 2), (5, 5, 2, 1), 2, "SAME"),
    ]
    for name, xs, ws, s, padding in table:
        def build(c, xs=xs, ws=ws, s=s, padding=padding):
            x = c.placeholder("x", randn(*xs))
            w = c.placeholder("w", randn(*ws, scale=0.5))
            return raw.DepthwiseConv2dNative(input=x, filter=w, strides=[1, s, s, 1], padding=padding)
        yield name, "DepthwiseConv2dNative", build


def batch_norm_cases():
    for op in ("FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3"):
        for training in (True, False):
            for batch, shape in ((1, (1, 1, 1, 5)), (3, (3, 4, 5, 6))):
                name = "%s_%s_b%d" % (op.lower(), "train" if training else "infer", batch)
                if shape[1] == 1 and training:
                    name += "_1x1"

                def build(c, op=op, training=training, shape=shape):
                    channels = shape[-1]
                    x = c.placeholder("x", randn(*shape) * 2 + 0.5)
                    scale = c.placeholder("scale", rng.rand(channels).astype(np.float32) + 0.5)
                    offset = c.placeholder("offset", randn(channels, scale=0.3))
                    if training:
                        mean, variance = tf.zeros([0]), tf.zeros([0])
                    else:
                        mean = c.placeholder("mean", randn(channels, scale=0.3), target=False)
                        variance = c.placeholder("variance", rng.rand(channels).astype(np.float32) + 0.5,
                                                 target=False)
                    return getattr(raw, op)(x=x, scale=scale, offset=offset, mean=mean, variance=variance,
                                            epsilon=0.001, is_training=training)[0]
                # A single value per channel in training mode is all mean: its gradient is rounding noise.
                if shape[0] * shape[1] * shape[2] > 1 or not training:
                    yield name, "FusedBatchNorm", build


def activation_cases():
    for shape in ((1, 3, 4, 5), (3, 37)):
        tag = "x".join(map(str, shape))

        def relu(c, shape=shape):
            return tf.nn.relu(c.placeholder("x", randn(*shape) * 4))

        def relu6(c, shape=shape):
            return tf.nn.relu6(c.placeholder("x", randn(*shape) * 5 + 3))
        yield "relu_" + tag, "Relu", relu
        yield "relu6_" + tag, "Relu6", relu6


def pool_cases():
    table = [
        ("k3_s1_same_b1", (1, 6, 6, 5), 3, 1, "SAME"),
        ("k3_s2_same_b3", (3, 7, 7, 4), 3, 2, "SAME"),
        ("k3_s2_same_even", (1, 8, 8, 4), 3, 2, "SAME"),
        ("k2_s2_valid", (1, 6, 7, 3), 2, 2, "VALID"),
        ("k3_s2_valid_b3", (3, 9, 9, 2), 3, 2, "VALID"),
        ("k1_s2_valid", (1, 8, 8, 3), 1, 2, "VALID"),
        ("global_7x7", (3, 7, 7, 4), 7, 1, "VALID"),
    ]
    for tag, shape, k, s, padding in table:
        def avg(c, shape=shape, k=k, s=s, padding=padding):
            return tf.nn.avg_pool2d(c.placeholder("x", randn(*shape)), ksize=k, strides=s, padding=padding)

        def mx(c, shape=shape, k=k, s=s, padding=padding):
            return tf.nn.max_pool2d(c.placeholder("x", randn(*shape)), ksize=k, strides=s, padding=padding)
        yield "avgpool_" + tag, "AvgPool", avg
        yield "maxpool_" + tag, "MaxPool", mx


def array_cases():
    def pad4(c):
        return tf.pad(c.placeholder("x", randn(3, 4, 5, 2)), [[0, 0], [1, 2], [0, 1], [0, 0]])

    def pad2(c):
        return tf.pad(c.placeholder("x", randn(3, 4)), [[2, 0], [1, 3]])
    yield "pad_4d", "Pad", pad4
    yield "pad_2d", "Pad", pad2

    # NASNet's shifted subsample x[:, 1:, 1:, :] then [::2, ::2]; the masks of make_golden_grad.py.
    table = [
        ("shift", (2, 6, 6, 3), [0, 1, 1, 0], [0, 0, 0, 0], [1, 1, 1, 1], (9, 15, 0, 0, 0)),
        ("shift_subsample", (3, 7, 7, 2), [0, 1, 1, 0], [0, 0, 0, 0], [1, 2, 2, 1], (9, 15, 0, 0, 0)),
        ("negative_stride", (5, 4), [-1, 0], [0, 4], [-2, 1], (2, 0, 0, 0, 0)),
        ("shrink_and_ellipsis", (3, 4, 5), [1, 2], [2, 4], [1, 1], (0, 0, 0, 0, 1)),
        ("new_axis", (4, 6), [0, 0, 1], [0, 0, 5], [1, 1, 2], (3, 3, 0, 2, 0)),
    ]
    for tag, shape, begin, end, strides, masks in table:
        def build(c, shape=shape, begin=begin, end=end, strides=strides, masks=masks):
            return tf.strided_slice(c.placeholder("x", randn(*shape)), begin, end, strides, begin_mask=masks[0],
                                    end_mask=masks[1], ellipsis_mask=masks[2], new_axis_mask=masks[3],
                                    shrink_axis_mask=masks[4])
        yield "stridedslice_" + tag, "StridedSlice", build

    def slice4(c):
        return tf.slice(c.placeholder("x", randn(3, 6, 5, 4)), [0, 1, 1, 0], [-1, 4, 3, -1])

    def slice2(c):
        return tf.slice(c.placeholder("x", randn(5, 7)), [2, 3], [2, 4])
    yield "slice_4d", "Slice", slice4
    yield "slice_2d", "Slice", slice2

    def concat_channels(c):
        parts = [c.placeholder("x%d" % i, randn(3, 4, 4, n)) for i, n in enumerate((2, 5, 3))]
        return tf.concat(parts, axis=3)

    def concat_negative(c):
        return tf.concat([c.placeholder("a", randn(2, 3)), c.placeholder("b", randn(2, 4))], axis=-1)

    def concat_batch(c):
        return tf.concat([c.placeholder("a", randn(1, 3, 2)), c.placeholder("b", randn(3, 3, 2))], axis=0)
    yield "concat_channels", "ConcatV2", concat_channels
    yield "concat_negative_axis", "ConcatV2", concat_negative
    yield "concat_batch", "ConcatV2", concat_batch

    def split_channels(c):
        return tf.split(c.placeholder("x", randn(3, 4, 4, 6)), 3, axis=3)

    def split_one_used(c):
        return tf.split(c.placeholder("x", randn(4, 6)), 2, axis=0)[1]
    yield "split_channels", "Split", split_channels
    yield "split_one_output_used", "Split", split_one_used

    def reshape(c):
        return tf.reshape(c.placeholder("x", randn(3, 4, 5)), [-1, 10])

    def squeeze_axes(c):
        return tf.squeeze(c.placeholder("x", randn(3, 1, 1, 5)), axis=[1, 2])

    def squeeze_all(c):
        return tf.squeeze(c.placeholder("x", randn(1, 4, 1, 2)))

    def expand_dims(c):
        return tf.expand_dims(c.placeholder("x", randn(3, 4)), -1)

    def identity(c):
        return tf.identity(c.placeholder("x", randn(3, 4)))
    yield "reshape", "Reshape", reshape
    yield "squeeze_axes", "Squeeze", squeeze_axes
    yield "squeeze_all", "Squeeze", squeeze_all
    yield "expand_dims", "ExpandDims", expand_dims
    yield "identity", "Identity", identity

    def cast_float(c):
        return raw.Cast(x=c.placeholder("x", randn(3, 4)), DstT=tf.float32)

    def cast_through_int(c):
        # No gradient flows through an integer cast; x still reaches the loss through the product.
        x = c.placeholder("x", randn(3, 4) * 3)
        through_int = tf.cast(tf.cast(x, tf.int32), tf.float32)
        return [x * 2.0, through_int]
    yield "cast_float32", "Cast", cast_float
    yield "cast_through_int32", "Cast", cast_through_int


def math_cases():
    shapes = [
        ("same", (3, 4), (3, 4)),
        ("row", (2, 3, 4), (4,)),
        ("outer", (2, 1, 4), (1, 3, 1)),
        ("scalar", (3, 4), ()),
        ("first_broadcast", (4,), (2, 3, 4)),
    ]
    ops = [("add", "Add", raw.Add), ("addv2", "AddV2", raw.AddV2), ("sub", "Sub", raw.Sub), ("mul", "Mul", raw.Mul)]
    for tag, xs, ys in shapes:
        for name, family, op in ops:
            def build(c, xs=xs, ys=ys, op=op):
                return op(x=c.placeholder("x", randn(*xs)), y=c.placeholder("y", randn(*ys)))
            yield "%s_%s" % (name, tag), family, build

    def add_n(c):
        return tf.add_n([c.placeholder("a", randn(3, 4)), c.placeholder("b", randn(3, 4)),
                         c.placeholder("c", randn(3, 4))])
    yield "addn", "AddN", add_n

    for reduce_name, family, fn in (("mean", "Mean", tf.reduce_mean), ("sum", "Sum", tf.reduce_sum)):
        for tag, shape, axes, keep in (("hw", (3, 4, 5, 2), [1, 2], False), ("hw_keep", (3, 4, 5, 2), [1, 2], True),
                                       ("last", (3, 7), [-1], False), ("all", (2, 3, 4), [0, 1, 2], False)):
            def build(c, shape=shape, axes=axes, keep=keep, fn=fn):
                return fn(c.placeholder("x", randn(*shape)), axis=axes, keepdims=keep)
            yield "%s_%s" % (reduce_name, tag), family, build

    def bias4(c):
        return tf.nn.bias_add(c.placeholder("x", randn(3, 5, 5, 4)), c.placeholder("b", randn(4)))

    def bias2(c):
        return tf.nn.bias_add(c.placeholder("x", randn(7, 9)), c.placeholder("b", randn(9)))
    yield "biasadd_4d", "BiasAdd", bias4
    yield "biasadd_2d", "BiasAdd", bias2

    for ta in (False, True):
        for tb in (False, True):
            def build(c, ta=ta, tb=tb):
                a = c.placeholder("a", randn(*((5, 3) if ta else (3, 5))))
                b = c.placeholder("b", randn(*((4, 5) if tb else (5, 4))))
                return tf.matmul(a, b, transpose_a=ta, transpose_b=tb)
            yield "matmul_t%d%d" % (ta, tb), "MatMul", build


def loss_cases():
    for batch, classes in ((1, 5), (3, 7)):
        def dense(c, batch=batch, classes=classes):
            logits = c.placeholder("logits", randn(batch, classes) * 3)
            labels = rng.rand(batch, classes).astype(np.float32)
            labels = c.placeholder("labels", labels / labels.sum(axis=1, keepdims=True))
            return raw.SoftmaxCrossEntropyWithLogits(features=logits, labels=labels)[0]
        yield "xent_%dx%d" % (batch, classes), "SoftmaxCrossEntropyWithLogits", dense
        for dtype in (np.int32, np.int64):
            def sparse(c, batch=batch, classes=classes, dtype=dtype):
                logits = c.placeholder("logits", randn(batch, classes) * 3)
                labels = c.placeholder("labels", rng.randint(0, classes, size=batch).astype(dtype), target=False)
                return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
            yield ("sparse_xent_%dx%d_%s" % (batch, classes, np.dtype(dtype).name),
                   "SparseSoftmaxCrossEntropyWithLogits", sparse)
    for shape in ((3, 4, 5, 2), (7,)):
        def l2(c, shape=shape):
            return tf.nn.l2_loss(c.placeholder("x", randn(*shape)))
        yield "l2loss_" + "x".join(map(str, shape)), "L2Loss", l2


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    cases = []
    for family in (convolution_cases, batch_norm_cases, activation_cases, pool_cases, array_cases, math_cases,
                   loss_cases):
        for name, op, build in family():
            cases.append(write(name, op, build))
    manifest = {"generator": "make_op_gradients.py", "cases": cases,
                "versions": {"tensorflow": tf.__version__, "numpy": np.__version__,
                             "python": "%d.%d" % sys.version_info[:2]}}
    with open(os.path.join(HERE, "op_manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print("wrote %d cases" % len(cases))


if __name__ == "__main__":
    main()
