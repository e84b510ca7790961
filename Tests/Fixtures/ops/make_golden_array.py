"""Golden data for the array, state and control ops: one-node graphs run by TensorFlow.

Versions: TensorFlow 2.21.0 (tensorflow-cpu), numpy 2.4.6, CPython 3.11.
Regenerate from the repository root:
  ${PYTHON:-.venv-oracle/bin/python} Tests/Fixtures/ops/make_golden_array.py
Writes Tests/Fixtures/ops/array/ (format: see golden_common.py).
"""
import numpy as np
import tensorflow as tf
from golden_common import Const, Family, Feed

raw = tf.raw_ops
rng = np.random.default_rng(5)
fam = Family("array", "make_golden_array.py")
fam.reset_dir()


def f32(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def i32(*shape):
    return rng.integers(-50, 50, shape).astype(np.int32)


def boolean(*shape):
    return rng.integers(0, 2, shape).astype(bool)


def strings(*shape):
    n = int(np.prod(shape)) if shape else 1
    return np.array([("s%d" % i).encode() for i in range(n)], dtype=object).reshape(shape)


# MARK: - Identity-like, placeholders, constants

fam.add("Identity_f32", "Identity", [f32(2, 3)], lambda t: raw.Identity(input=t[0], name="op"))
fam.add("Identity_string", "Identity", [strings(3)], lambda t: raw.Identity(input=t[0], name="op"))
fam.add("StopGradient_f32", "StopGradient", [f32(4)], lambda t: raw.StopGradient(input=t[0], name="op"))
fam.add("IdentityN_mixed", "IdentityN", [f32(2), i32(3), boolean(1)],
        lambda t: raw.IdentityN(input=t, name="op"))
fam.add("PlaceholderWithDefault_fed", "PlaceholderWithDefault", [f32(2, 2)],
        lambda t: raw.PlaceholderWithDefault(input=tf.constant(np.ones((2, 2), np.float32)),
                                             shape=[2, 2], name="op"))
# Not fed: the op's own output is the default value (fetched through "op", which we do not feed).
fam.add("PlaceholderWithDefault_default", "PlaceholderWithDefault", [],
        lambda t: raw.PlaceholderWithDefault(input=tf.constant(np.arange(6, dtype=np.int32).reshape(2, 3)),
                                             shape=[None, 3], name="op"))


def const_case(name, value, dtype=None, shape=None, edit=None):
    fam.add(name, "Const", [], lambda t: tf.constant(value, dtype=dtype, shape=shape, name="op"),
            edit_graph=edit)


const_case("Const_f32_matrix", f32(2, 3))
const_case("Const_f32_scalar", np.float32(2.5))
const_case("Const_f32_broadcast", 1.5, tf.float32, [4])            # float_val [1.5] fills the shape


def two_int_values(graph_def):
    """int_val [7, 8] for six elements: the last value repeats."""
    for node in graph_def.node:
        if node.name == "op":
            tensor = node.attr["value"].tensor
            del tensor.int_val[:]
            tensor.int_val.extend([7, 8])
    return graph_def


const_case("Const_i32_broadcast", 7, tf.int32, [2, 3], edit=two_int_values)
const_case("Const_i64_vector", np.array([1, -2, 2**40], np.int64))
const_case("Const_f64", np.array([0.1, -2.5], np.float64))
const_case("Const_bool", np.array([True, False, True]))
const_case("Const_u8", np.array([0, 7, 255], np.uint8))
const_case("Const_i8", np.array([-128, 0, 127], np.int8))
const_case("Const_i16", np.array([-3, 300], np.int16))
const_case("Const_string", np.array([b"hello", b"", b"w\xc3\xb6rld"], dtype=object))
const_case("Const_string_broadcast", "ab", tf.string, [3])
const_case("Const_empty", np.zeros((0, 3), np.float32))


def clear_values(graph_def):
    """A TensorProto with a shape but no values at all: TF decodes zeros."""
    for node in graph_def.node:
        if node.name == "op":
            tensor = node.attr["value"].tensor
            tensor.ClearField("float_val")
            tensor.ClearField("int64_val")
            tensor.ClearField("tensor_content")
    return graph_def


const_case("Const_f32_zero_fill", 3.0, tf.float32, [2, 2], edit=clear_values)
const_case("Const_i64_zero_fill", 9, tf.int64, [], edit=clear_values)

# MARK: - Variables (the initializer subgraph stays in the graph and must not run)


def ref_variable(shape, dtype):
    def make():
        with tf.compat.v1.variable_scope("v", use_resource=False):
            var = tf.compat.v1.get_variable("w", shape=shape, dtype=dtype,
                                            initializer=tf.compat.v1.random_uniform_initializer(-1, 1, seed=3))
        return [("v/w", "v/w:0")], [var.initializer]
    return make


def resource_variable(shape, dtype):
    def make():
        with tf.compat.v1.variable_scope("v", use_resource=True):
            var = tf.compat.v1.get_variable("w", shape=shape, dtype=dtype,
                                            initializer=tf.compat.v1.random_uniform_initializer(-1, 1, seed=3))
        return [("v/w", var.read_value().name)], [var.initializer]
    return make


def read_ref(t):
    graph = tf.compat.v1.get_default_graph()
    raw.Identity(input=graph.get_tensor_by_name("v/w:0"), name="op")


def read_resource(t):
    graph = tf.compat.v1.get_default_graph()
    raw.ReadVariableOp(resource=graph.get_tensor_by_name("v/w:0"), dtype=tf.float32, name="op")


fam.add("VariableV2_read", "Identity", [], read_ref, variables=ref_variable([2, 3], tf.float32))
fam.add("VarHandleOp_read", "ReadVariableOp", [], read_resource, variables=resource_variable([3, 1], tf.float32))


def with_noop(t):
    noop = raw.NoOp(name="group")
    with tf.control_dependencies([noop]):
        raw.Identity(input=t[0], name="op")


fam.add("NoOp_control_input", "Identity", [f32(3)], with_noop)

# MARK: - ConcatV2

for name, parts, axis in [
    ("axis1", [f32(2, 3), f32(2, 4)], 1),
    ("axis_neg1", [f32(2, 3), f32(2, 1)], -1),
    ("axis0_three", [f32(1, 2), f32(3, 2), f32(2, 2)], 0),
    ("nhwc_channels", [f32(1, 2, 2, 3), f32(1, 2, 2, 5)], 3),
    ("nhwc_axis_neg3", [f32(1, 2, 2, 2), f32(1, 3, 2, 2)], -3),
    ("empty_part", [f32(2, 0), f32(2, 3)], 1),
    ("i32", [i32(3), i32(2)], 0),
    ("bool", [boolean(2, 1), boolean(2, 2)], 1),
    ("string", [strings(2), strings(1)], 0),
    ("scalar_parts_rank1", [f32(1), f32(1)], 0),
]:
    fam.add("ConcatV2_" + name, "ConcatV2", parts + [Const(np.int32(axis))],
            lambda t, n=len(parts): raw.ConcatV2(values=t[:n], axis=t[n], name="op"))
fam.add("ConcatV2_axis_i64", "ConcatV2", [f32(2, 1), f32(2, 2), Const(np.int64(1))],
        lambda t: raw.ConcatV2(values=t[:2], axis=t[2], name="op"))

# MARK: - Pad

for name, x, paddings in [
    ("rank1", f32(3), [[1, 2]]),
    ("rank2", f32(2, 3), [[0, 1], [2, 0]]),
    ("nhwc_spatial", f32(1, 3, 3, 2), [[0, 0], [1, 1], [1, 1], [0, 0]]),
    ("nhwc_bottom_right", f32(1, 2, 2, 1), [[0, 0], [0, 1], [0, 1], [0, 0]]),
    ("zero", f32(2, 2), [[0, 0], [0, 0]]),
    ("empty_input", f32(0, 2), [[1, 1], [0, 1]]),
    ("i32", i32(2, 2), [[1, 0], [0, 2]]),
    ("scalar", np.float32(3.5), np.zeros((0, 2), np.int32)),
]:
    fam.add("Pad_" + name, "Pad", [x, Const(np.array(paddings, np.int32))],
            lambda t: raw.Pad(input=t[0], paddings=t[1], name="op"))
fam.add("Pad_paddings_i64", "Pad", [f32(2, 2), Const(np.array([[1, 1], [1, 0]], np.int64))],
        lambda t: raw.Pad(input=t[0], paddings=t[1], name="op"))

# MARK: - StridedSlice


def strided(name, x, begin, end, strides, dtype=np.int32, **masks):
    fam.add("StridedSlice_" + name, "StridedSlice",
            [x, Const(np.array(begin, dtype)), Const(np.array(end, dtype)), Const(np.array(strides, dtype))],
            lambda t: raw.StridedSlice(input=t[0], begin=t[1], end=t[2], strides=t[3], name="op", **masks))


x3 = f32(4, 5, 6)
strided("basic", x3, [1, 0, 2], [3, 5, 6], [1, 1, 1])
strided("stride2", x3, [0, 1, 0], [4, 5, 6], [2, 2, 3])
strided("negative_indices", x3, [-3, -4, -1], [-1, -1, 6], [1, 1, 1])
strided("negative_stride", x3, [3, 4, 5], [0, 0, 0], [-1, -2, -3])
strided("reverse_all", f32(5), [0], [0], [-1], begin_mask=1, end_mask=1)
strided("begin_end_mask", x3, [2, 3, 9], [0, 4, 0], [1, 1, 1], begin_mask=0b101, end_mask=0b101)
strided("clamp_out_of_range", x3, [-10, 1, 2], [10, 100, 4], [1, 1, 1])
strided("empty_result", x3, [3, 0, 0], [1, 5, 6], [1, 1, 1])
strided("shrink_axis", x3, [1, 0, -1], [2, 0, 0], [1, 1, 1], shrink_axis_mask=0b101, end_mask=0b010)
strided("shrink_all_scalar", f32(3, 4), [2, -1], [3, 0], [1, 1], shrink_axis_mask=0b11)
strided("new_axis", f32(3, 4), [0, 1, 0], [0, 3, 4], [1, 1, 1], new_axis_mask=0b001)
strided("new_axis_middle", f32(3, 4), [0, 0, 1], [2, 0, 3], [1, 1, 1], new_axis_mask=0b010)
strided("ellipsis", f32(2, 3, 4, 5), [0, 1], [0, 3], [1, 1], ellipsis_mask=0b01)
strided("ellipsis_middle", f32(2, 3, 4, 5), [1, 0, 2], [2, 0, 5], [1, 1, 1], ellipsis_mask=0b010)
strided("ellipsis_new_axis_shrink", f32(2, 3, 4), [0, 0, 1], [0, 0, 2], [1, 1, 1],
        ellipsis_mask=0b001, new_axis_mask=0b010, shrink_axis_mask=0b100)
strided("nasnet_shift", f32(1, 4, 4, 3), [0, 1, 1, 0], [0, 0, 0, 0], [1, 1, 1, 1],
        begin_mask=0b1001, end_mask=0b1111)
strided("partial_spec", f32(3, 4, 5), [1], [3], [1])
strided("negative_stride_masks", f32(6), [4], [1], [-2], end_mask=1)
strided("i64_indices", x3, [0, 1, 1], [2, 4, 5], [1, 2, 2], dtype=np.int64)
strided("int32_data", i32(4, 3), [1, 0], [4, 3], [2, 1])
strided("string_data", strings(5), [1], [5], [2])
strided("scalar_shrink_rank1", f32(4), [-1], [0], [1], shrink_axis_mask=1)
strided("new_axis_wins_over_shrink", f32(3, 4), [0, 1], [1, 2], [1, 1], new_axis_mask=0b01, shrink_axis_mask=0b11)
strided("ellipsis_with_masks", f32(2, 3, 4), [5, 0, 1], [0, 0, -1], [1, 1, -1],
        ellipsis_mask=0b010, begin_mask=0b001, end_mask=0b101)
strided("negative_stride_end_mask_i64", x3, [-1, 2, 4], [0, 0, 0], [-2, -1, -4], dtype=np.int64, end_mask=0b111)
strided("scalar_input", np.float32(2.5), np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.int32))
strided("begin_past_end_negative_stride", f32(6), [1], [4], [-1])

