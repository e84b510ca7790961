#!/usr/bin/env python3
"""Golden data for TensorFlow's gradient ops: one-node graphs run by TensorFlow.

Writes grad/ (Conv2DBackpropInput, Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropInput,
DepthwiseConv2dNativeBackpropFilter, AvgPoolGrad, MaxPoolGrad, FusedBatchNormGrad/V2/V3, ReluGrad,
Relu6Grad, BiasAddGrad, L2Loss, SoftmaxCrossEntropyWithLogits, SparseSoftmaxCrossEntropyWithLogits,
StridedSliceGrad) in
the format of golden_common.py. MaxPoolGrad's orig_output and the batch-norm reserve inputs come from
the forward op in the same graph, as in a graph tf.gradients writes. The `*_sizes` inputs are Consts (the interpreter needs them at plan time, as TF's
shape inference does); the other inputs are fed. Geometry tables follow make_golden_nn.py's forward
cases: strides 1 and 2, SAME / VALID / EXPLICIT, dilations, odd sizes, batch 1 and 3.

Versions used: TensorFlow 2.21.0 (tensorflow-cpu), numpy 2.4.6, CPython 3.11.
Run: PYTHON=.venv-oracle/bin/python; $PYTHON Tests/Fixtures/ops/make_golden_grad.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_common import Const, Family, np, tf  # noqa: E402

raw = tf.raw_ops
rng = np.random.RandomState(20261202)


def randn(*shape):
    return np.asarray(rng.randn(*shape)).astype(np.float32)


def out_size(size, k, s, d, padding, before=0, after=0):
    eff = (k - 1) * d + 1
    if padding == "SAME":
        return (size + s - 1) // s
    return (size + before + after - eff + s) // s


def output_shape(ishape, fshape, strides, padding, dil, explicit, depthwise):
    pads = explicit or [0] * 8
    h = out_size(ishape[1], fshape[0], strides[0], dil[0], padding, pads[2], pads[3])
    w = out_size(ishape[2], fshape[1], strides[1], dil[1], padding, pads[4], pads[5])
    c = fshape[2] * fshape[3] if depthwise else fshape[3]
    return (ishape[0], h, w, c)


CONV_TABLE = [
    # name, input shape, filter shape, strides, padding, dilations, explicit paddings
    ("s1_same", (1, 5, 5, 3), (3, 3, 3, 4), (1, 1), "SAME", (1, 1), None),
    ("s2_same", (1, 5, 5, 3), (3, 3, 3, 4), (2, 2), "SAME", (1, 1), None),
    ("s2_same_even", (3, 6, 6, 3), (3, 3, 3, 4), (2, 2), "SAME", (1, 1), None),
    ("s1_valid", (1, 5, 6, 3), (3, 2, 3, 4), (1, 1), "VALID", (1, 1), None),
    ("s2_valid", (3, 7, 7, 3), (3, 3, 3, 5), (2, 2), "VALID", (1, 1), None),
    ("s21_same", (1, 6, 5, 3), (2, 3, 3, 2), (2, 1), "SAME", (1, 1), None),
    ("dilated_same", (1, 7, 7, 2), (3, 3, 2, 3), (1, 1), "SAME", (2, 2), None),
    ("explicit", (1, 5, 5, 3), (3, 3, 3, 2), (1, 1), "EXPLICIT", (1, 1), [0, 0, 1, 2, 0, 3, 0, 0]),
    ("pointwise", (3, 6, 6, 5), (1, 1, 5, 7), (1, 1), "VALID", (1, 1), None),
    ("pointwise_s2", (1, 8, 8, 6), (1, 1, 6, 5), (2, 2), "VALID", (1, 1), None),
    ("k5_s2_same_odd", (1, 9, 9, 4), (5, 5, 4, 3), (2, 2), "SAME", (1, 1), None),
    ("kernel_larger_same", (1, 2, 2, 3), (3, 3, 3, 2), (1, 1), "SAME", (1, 1), None),
]

DEPTHWISE_TABLE = [
    ("k3_s1_same", (1, 7, 7, 8), (3, 3, 8, 1), (1, 1), "SAME", (1, 1), None),
    ("k3_s2_same", (3, 7, 7, 8), (3, 3, 8, 1), (2, 2), "SAME", (1, 1), None),
    ("k5_s2_same", (1, 9, 9, 5), (5, 5, 5, 1), (2, 2), "SAME", (1, 1), None),
    ("k7_s1_same", (1, 8, 8, 3), (7, 7, 3, 1), (1, 1), "SAME", (1, 1), None),
    ("multiplier2_valid", (1, 6, 5, 3), (3, 3, 3, 2), (1, 1), "VALID", (1, 1), None),
    ("dilated_same", (1, 7, 7, 4), (3, 3, 4, 1), (1, 1), "SAME", (2, 2), None),
    ("explicit", (1, 5, 5, 4), (3, 3, 4, 1), (1, 1), "EXPLICIT", (1, 1), [0, 0, 1, 0, 2, 1, 0, 0]),
]


def convolution_cases(grad):
    for depthwise, table in [(False, CONV_TABLE), (True, DEPTHWISE_TABLE)]:
        ops = ((raw.DepthwiseConv2dNativeBackpropInput, raw.DepthwiseConv2dNativeBackpropFilter) if depthwise
               else (raw.Conv2DBackpropInput, raw.Conv2DBackpropFilter))
        prefix = "depthwise_" if depthwise else "conv2d_"
        names = ((("DepthwiseConv2dNativeBackpropInput", "DepthwiseConv2dNativeBackpropFilter")) if depthwise
                 else ("Conv2DBackpropInput", "Conv2DBackpropFilter"))
        for name, ishape, fshape, strides, padding, dil, explicit in table:
            oshape = output_shape(ishape, fshape, strides, padding, dil, explicit, depthwise)
            attrs = dict(strides=[1, strides[0], strides[1], 1], padding=padding,
                         explicit_paddings=explicit or [], dilations=[1, dil[0], dil[1], 1])

            def build_input(t, op=ops[0], attrs=attrs):
                op(input_sizes=t[0], filter=t[1], out_backprop=t[2], name="op", **attrs)

            def build_filter(t, op=ops[1], attrs=attrs):
                op(input=t[0], filter_sizes=t[1], out_backprop=t[2], name="op", **attrs)

            grad.add(prefix + "input_" + name, names[0],
                     [Const(np.array(ishape, np.int32)), randn(*fshape), randn(*oshape)], build_input)
            grad.add(prefix + "filter_" + name, names[1],
                     [randn(*ishape), Const(np.array(fshape, np.int32)), randn(*oshape)], build_filter)


def elementwise_cases(grad):
    for shape in [(2, 3, 4, 5), (37,)]:
        features = randn(*shape) * 4
        features.reshape(-1)[:3] = [0.0, 6.0, -0.0]  # the boundaries
        gradients = randn(*shape)
        tag = "x".join(map(str, shape))
        grad.add("relugrad_" + tag, "ReluGrad", [gradients, features],
                 lambda t: raw.ReluGrad(gradients=t[0], features=t[1], name="op"))
        grad.add("relu6grad_" + tag, "Relu6Grad", [gradients, features],
                 lambda t: raw.Relu6Grad(gradients=t[0], features=t[1], name="op"))
    for shape in [(3, 4, 5, 6), (7, 9)]:
        grad.add("biasaddgrad_" + "x".join(map(str, shape)), "BiasAddGrad", [randn(*shape)],
                 lambda t: raw.BiasAddGrad(out_backprop=t[0], name="op"))
        grad.add("l2loss_" + "x".join(map(str, shape)), "L2Loss", [randn(*shape)],
                 lambda t: raw.L2Loss(t=t[0], name="op"))


POOL_TABLE = [
    ("k3_s1_same", (1, 6, 6, 5), (3, 3), (1, 1), "SAME"),
    ("k3_s2_same", (3, 7, 7, 5), (3, 3), (2, 2), "SAME"),
    ("k3_s2_same_even", (1, 8, 8, 4), (3, 3), (2, 2), "SAME"),
    ("k2_s2_valid", (1, 6, 7, 3), (2, 2), (2, 2), "VALID"),
    ("k3_s2_valid", (1, 9, 9, 4), (3, 3), (2, 2), "VALID"),
    ("k1_s2_valid", (1, 8, 8, 6), (1, 1), (2, 2), "VALID"),
    ("k23_s12_same", (1, 5, 6, 3), (2, 3), (1, 2), "SAME"),
    ("global_7x7", (3, 7, 7, 4), (7, 7), (1, 1), "VALID"),
]


def pool_cases(grad):
    for name, ishape, k, st, padding in POOL_TABLE:
        attrs = dict(ksize=[1, k[0], k[1], 1], strides=[1, st[0], st[1], 1], padding=padding)
        oh = out_size(ishape[1], k[0], st[0], 1, padding)
        ow = out_size(ishape[2], k[1], st[1], 1, padding)
        oshape = (ishape[0], oh, ow, ishape[3])

        def avg(t, attrs=attrs):
            raw.AvgPoolGrad(orig_input_shape=t[0], grad=t[1], name="op", **attrs)
        grad.add("avgpoolgrad_" + name, "AvgPoolGrad", [Const(np.array(ishape, np.int32)), randn(*oshape)], avg)

        def mx(t, attrs=attrs):
            y = raw.MaxPool(input=t[0], **attrs)
            raw.MaxPoolGrad(orig_input=t[0], orig_output=y, grad=t[1], name="op", **attrs)
        # Values on a coarse grid, so windows hold ties (TF takes the first maximum in row-major order).
        x = (rng.randint(-3, 4, size=ishape)).astype(np.float32)
        grad.add("maxpoolgrad_ties_" + name, "MaxPoolGrad", [x, randn(*oshape)], mx)
        grad.add("maxpoolgrad_" + name, "MaxPoolGrad", [randn(*ishape), randn(*oshape)], mx)


def batch_norm_cases(grad):
    versions = [("v1", raw.FusedBatchNorm, raw.FusedBatchNormGrad, "FusedBatchNormGrad"),
                ("v2", raw.FusedBatchNormV2, raw.FusedBatchNormGradV2, "FusedBatchNormGradV2"),
                ("v3", raw.FusedBatchNormV3, raw.FusedBatchNormGradV3, "FusedBatchNormGradV3")]
    for vname, forward, backward, op_name in versions:
        for sname, shape in [("4d", (3, 4, 3, 5)), ("1x1", (2, 1, 1, 6))]:
            c = shape[-1]
            x = randn(*shape) * 2 + 0.5
            scale = (rng.rand(c) + 0.5).astype(np.float32)
            offset = randn(c)
            dy = randn(*shape)

            def train(t, forward=forward, backward=backward, vname=vname):
                empty = tf.constant(np.zeros([0], np.float32))
                outs = forward(x=t[0], scale=t[1], offset=t[2], mean=empty, variance=empty, epsilon=0.001,
                               is_training=True)
                reserve = [outs[3], outs[4]] + ([outs[5]] if vname == "v3" else [])
                backward(y_backprop=t[3], x=t[0], scale=t[1], reserve_space_1=reserve[0],
                         reserve_space_2=reserve[1], **({"reserve_space_3": reserve[2]} if vname == "v3" else {}),
                         epsilon=0.001, is_training=True, name="op")
            grad.add("batchnormgrad_%s_train_%s" % (vname, sname), op_name, [x, scale, offset, dy], train)

            mean = randn(c)
            var = (rng.rand(c) + 0.2).astype(np.float32)

            def infer(t, backward=backward, vname=vname):
                extra = {"reserve_space_3": tf.constant(np.zeros([0], np.float32))} if vname == "v3" else {}
                backward(y_backprop=t[0], x=t[1], scale=t[2], reserve_space_1=t[3], reserve_space_2=t[4],
                         epsilon=0.001, is_training=False, name="op", **extra)
            grad.add("batchnormgrad_%s_infer_%s" % (vname, sname), op_name, [dy, x, scale, mean, var], infer)


def loss_cases(grad):
    for batch, classes in [(3, 5), (1, 1001), (4, 2)]:
        logits = randn(batch, classes) * 3
        labels = rng.rand(batch, classes).astype(np.float32)
        labels /= labels.sum(axis=1, keepdims=True)
        grad.add("xent_%dx%d" % (batch, classes), "SoftmaxCrossEntropyWithLogits", [logits, labels],
                 lambda t: raw.SoftmaxCrossEntropyWithLogits(features=t[0], labels=t[1], name="op"))
        for dtype in (np.int32, np.int64):
            indices = rng.randint(0, classes, size=batch).astype(dtype)
            grad.add("sparse_xent_%dx%d_%s" % (batch, classes, np.dtype(dtype).name),
                     "SparseSoftmaxCrossEntropyWithLogits", [logits, indices],
                     lambda t: raw.SparseSoftmaxCrossEntropyWithLogits(features=t[0], labels=t[1], name="op"))


def strided_slice_cases(grad):
    table = [
        # name, shape, begin, end, strides, masks (begin, end, ellipsis, new_axis, shrink_axis)
        ("shift_subsample", (2, 6, 6, 3), [0, 1, 1, 0], [0, 0, 0, 0], [1, 2, 2, 1], (9, 15, 0, 0, 0)),
        ("negative_stride", (5, 4), [-1, 0], [0, 4], [-2, 1], (2, 0, 0, 0, 0)),
        ("shrink_and_ellipsis", (3, 4, 5), [1, 2], [2, 4], [1, 1], (0, 0, 0, 0, 1)),
        ("new_axis", (4, 6), [0, 0, 1], [0, 0, 5], [1, 1, 2], (3, 3, 0, 2, 0)),
    ]
    for name, shape, begin, end, strides, masks in table:
        forward_graph = tf.Graph()
        with forward_graph.as_default():
            y = raw.StridedSlice(input=tf.zeros(shape), begin=begin, end=end, strides=strides, begin_mask=masks[0],
                                 end_mask=masks[1], ellipsis_mask=masks[2], new_axis_mask=masks[3],
                                 shrink_axis_mask=masks[4])
            out_shape = y.shape.as_list()

        def build(t, begin=begin, end=end, strides=strides, masks=masks, shape=shape):
            raw.StridedSliceGrad(shape=t[0], begin=t[1], end=t[2], strides=t[3], dy=t[4], begin_mask=masks[0],
                                 end_mask=masks[1], ellipsis_mask=masks[2], new_axis_mask=masks[3],
                                 shrink_axis_mask=masks[4], name="op")
        grad.add("stridedslicegrad_" + name, "StridedSliceGrad",
                 [Const(np.array(shape, np.int32)), Const(np.array(begin, np.int32)), Const(np.array(end, np.int32)),
                  Const(np.array(strides, np.int32)), randn(*out_shape)], build)


def main():
    grad = Family("grad", "make_golden_grad.py")
    grad.reset_dir()
    convolution_cases(grad)
    pool_cases(grad)
    batch_norm_cases(grad)
    elementwise_cases(grad)
    loss_cases(grad)
    strided_slice_cases(grad)
    grad.write_manifest()


if __name__ == "__main__":
    main()
