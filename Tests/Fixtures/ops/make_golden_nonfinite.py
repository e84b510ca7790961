#!/usr/bin/env python3
"""Golden data for NaN and +-Inf: every float op the interpreter runs, fed NaN and infinities, run by TensorFlow.

Writes nonfinite/ in the format of golden_common.py. Sizes are chosen so that the non-finite values land
both in the SIMD main loops and in their tails of every backend: 37 channels (2 x 16 AVX-512 lanes + 5,
4 x 8 AVX2 lanes + 5), 87-element vectors, border and interior pixels of convolutions and pools. Filters
with zero taps meet infinite inputs (0 x Inf is NaN in TF: a kernel that skips zero weights would lose it),
and a few chains (convolution + bias + ReLU, batch norm folded into a convolution, ReLU into a depthwise
convolution, a NASNet cell's concat of sums, the shifted subsample) check the inference rewrites too.
The Swift harness (Tests/InterpreterTests/NonFiniteTests.swift) runs every case on every kernel backend,
on 1 and 2 threads, with the graph planned as written and optimised, and wants NaN exactly where TF
has NaN, the same infinities, and the finite values within 1e-5 of the output's finite scale.

Versions used: TensorFlow 2.21.0 (tensorflow-cpu, oneDNN on as by default), numpy 2.4.6, CPython 3.11.
Run: PYTHON=.venv-oracle/bin/python; $PYTHON Tests/Fixtures/ops/make_golden_nonfinite.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_common import Const, Family, np, tf  # noqa: E402

raw = tf.raw_ops
rng = np.random.RandomState(20261203)
NAN, INF = np.float32(np.nan), np.float32(np.inf)
C = 37  # channels: main loops and tails of 16- and 8-lane vectors


def op_type(op):
    """The TensorFlow op type of a tf.raw_ops function (its __name__ is the Python name: "add_v2", "_max")."""
    return next(name for name in dir(raw) if getattr(raw, name) is op)


def randn(*shape):
    return np.asarray(rng.randn(*shape)).astype(np.float32)


def poisoned(shape, kind, spots=None):
    """randn of `shape` with non-finite values at `spots` (index tuples; default: corners, the middle, and
    channels 1 and last). kind: "nan", "inf" (+Inf and -Inf at different spots) or "mixed" (all three)."""
    x = randn(*shape)
    if spots is None:
        spots = default_spots(shape)
    values = {"nan": [NAN], "inf": [INF, -INF], "mixed": [NAN, INF, -INF]}[kind]
    for k, spot in enumerate(spots):
        x[spot] = values[k % len(values)]
    return x


def default_spots(shape):
    if len(shape) == 4:
        n, h, w, c = shape
        return [(0, 0, 0, 1 % c), (n - 1, h // 2, w // 2, c - 1), (0, h - 1, w - 1, min(17, c - 1)),
                (n - 1, h - 1, 0, c // 2)]
    if len(shape) == 2:
        r, c = shape
        return [(0, 1 % c), (r - 1, c - 1), (r // 2, min(20, c - 1))]
    if len(shape) == 1:
        (n,) = shape
        return [(1 % n,), (n - 1,), (min(20, n - 1),), (min(40, n - 1),), (n // 2,)]
    return [tuple(s - 1 for s in shape)]


def with_zero_taps(filter_value):
    """The filter with its first tap row zeroed (so 0 x Inf meets the input)."""
    f = filter_value.copy()
    f[0] = 0
    return f


# MARK: - Convolutions

CONV_TABLE = [
    # name, input shape, filter shape, strides, padding
    ("k3_s1_same", (1, 7, 7, 19), (3, 3, 19, C), (1, 1), "SAME"),
    ("k3_s2_valid", (1, 9, 9, 19), (3, 3, 19, C), (2, 2), "VALID"),
    ("pointwise", (2, 5, 5, C), (1, 1, C, C), (1, 1), "VALID"),
    ("pointwise_s2", (1, 8, 8, C), (1, 1, C, 21), (2, 2), "VALID"),
    ("stem_k3_s2", (1, 11, 11, 3), (3, 3, 3, C), (2, 2), "VALID"),
]

DEPTHWISE_TABLE = [
    ("k3_s1_same", (1, 8, 8, C), (3, 3, C, 1), (1, 1), "SAME"),
    ("k5_s2_same", (1, 9, 9, C), (5, 5, C, 1), (2, 2), "SAME"),
    ("k7_s1_same", (2, 9, 9, C), (7, 7, C, 1), (1, 1), "SAME"),
    ("k3_s1_valid_m2", (1, 6, 6, 19), (3, 3, 19, 2), (1, 1), "VALID"),
]


def convolution_cases(fam):
    for depthwise, table in [(False, CONV_TABLE), (True, DEPTHWISE_TABLE)]:
        op = raw.DepthwiseConv2dNative if depthwise else raw.Conv2D
        prefix = "depthwise_" if depthwise else "conv2d_"
        for name, ishape, fshape, s, padding in table:
            def build(t, op=op, s=s, padding=padding):
                op(input=t[0], filter=t[1], strides=[1, s[0], s[1], 1], padding=padding, name="op")
            variants = [
                ("x_nan", poisoned(ishape, "nan"), randn(*fshape)),
                ("x_inf", poisoned(ishape, "inf"), randn(*fshape)),
                ("x_inf_zero_taps", poisoned(ishape, "inf"), with_zero_taps(randn(*fshape))),
                ("filter_mixed", randn(*ishape), poisoned(fshape, "mixed", [(0, 0, 1, 2 % fshape[3]),
                                                                             (fshape[0] - 1, 0, fshape[2] - 1, 0)])),
            ]
            for vname, x, f in variants:
                fam.add(prefix + name + "_" + vname, op_type(op), [x, f], build)


# MARK: - Pools

POOL_TABLE = [
    ("k3_s1_same", (1, 7, 7, C), (3, 3), (1, 1), "SAME"),
    ("k3_s2_same", (1, 8, 8, C), (3, 3), (2, 2), "SAME"),
    ("k3_s2_valid", (2, 9, 9, C), (3, 3), (2, 2), "VALID"),
    ("k1_s2_valid", (1, 8, 8, C), (1, 1), (2, 2), "VALID"),
    ("global_7x7", (1, 7, 7, C), (7, 7), (1, 1), "VALID"),
]


def pool_cases(fam):
    pools = [(lambda x, **kw: raw.AvgPool(value=x, **kw), "AvgPool", "avgpool_"),
             (lambda x, **kw: raw.MaxPool(input=x, **kw), "MaxPool", "maxpool_")]
    for op, op_name, prefix in pools:
        for name, ishape, k, s, padding in POOL_TABLE:
            def build(t, op=op, k=k, s=s, padding=padding):
                op(t[0], ksize=[1, k[0], k[1], 1], strides=[1, s[0], s[1], 1], padding=padding, name="op")
            for kind in ("nan", "inf", "mixed"):
                fam.add(prefix + name + "_" + kind, op_name, [poisoned(ishape, kind)], build)
        # A window holding only -Inf (max pool: -Inf, not the padding's lowest value).
        x = randn(1, 5, 5, C)
        x[0, 0:2, 0:2, :] = -INF
        fam.add(prefix + "minus_inf_window", op_name, [x],
                lambda t, op=op: op(t[0], ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME", name="op"))


# MARK: - Batch norm

def batch_norm_cases(fam):
    shape = (2, 5, 5, C)
    for vname, op in [("v1", raw.FusedBatchNorm), ("v3", raw.FusedBatchNormV3)]:
        scale = (rng.rand(C) + 0.5).astype(np.float32)
        offset, mean = randn(C), randn(C)
        var = (rng.rand(C) + 0.2).astype(np.float32)
        empty = np.zeros([0], np.float32)
        bad_var = var.copy()
        bad_var[[1, C - 1]] = [NAN, INF]
        bad_scale = scale.copy()
        bad_scale[[3, C - 2]] = [INF, NAN]
        for training in (False, True):
            mode = "training" if training else "inference"

            def build(t, op=op, training=training):
                op(x=t[0], scale=t[1], offset=t[2], mean=t[3], variance=t[4], epsilon=0.001,
                   is_training=training, name="op")
            stats = (empty, empty) if training else (mean, var)
            for kind in ("nan", "inf"):
                fam.add("batchnorm_%s_%s_x_%s" % (vname, mode, kind), op_type(op),
                        [poisoned(shape, kind), scale, offset, stats[0], stats[1]], build)
            fam.add("batchnorm_%s_%s_scale_mixed" % (vname, mode), op_type(op),
                    [randn(*shape), bad_scale, offset, stats[0], stats[1]], build)
            if not training:
                fam.add("batchnorm_%s_inference_variance_mixed" % vname, op_type(op),
                        [randn(*shape), scale, offset, mean, bad_var], build)


# MARK: - Activations, bias, matmul, softmax

def dense_cases(fam):
    for kind in ("nan", "inf", "mixed"):
        v = poisoned((87,), kind)
        fam.add("relu_%s" % kind, "Relu", [v], lambda t: raw.Relu(features=t[0], name="op"))
        fam.add("relu6_%s" % kind, "Relu6", [v], lambda t: raw.Relu6(features=t[0], name="op"))
        fam.add("relu_4d_%s" % kind, "Relu", [poisoned((2, 3, 3, C), kind)],
                lambda t: raw.Relu(features=t[0], name="op"))
        fam.add("biasadd_x_%s" % kind, "BiasAdd", [poisoned((2, 3, 3, C), kind), randn(C)],
                lambda t: raw.BiasAdd(value=t[0], bias=t[1], name="op"))
        fam.add("biasadd_bias_%s" % kind, "BiasAdd", [randn(2, 3, 3, C), poisoned((C,), kind)],
                lambda t: raw.BiasAdd(value=t[0], bias=t[1], name="op"))
    for ta in (False, True):
        for tb in (False, True):
            a_shape = (5, C) if not ta else (C, 5)
            b_shape = (C, 21) if not tb else (21, C)
            for kind, a, b in [("a_nan", poisoned(a_shape, "nan"), randn(*b_shape)),
                               ("b_inf", randn(*a_shape), poisoned(b_shape, "inf")),
                               ("a_inf_b_zeros", poisoned(a_shape, "inf"), np.zeros(b_shape, np.float32))]:
                fam.add("matmul_ta%d_tb%d_%s" % (ta, tb, kind), "MatMul", [a, b],
                        lambda t, ta=ta, tb=tb: raw.MatMul(a=t[0], b=t[1], transpose_a=ta, transpose_b=tb, name="op"))
    logits = randn(6, C) * 3
    logits[0, 4] = NAN
    logits[1, C - 1] = INF
    logits[2, 2] = -INF
    logits[3, :] = -INF
    logits[4, [0, 9]] = INF
    fam.add("softmax_mixed", "Softmax", [logits], lambda t: raw.Softmax(logits=t[0], name="op"))


# MARK: - Element-wise math

def binary_cases(fam):
    ops = [raw.Add, raw.AddV2, raw.Sub, raw.Mul, raw.RealDiv, raw.Maximum, raw.Minimum]
    for op in ops:
        name = op_type(op).lower()
        for kind in ("nan", "mixed"):
            fam.add("%s_x_%s" % (name, kind), op_type(op), [poisoned((87,), kind), randn(87)],
                    lambda t, op=op: op(x=t[0], y=t[1], name="op"))
            fam.add("%s_y_%s" % (name, kind), op_type(op), [randn(87), poisoned((87,), kind)],
                    lambda t, op=op: op(x=t[0], y=t[1], name="op"))
        fam.add("%s_both_mixed" % name, op_type(op), [poisoned((87,), "mixed"), poisoned((87,), "mixed", [(1,), (20,), (86,), (40,), (50,)])],
                lambda t, op=op: op(x=t[0], y=t[1], name="op"))
        fam.add("%s_channels_row_mixed" % name, op_type(op), [randn(2, 3, 3, C), poisoned((C,), "mixed")],
                lambda t, op=op: op(x=t[0], y=t[1], name="op"))
        fam.add("%s_scalar_nan" % name, op_type(op), [np.float32(np.nan), randn(87)],
                lambda t, op=op: op(x=t[0], y=t[1], name="op"))
        fam.add("%s_scalar_inf" % name, op_type(op), [randn(87), np.float32(np.inf)],
                lambda t, op=op: op(x=t[0], y=t[1], name="op"))
    special = np.array([0, -0.0, 1, -1, INF, -INF, NAN, 1e-38, 3e38], np.float32)
    fam.add("realdiv_special", "RealDiv", [np.repeat(special, 9), np.tile(special, 9)],
            lambda t: raw.RealDiv(x=t[0], y=t[1], name="op"))
    fam.add("mul_special", "Mul", [np.repeat(special, 9), np.tile(special, 9)],
            lambda t: raw.Mul(x=t[0], y=t[1], name="op"))
    for n in (2, 3):
        fam.add("addn_%d_mixed" % n, "AddN", [poisoned((87,), "mixed") for _ in range(n)],
                lambda t: raw.AddN(inputs=list(t), name="op"))


def unary_cases(fam):
    special = np.array([0, -0.0, 1, -1, 4, INF, -INF, NAN, 1e-38, -1e-38, 3e38, -2.5], np.float32)
    v = np.concatenate([special, randn(75), special]).astype(np.float32)
    for op in (raw.Rsqrt, raw.Sqrt, raw.Square, raw.Floor):
        fam.add("%s_special" % op_type(op).lower(), op_type(op), [v], lambda t, op=op: op(x=t[0], name="op"))


def reduction_cases(fam):
    x = poisoned((2, 5, 5, C), "mixed")
    only_inf = randn(2, 5, 5, C)
    only_inf[0, 1, 2, 3] = INF
    only_inf[1, 4, 4, C - 1] = -INF
    table = [("hw", np.array([1, 2], np.int32)), ("last", np.array([-1], np.int32)),
             ("all", np.array([0, 1, 2, 3], np.int32))]
    for op in (raw.Mean, raw.Sum, raw.Max):
        for aname, axes in table:
            for kind, value in [("mixed", x), ("inf", only_inf)]:
                fam.add("%s_%s_%s" % (op_type(op).lower(), aname, kind), op_type(op), [value, Const(axes)],
                        lambda t, op=op: op(input=t[0], axis=t[1], keep_dims=False, name="op"))
    all_minus_inf = np.full((3, 9), -INF, np.float32)
    fam.add("max_all_minus_inf", "Max", [all_minus_inf, Const(np.array([1], np.int32))],
            lambda t: raw.Max(input=t[0], axis=t[1], keep_dims=False, name="op"))


# MARK: - Copies and casts

def copy_cases(fam):
    x = poisoned((2, 3, 3, C), "mixed")
    fam.add("concatv2_mixed", "ConcatV2", [x, poisoned((2, 3, 3, 5), "mixed"), Const(np.array(3, np.int32))],
            lambda t: raw.ConcatV2(values=[t[0], t[1]], axis=t[2], name="op"))
    fam.add("pad_mixed", "Pad", [x, Const(np.array([[0, 0], [1, 1], [0, 2], [0, 0]], np.int32))],
            lambda t: raw.Pad(input=t[0], paddings=t[1], name="op"))
    fam.add("transpose_mixed", "Transpose", [x, Const(np.array([0, 3, 1, 2], np.int32))],
            lambda t: raw.Transpose(x=t[0], perm=t[1], name="op"))
    fam.add("cast_f32_f64_mixed", "Cast", [x], lambda t: raw.Cast(x=t[0], DstT=tf.float64, name="op"))
    big = np.array([1e300, -1e300, np.inf, -np.inf, np.nan, 1.0, 3.4028235e38, 1e-50], np.float64)
    fam.add("cast_f64_f32_overflow", "Cast", [big], lambda t: raw.Cast(x=t[0], DstT=tf.float32, name="op"))


# MARK: - Gradient ops

def gradient_cases(fam):
    x = poisoned((1, 6, 6, C), "mixed")
    g = poisoned((1, 6, 6, C), "nan", [(0, 2, 2, 3), (0, 5, 5, C - 1)])
    fam.add("relugrad_mixed", "ReluGrad", [g, x], lambda t: raw.ReluGrad(gradients=t[0], features=t[1], name="op"))
    fam.add("relu6grad_mixed", "Relu6Grad", [g, x], lambda t: raw.Relu6Grad(gradients=t[0], features=t[1], name="op"))
    fam.add("biasaddgrad_mixed", "BiasAddGrad", [x], lambda t: raw.BiasAddGrad(out_backprop=t[0], name="op"))
    fam.add("l2loss_inf", "L2Loss", [poisoned((87,), "inf")], lambda t: raw.L2Loss(t=t[0], name="op"))

    attrs = dict(ksize=[1, 3, 3, 1], strides=[1, 2, 2, 1], padding="SAME")
    dy = poisoned((1, 3, 3, C), "nan", [(0, 1, 1, C - 1)])
    fam.add("avgpoolgrad_nan", "AvgPoolGrad", [Const(np.array([1, 6, 6, C], np.int32)), dy],
            lambda t: raw.AvgPoolGrad(orig_input_shape=t[0], grad=t[1], name="op", **attrs))

    def max_grad(t):
        y = raw.MaxPool(input=t[0], **attrs)
        raw.MaxPoolGrad(orig_input=t[0], orig_output=y, grad=t[1], name="op", **attrs)
    fam.add("maxpoolgrad_input_mixed", "MaxPoolGrad", [x, randn(1, 3, 3, C)], max_grad)
    fam.add("maxpoolgrad_grad_nan", "MaxPoolGrad", [randn(1, 6, 6, C), dy], max_grad)

    f = randn(3, 3, C, 5)
    dy_conv = poisoned((1, 6, 6, 5), "mixed", [(0, 0, 0, 1), (0, 3, 4, 4), (0, 5, 5, 0)])
    fam.add("conv2dbackpropinput_mixed", "Conv2DBackpropInput",
            [Const(np.array([1, 6, 6, C], np.int32)), f, dy_conv],
            lambda t: raw.Conv2DBackpropInput(input_sizes=t[0], filter=t[1], out_backprop=t[2],
                                              strides=[1, 1, 1, 1], padding="SAME", name="op"))
    fam.add("conv2dbackpropfilter_mixed", "Conv2DBackpropFilter",
            [x, Const(np.array([3, 3, C, 5], np.int32)), randn(1, 6, 6, 5)],
            lambda t: raw.Conv2DBackpropFilter(input=t[0], filter_sizes=t[1], out_backprop=t[2],
                                               strides=[1, 1, 1, 1], padding="SAME", name="op"))
    fd = randn(3, 3, C, 1)
    fam.add("depthwisebackpropinput_mixed", "DepthwiseConv2dNativeBackpropInput",
            [Const(np.array([1, 6, 6, C], np.int32)), fd, x],
            lambda t: raw.DepthwiseConv2dNativeBackpropInput(input_sizes=t[0], filter=t[1], out_backprop=t[2],
                                                             strides=[1, 1, 1, 1], padding="SAME", name="op"))
    fam.add("depthwisebackpropfilter_mixed", "DepthwiseConv2dNativeBackpropFilter",
            [x, Const(np.array([3, 3, C, 1], np.int32)), randn(1, 6, 6, C)],
            lambda t: raw.DepthwiseConv2dNativeBackpropFilter(input=t[0], filter_sizes=t[1], out_backprop=t[2],
                                                              strides=[1, 1, 1, 1], padding="SAME", name="op"))

    scale, offset = (rng.rand(C) + 0.5).astype(np.float32), randn(C)

    def bn_grad(t):
        y = raw.FusedBatchNormV3(x=t[1], scale=t[2], offset=offset, mean=np.zeros([0], np.float32),
                                 variance=np.zeros([0], np.float32), epsilon=0.001, is_training=True)
        raw.FusedBatchNormGradV3(y_backprop=t[0], x=t[1], scale=t[2], reserve_space_1=y[3], reserve_space_2=y[4],
                                 reserve_space_3=y[5], epsilon=0.001, is_training=True, name="op")
    fam.add("batchnormgradv3_training_dy_nan", "FusedBatchNormGradV3",
            [g, randn(1, 6, 6, C), scale], bn_grad)
    fam.add("batchnormgradv3_training_x_mixed", "FusedBatchNormGradV3",
            [randn(1, 6, 6, C), x, scale], bn_grad)

    logits = randn(4, C) * 3
    logits[0, 3] = NAN
    logits[1, C - 1] = INF
    logits[2, 5] = -INF
    labels = rng.randint(0, C, size=[4]).astype(np.int32)
    fam.add("sparsexent_mixed", "SparseSoftmaxCrossEntropyWithLogits", [logits, labels],
            lambda t: raw.SparseSoftmaxCrossEntropyWithLogits(features=t[0], labels=t[1], name="op"))
    onehot = np.eye(C, dtype=np.float32)[labels]
    fam.add("xent_mixed", "SoftmaxCrossEntropyWithLogits", [logits, onehot],
            lambda t: raw.SoftmaxCrossEntropyWithLogits(features=t[0], labels=t[1], name="op"))


# MARK: - Chains the inference rewrites fuse

def chain_cases(fam):
    """Multi-node graphs whose final node is "op"; the optimiser fuses them."""
    f = randn(3, 3, 19, C)
    bias = randn(C)
    scale, offset = (rng.rand(C) + 0.5).astype(np.float32), randn(C)
    mean, var = randn(C), (rng.rand(C) + 0.2).astype(np.float32)

    def conv_bias_relu(t):
        y = raw.Conv2D(input=t[0], filter=tf.constant(f), strides=[1, 1, 1, 1], padding="SAME")
        raw.Relu(features=raw.BiasAdd(value=y, bias=tf.constant(bias)), name="op")

    def conv_bn_relu6(t):
        y = raw.Conv2D(input=t[0], filter=tf.constant(f), strides=[1, 2, 2, 1], padding="SAME")
        bn = raw.FusedBatchNormV3(x=y, scale=tf.constant(scale), offset=tf.constant(offset), mean=tf.constant(mean),
                                  variance=tf.constant(var), epsilon=0.001, is_training=False)
        raw.Relu6(features=bn[0], name="op")

    fd = randn(3, 3, C, 1)
    fp = randn(1, 1, C, C)

    def relu_separable(t):
        r = raw.Relu(features=t[0])
        d = raw.DepthwiseConv2dNative(input=r, filter=tf.constant(fd), strides=[1, 1, 1, 1], padding="SAME")
        raw.Conv2D(input=d, filter=tf.constant(fp), strides=[1, 1, 1, 1], padding="VALID", name="op")

    def concat_of_sums(t):
        a = raw.AddV2(x=t[0], y=raw.Relu(features=t[1]))
        b = raw.AddV2(x=raw.MaxPool(input=t[0], ksize=[1, 3, 3, 1], strides=[1, 1, 1, 1], padding="SAME"), y=t[1])
        raw.ConcatV2(values=[t[0], a, b], axis=tf.constant(3), name="op")

    def conv_relu(t):
        y = raw.Conv2D(input=t[0], filter=tf.constant(f), strides=[1, 1, 1, 1], padding="SAME")
        raw.Relu(features=y, name="op")

    wm, bm = randn(19, C), randn(C)

    def matmul_bias_relu(t):
        raw.Relu(features=raw.BiasAdd(value=raw.MatMul(a=t[0], b=tf.constant(wm)), bias=tf.constant(bm)), name="op")

    bd = randn(C)

    def depthwise_bias_relu6(t):
        y = raw.DepthwiseConv2dNative(input=t[0], filter=tf.constant(fd), strides=[1, 1, 1, 1], padding="SAME")
        raw.Relu6(features=raw.BiasAdd(value=y, bias=tf.constant(bd)), name="op")

    # TF fuses FusedBatchNorm + Relu (not Relu6) into _FusedBatchNormEx, whose vectorised oneDNN kernel maps
    # NaN to 0; for channel counts that are not a multiple of 16 it falls back to a loop that keeps NaN
    # (37 channels: NaN, 36: NaN in training only, 32: never). These cases use 32 channels, NASNet's stem.
    C32 = 32

    def bn_activation(op, training, activation):
        def build(t):
            empty = np.zeros([0], np.float32)
            bn = op(x=t[0], scale=tf.constant(scale[:C32]), offset=tf.constant(offset[:C32]),
                    mean=tf.constant(empty if training else mean[:C32]),
                    variance=tf.constant(empty if training else var[:C32]),
                    epsilon=0.001, is_training=training)
            activation(features=bn[0], name="op")
        return build

    def shifted_subsample(t):
        p = raw.Pad(input=t[0], paddings=tf.constant([[0, 0], [0, 1], [0, 1], [0, 0]]))
        s = p[:, 1:, 1:, :]
        raw.AvgPool(value=s, ksize=[1, 1, 1, 1], strides=[1, 2, 2, 1], padding="VALID", name="op")

    for kind in ("nan", "inf", "mixed"):
        # TF fuses an activation into the convolution or matmul before it (oneDNN: NaN sums become 0), but
        # not with grappler's remapper off: each is recorded both ways.
        for plan, suffix in [(None, ""), ("as_written", "_as_written")]:
            fam.add("chain_conv_bias_relu_%s%s" % (kind, suffix), "Relu", [poisoned((1, 7, 7, 19), kind)],
                    conv_bias_relu, plan=plan)
            fam.add("chain_conv_bn_relu6_%s%s" % (kind, suffix), "Relu6", [poisoned((1, 8, 8, 19), kind)],
                    conv_bn_relu6, plan=plan)
            fam.add("chain_conv_relu_%s%s" % (kind, suffix), "Relu", [poisoned((1, 7, 7, 19), kind)],
                    conv_relu, plan=plan)
            fam.add("chain_matmul_bias_relu_%s%s" % (kind, suffix), "Relu", [poisoned((6, 19), kind)],
                    matmul_bias_relu, plan=plan)
            fam.add("chain_depthwise_bias_relu6_%s%s" % (kind, suffix), "Relu6", [poisoned((1, 8, 8, C), kind)],
                    depthwise_bias_relu6, plan=plan)
            for vname, op in (("v1", raw.FusedBatchNorm), ("v3", raw.FusedBatchNormV3)):
                for mode, training in (("inference", False), ("training", True)):
                    for aname, activation in (("relu", raw.Relu), ("relu6", raw.Relu6)):
                        fam.add("chain_bn_%s_%s_%s_%s%s" % (vname, mode, aname, kind, suffix), aname.capitalize(),
                                [poisoned((2, 5, 5, C32), kind)], bn_activation(op, training, activation), plan=plan)
        fam.add("chain_relu_separable_%s" % kind, "Conv2D", [poisoned((1, 8, 8, C), kind)], relu_separable)
        fam.add("chain_concat_of_sums_%s" % kind, "ConcatV2",
                [poisoned((1, 5, 5, C), kind), poisoned((1, 5, 5, C), kind, [(0, 2, 2, 4), (0, 4, 4, C - 1)])],
                concat_of_sums)
        fam.add("chain_shifted_subsample_%s" % kind, "AvgPool", [poisoned((1, 8, 8, C), kind)], shifted_subsample)


def log_softmax_cases(fam):
    """LogSoftmax (the labels gradient of SoftmaxCrossEntropyWithLogits); its own random stream, so the
    cases above keep their values."""
    own = np.random.RandomState(20261204)
    logits = (own.randn(6, 11) * 3).astype(np.float32)
    logits[0, 4] = NAN
    logits[1, 10] = INF
    logits[2, 2] = -INF
    logits[3, :] = -INF
    logits[4, [0, 9]] = INF
    fam.add("logsoftmax_mixed", "LogSoftmax", [logits], lambda t: raw.LogSoftmax(logits=t[0], name="op"))


def main():
    fam = Family("nonfinite", "make_golden_nonfinite.py")
    fam.reset_dir()
    convolution_cases(fam)
    pool_cases(fam)
    batch_norm_cases(fam)
    dense_cases(fam)
    binary_cases(fam)
    unary_cases(fam)
    reduction_cases(fam)
    copy_cases(fam)
    gradient_cases(fam)
    chain_cases(fam)
    log_softmax_cases(fam)
    fam.write_manifest()


if __name__ == "__main__":
    main()