# MARK: - Slice

for name, x, begin, size, dtype in [
    ("basic", f32(4, 5), [1, 2], [2, 3], np.int32),
    ("size_minus1", f32(4, 5), [1, 2], [-1, 2], np.int32),
    ("all_minus1", f32(2, 3, 4), [0, 1, 2], [-1, -1, -1], np.int32),
    ("empty", f32(4, 5), [2, 1], [0, 3], np.int32),
    ("i64", f32(3, 3), [1, 0], [2, -1], np.int64),
    ("nhwc", f32(1, 5, 5, 2), [0, 1, 1, 0], [1, 3, 3, 2], np.int32),
    ("bool", boolean(5), [1], [3], np.int32),
]:
    fam.add("Slice_" + name, "Slice", [x, Const(np.array(begin, dtype)), Const(np.array(size, dtype))],
            lambda t: raw.Slice(input=t[0], begin=t[1], size=t[2], name="op"))

# MARK: - Split, SplitV

for name, x, axis, n in [
    ("axis0", f32(4, 3), 0, 2),
    ("axis1_three", f32(2, 6), 1, 3),
    ("axis_neg1_nhwc", f32(1, 2, 2, 4), -1, 2),
    ("one", f32(3), 0, 1),
    ("i32", i32(6), 0, 3),
    ("empty_other_dim", f32(0, 4), 1, 2),
]:
    fam.add("Split_" + name, "Split", [Const(np.int32(axis)), x],
            lambda t, n=n: raw.Split(axis=t[0], value=t[1], num_split=n, name="op"))

for name, x, sizes, axis, dtype in [
    ("basic", f32(2, 6), [1, 2, 3], 1, np.int64),
    ("minus1", f32(5, 2), [2, -1], 0, np.int32),
    ("zero_piece", f32(4), [0, 4, 0], 0, np.int32),
    ("neg_axis", f32(1, 2, 2, 5), [3, 2], -1, np.int32),
    ("minus1_first", f32(7), [-1, 3], 0, np.int64),
]:
    fam.add("SplitV_" + name, "SplitV", [x, Const(np.array(sizes, dtype)), Const(np.int32(axis))],
            lambda t, n=len(sizes): raw.SplitV(value=t[0], size_splits=t[1], axis=t[2], num_split=n, name="op"))

# MARK: - Squeeze, ExpandDims, Reshape

for name, x, dims in [
    ("all", f32(1, 3, 1, 2, 1), []),
    ("given", f32(1, 3, 1, 2, 1), [0, 2]),
    ("negative", f32(1, 3, 1, 1), [-1, -2]),
    ("nhwc_pooled", f32(2, 1, 1, 5), [1, 2]),
    ("to_scalar", f32(1, 1), []),
    ("none_to_squeeze", f32(2, 3), []),
    ("i32", i32(1, 4), [0]),
]:
    fam.add("Squeeze_" + name, "Squeeze", [x], lambda t, d=dims: raw.Squeeze(input=t[0], axis=d, name="op"))

for name, x, axis, dtype in [
    ("axis0", f32(2, 3), 0, np.int32),
    ("axis_last", f32(2, 3), 2, np.int32),
    ("axis_neg1", f32(2, 3), -1, np.int32),
    ("axis_neg3", f32(2, 3), -3, np.int32),
    ("scalar", np.float32(4.0), 0, np.int32),
    ("i64_axis", i32(3), 1, np.int64),
    ("axis_vector1", f32(2), np.array([1]), np.int32),
]:
    fam.add("ExpandDims_" + name, "ExpandDims", [x, Const(np.array(axis, dtype))],
            lambda t: raw.ExpandDims(input=t[0], axis=t[1], name="op"))

for name, x, shape, dtype in [
    ("flatten", f32(2, 3, 4), [2, -1], np.int32),
    ("minus1_middle", f32(2, 3, 4), [4, -1, 2], np.int32),
    ("to_scalar", f32(1, 1), [], np.int32),
    ("from_scalar", np.float32(7.0), [1, 1, 1], np.int32),
    ("i64_shape", f32(6), [3, 2], np.int64),
    ("empty", f32(0, 4), [4, 0], np.int32),
    ("empty_minus1", f32(0, 4), [-1, 0], np.int32),
    ("minus1_only", f32(2, 3), [-1], np.int64),
    ("string", strings(2, 2), [4], np.int32),
]:
    fam.add("Reshape_" + name, "Reshape", [x, Const(np.array(shape, dtype))],
            lambda t: raw.Reshape(tensor=t[0], shape=t[1], name="op"))

# MARK: - Shape, Size

for name, x, out in [
    ("i32", f32(2, 3, 4), tf.int32), ("i64", f32(5), tf.int64), ("scalar", np.float32(1), tf.int32),
    ("empty", f32(0, 3), tf.int32), ("string", strings(2), tf.int32),
]:
    fam.add("Shape_" + name, "Shape", [x], lambda t, o=out: raw.Shape(input=t[0], out_type=o, name="op"))
for name, x, out in [("i32", f32(2, 3, 4), tf.int32), ("i64", f32(5), tf.int64),
                     ("scalar", np.float32(1), tf.int32), ("empty", f32(0, 3), tf.int64)]:
    fam.add("Size_" + name, "Size", [x], lambda t, o=out: raw.Size(input=t[0], out_type=o, name="op"))

# MARK: - Cast (out-of-range float -> int is undefined in C++; TF on x86-64 gives INT_MIN for int32/int64
# and narrows that for 8/16-bit types, which we match; float -> uint32 out of range differs between Eigen's
# vector and scalar paths and is not tested; see Docs/supported-ops.md)

float_values = np.array([0.0, -0.0, 1.5, -1.5, 2.7, -2.7, 100.99, -100.99, 127.4, 0.49], np.float32)
for name, x, dst in [
    ("f32_to_i32", float_values, tf.int32),
    ("f32_to_i64", float_values * 1e6, tf.int64),
    ("f32_to_bool", np.array([0.0, -0.0, 1.0, np.nan, 1e-30, -3], np.float32), tf.bool),
    ("f32_to_f64", float_values, tf.float64),
    ("f32_to_u8", np.abs(float_values), tf.uint8),
    ("f64_to_f32", np.array([0.1, 1.0000000596046448, 1.0000001788139343, 1e39, -1e39, 3.3e-39], np.float64),
     tf.float32),
    ("f64_to_i32", np.array([-7.9, 7.9, 2147483647.0], np.float64), tf.int32),
    ("i32_to_f32", np.array([0, 1, -1, 16777217, -16777219, 2**31 - 1], np.int32), tf.float32),
    ("i32_to_i64", i32(4), tf.int64),
    ("i64_to_i32_wrap", np.array([2**40 + 5, -2**40 - 1, 2**31, -1], np.int64), tf.int32),
    ("i64_to_f32", np.array([2**53 + 1, -3, 2**62], np.int64), tf.float32),
    ("i32_to_bool", np.array([0, 3, -1], np.int32), tf.bool),
    ("i32_to_u8_wrap", np.array([300, -1, 255, 0], np.int32), tf.uint8),
    ("bool_to_f32", np.array([True, False]), tf.float32),
    ("bool_to_i32", np.array([[True, False], [False, True]]), tf.int32),
    ("u8_to_f32", np.array([0, 128, 255], np.uint8), tf.float32),
    ("u8_to_i32", np.array([0, 128, 255], np.uint8), tf.int32),
    ("i8_to_f32", np.array([-128, 5, 127], np.int8), tf.float32),
    ("f32_same_type", float_values, tf.float32),
    # 16 elements: Eigen's vector packets and its scalar tail both take part.
    ("f32_to_u16", np.array([0.5, 65535.9, 1000.2, 3.9] * 4, np.float32), tf.uint16),
    ("f32_to_i8", np.array([-100.7, 100.7, 127.9, -128.9] * 4, np.float32), tf.int8),
    ("i64_to_u64_wrap", np.array([-5, 2**40, -2**63, 7] * 4, np.int64), tf.uint64),
    ("u64_to_f32", np.array([2**64 - 1, 2**63, 5, 2**24 + 1] * 4, np.uint64), tf.float32),
    ("u64_to_i64_wrap", np.array([2**64 - 1, 2**63, 5, 0] * 4, np.uint64), tf.int64),
    ("i32_to_u32_wrap", np.array([-1, -2**31, 5, 7] * 4, np.int32), tf.uint32),
    ("u32_to_i32_wrap", np.array([2**32 - 1, 2**31, 5, 0] * 4, np.uint32), tf.int32),
    ("f64_to_u32_in_range", np.array([-2.5, 4294967295.0, 3.0, 0.9] * 4, np.float64), tf.uint32),
    ("i32_to_f64", np.array([2**31 - 1, 2**24 + 1, -(2**24 + 3), 0] * 4, np.int32), tf.float64),
    ("f64_to_bool", np.array([0.1, 1e300, -1e-300, np.nan, 0.0, -0.0] * 3, np.float64), tf.bool),
    ("u16_to_i8_wrap", np.array([65535, 0, 300, 1] * 4, np.uint16), tf.int8),
    ("f32_to_i32_out_of_range", np.array([np.nan, np.inf, -np.inf, 3e9, -3e9, 1e20, 2.5, -2.5] * 2, np.float32),
     tf.int32),
    ("f32_to_i64_out_of_range", np.array([np.nan, np.inf, -1e19, 1e19, 5e9, -5e9, 2.5, -2.5] * 2, np.float32),
     tf.int64),
    ("f32_to_u8_out_of_range", np.array([300.7, -300.7, 3e9, np.nan, 255.9, -1.5, 70000.5, 1.0] * 2, np.float32),
     tf.uint8),
    ("empty", f32(0, 2), tf.int32),
]:
    fam.add("Cast_" + name, "Cast", [x], lambda t, d=dst: raw.Cast(x=t[0], DstT=d, name="op"))
fam.add("Cast_truncate_attr_f64_to_f32", "Cast", [np.array([1.0000001788139343, 0.1], np.float64)],
        lambda t: raw.Cast(x=t[0], DstT=tf.float32, Truncate=True, name="op"))

# MARK: - Fill

for name, dims, value, dtype in [
    ("f32", [2, 3], np.float32(1.25), np.int32),
    ("i32_i64dims", [4], np.int32(-3), np.int64),
    ("scalar", [], np.float32(5), np.int32),
    ("zero_dim", [0, 3], np.float32(5), np.int32),
    ("bool", [2, 2], np.bool_(True), np.int32),
    ("string", [3], np.array(b"x", dtype=object), np.int32),
]:
    fam.add("Fill_" + name, "Fill", [Const(np.array(dims, dtype)), Feed(value)],
            lambda t: raw.Fill(dims=t[0], value=t[1], name="op"))

# MARK: - Transpose

for name, x, perm, dtype in [
    ("2d", f32(3, 4), [1, 0], np.int32),
    ("3d", f32(2, 3, 4), [2, 0, 1], np.int32),
    ("nhwc_to_nchw", f32(1, 2, 3, 4), [0, 3, 1, 2], np.int32),
    ("identity", f32(2, 3), [0, 1], np.int32),
    ("i64_perm", f32(2, 1, 3), [1, 2, 0], np.int64),
    ("empty", f32(0, 3), [1, 0], np.int32),
    ("i32_5d", i32(2, 1, 2, 3, 2), [4, 3, 2, 1, 0], np.int32),
    ("scalar", np.float32(3), np.zeros((0,), np.int32), np.int32),
    ("string", strings(2, 3), [1, 0], np.int32),
]:
    fam.add("Transpose_" + name, "Transpose", [x, Const(np.array(perm, dtype))],
            lambda t: raw.Transpose(x=t[0], perm=t[1], name="op"))

# MARK: - Pack

for name, parts, axis in [
    ("axis0", [f32(2, 3), f32(2, 3)], 0),
    ("axis1", [f32(2, 3), f32(2, 3), f32(2, 3)], 1),
    ("axis_neg1", [f32(2, 3), f32(2, 3)], -1),
    ("scalars", [np.float32(1), np.float32(2), np.float32(3)], 0),
    ("single", [f32(4)], 0),
    ("i32_shape_vector", [np.int32(1), np.int32(7)], 0),
    ("bool", [boolean(2), boolean(2)], 1),
    ("empty", [f32(0, 2), f32(0, 2)], 1),
]:
    fam.add("Pack_" + name, "Pack", parts,
            lambda t, a=axis: raw.Pack(values=t, axis=a, name="op"))

# MARK: - Range (plan-time constant inputs, as in reductions over every axis of a tensor of known rank)

for name, start, limit, delta, dtype in [
    ("i32", 0, 5, 1, np.int32),
    ("i32_step3", 2, 11, 3, np.int32),
    ("i32_negative_delta", 7, -2, -2, np.int32),
    ("i32_empty", 0, 0, 1, np.int32),
    ("i64", -3, 4, 2, np.int64),
    ("f32", 0.5, 2.0, 0.3, np.float32),
]:
    fam.add("Range_" + name, "Range", [Const(dtype(start)), Const(dtype(limit)), Const(dtype(delta))],
            lambda t: raw.Range(start=t[0], limit=t[1], delta=t[2], name="op"))

fam.write_manifest()
