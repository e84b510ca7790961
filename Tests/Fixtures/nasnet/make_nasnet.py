#!/usr/bin/env python3
"""Writes a NASNet-A TF1 hub module with calibrated random weights, plus TensorFlow's outputs.

Generated with: tensorflow-cpu 2.21.0, tf-keras 2.21.0, tensorflow-hub 0.15.0, numpy 2.4.6,
Python 3 (exact pins: Tests/Fixtures/oracle-requirements.txt). TensorFlow is a test oracle only.

Styles
  slim-v1  TF-Slim NASNet-A (models/research/slim/nets/nasnet, peers.md section 4) in TF1 ops,
           2018 style: ref variables (VariableV2 + Identity .../read), FusedBatchNorm (V1), Add.
  slim-v3  the same network with resource variables (VarHandleOp/ReadVariableOp),
           FusedBatchNormV3 and AddV2 (what hub 0.15 + TF 2.21 write by default).
  keras    tf_keras.applications NASNet (NASNetMobile at full size) wrapped in a hub module.

Every module has tag sets {} (inference batch norm) and {"train"} (batch statistics, plus
moving-average update ops in UPDATE_OPS), signatures "default" ({"images"} -> {"default"}) and
"image_feature_vector" ({"images"} -> {"default", "feature_map"}), and an ImageModuleInfo
attachment. Inputs are RGB in [0, 1]; the module maps them to [-1, 1] (hub_input/Sub, hub_input/Mul).

Weights are seeded random numbers (batch-norm gamma in [0.5, 1.5], beta in [0.5, 1.5]); moving
statistics are calibrated from one training-mode pass on a separate batch (formula images with
another seed, plus noise) so activations keep a sane scale through all cells.

Usage
  make_nasnet.py --style slim-v1 --cells 3 --filters 8 --image-size 40 --out DIR
      writes DIR/module (the hub module), DIR/inputs_b{1,2,8}.npy, DIR/<outputs>.npy, manifest.json
  --module-out MDIR   write the module to MDIR instead of DIR/module
  --no-inputs         do not write inputs_b*.npy (they follow oracle_hub.formula_inputs)
  --feature-map-batches 1   batch sizes for which the feature_map output is stored
"""

import argparse
import json
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle_hub  # noqa: E402

tf, hub = oracle_hub.import_hub()

BN_EPSILON = 1e-3
BN_DECAY = 0.9997
WEIGHT_DECAY = 4e-5
STEM_FILTERS = 32
FILTER_SCALING_RATE = 2
NUM_REDUCTION_LAYERS = 2
TAG_SETS = [("notags", set()), ("train", {"train"})]
BATCHES = [1, 2, 8]
CALIBRATION_SEED = 54321

NORMAL_OPS = ["separable_5x5_2", "separable_3x3_2", "separable_5x5_2", "separable_3x3_2",
              "avg_pool_3x3", "none", "avg_pool_3x3", "avg_pool_3x3", "separable_3x3_2", "none"]
NORMAL_USED = [1, 0, 0, 0, 0, 0, 0]
NORMAL_INDICES = [0, 1, 1, 1, 0, 1, 1, 1, 0, 0]
REDUCTION_OPS = ["separable_5x5_2", "separable_7x7_2", "max_pool_3x3", "separable_7x7_2",
                 "avg_pool_3x3", "separable_5x5_2", "none", "avg_pool_3x3", "separable_3x3_2",
                 "max_pool_3x3"]
REDUCTION_USED = [1, 1, 1, 0, 0, 0, 0]
REDUCTION_INDICES = [0, 1, 0, 1, 0, 1, 3, 2, 2, 0]

V1 = tf.compat.v1


# MARK: - TF-Slim NASNet-A in TF1 ops

class SlimBuilder:
    """Builds the slim NASNet-A graph; names follow slim's variable scopes."""

    def __init__(self, style, is_training, cells, filters, compact=False):
        self.v1 = style == "slim-v1"
        self.compact = compact
        self.is_training = is_training
        self.cells = cells
        self.filters = filters
        self.bn_inputs = []  # (variable scope of the batch norm, its input tensor)

    # -- variables and layers

    def variable(self, name, shape, initializer, trainable=True):
        collections = [V1.GraphKeys.GLOBAL_VARIABLES]
        if not self.compact:
            collections.append(V1.GraphKeys.MODEL_VARIABLES)
        return V1.get_variable(name, shape, tf.float32, initializer=initializer,
                               trainable=trainable, collections=collections,
                               use_resource=not self.v1)

    def weights(self, name, shape):
        if self.compact:
            return self.variable(name, shape, V1.zeros_initializer())
        w = self.variable(name, shape, V1.variance_scaling_initializer(2.0, "fan_out"))
        with tf.name_scope(name + "/Regularizer"):
            V1.add_to_collection(V1.GraphKeys.REGULARIZATION_LOSSES,
                                 tf.multiply(WEIGHT_DECAY, tf.nn.l2_loss(w), name="l2_regularizer"))
        return w

    def add(self, a, b):
        return tf.raw_ops.Add(x=a, y=b) if self.v1 else tf.add(a, b)

    def conv(self, x, filters, kernel, scope, stride=1, padding="SAME"):
        with V1.variable_scope(scope):
            w = self.weights("weights", [kernel, kernel, int(x.shape[-1]), filters])
            return tf.nn.conv2d(x, w, [1, stride, stride, 1], padding, name="Conv2D")

    def batch_norm(self, x, scope):
        with V1.variable_scope(scope) as vs:
            c = int(x.shape[-1])
            beta = self.variable("beta", [c], V1.zeros_initializer())
            gamma = self.variable("gamma", [c], V1.ones_initializer())
            mean = self.variable("moving_mean", [c], V1.zeros_initializer(), trainable=False)
            var = self.variable("moving_variance", [c], V1.ones_initializer(), trainable=False)
            self.bn_inputs.append((vs.name, x))
            op = tf.raw_ops.FusedBatchNorm if self.v1 else tf.raw_ops.FusedBatchNormV3
            if not self.is_training:
                return op(x=x, scale=gamma, offset=beta, mean=mean, variance=var,
                          epsilon=BN_EPSILON, data_format="NHWC", is_training=False,
                          name="FusedBatchNorm")[0]
            empty = tf.constant([], tf.float32, name="Const")
            out = op(x=x, scale=gamma, offset=beta, mean=empty, variance=empty,
                     epsilon=BN_EPSILON, data_format="NHWC", is_training=True,
                     name="FusedBatchNorm")
            for variable, value, name in [(mean, out[1], "AssignMovingAvg"),
                                          (var, out[2], "AssignMovingAvg_1")]:
                with tf.name_scope(name):
                    delta = tf.multiply(tf.subtract(variable, value), 1.0 - BN_DECAY)
                    V1.add_to_collection(V1.GraphKeys.UPDATE_OPS, V1.assign_sub(variable, delta))
            return out[0]

    def separable(self, x, filters, kernel, stride, scope):
        with V1.variable_scope(scope):
            cin = int(x.shape[-1])
            dw = self.weights("depthwise_weights", [kernel, kernel, cin, 1])
            pw = self.weights("pointwise_weights", [1, 1, cin, filters])
            with tf.name_scope("separable_conv2d"):
                d = tf.raw_ops.DepthwiseConv2dNative(input=x, filter=dw,
                                                    strides=[1, stride, stride, 1],
                                                    padding="SAME", name="depthwise")
            return tf.nn.conv2d(d, pw, [1, 1, 1, 1], "VALID", name="separable_conv2d")

    # -- nasnet_utils

    def stacked_separable(self, x, stride, operation, filters):
        kernel = int(operation.split("_")[1].split("x")[0])
        layers = int(operation.split("_")[-1])
        for n in range(1, layers + 1):
            x = tf.nn.relu(x)
            x = self.separable(x, filters, kernel, stride, "separable_%dx%d_%d" % (kernel, kernel, n))
            x = self.batch_norm(x, "bn_sep_%dx%d_%d" % (kernel, kernel, n))
            stride = 1
        return x

    def factorized_reduction(self, x, filters):
        path1 = tf.nn.avg_pool2d(x, 1, [1, 2, 2, 1], "VALID", name="AvgPool")
        path1 = self.conv(path1, filters // 2, 1, "path1_conv")
        path2 = tf.pad(x, [[0, 0], [0, 1], [0, 1], [0, 0]])[:, 1:, 1:, :]
        path2 = tf.nn.avg_pool2d(path2, 1, [1, 2, 2, 1], "VALID", name="AvgPool_1")
        path2 = self.conv(path2, filters // 2 + filters % 2, 1, "path2_conv")
        out = tf.concat([path1, path2], axis=3)
        return self.batch_norm(out, "final_path_bn")

    def apply_operation(self, x, operation, stride, original_input, filters):
        if stride > 1 and not original_input:
            stride = 1
        cin = int(x.shape[-1])
        if "separable" in operation:
            return self.stacked_separable(x, stride, operation, filters)
        if operation == "none":
            if stride > 1 or cin != filters:
                x = tf.nn.relu(x)
                x = self.conv(x, filters, 1, "1x1", stride=stride)
                x = self.batch_norm(x, "bn_1")
            return x
        pool = tf.nn.avg_pool2d if operation.startswith("avg") else tf.nn.max_pool2d
        x = pool(x, 3, [1, stride, stride, 1], "SAME")
        if cin != filters:
            x = self.conv(x, filters, 1, "1x1")
            x = self.batch_norm(x, "bn_1")
        return x

    def cell(self, net, prev, scope, filter_scaling, stride, reduction):
        filters = int(self.filters * filter_scaling)
        ops, used, indices = ((REDUCTION_OPS, REDUCTION_USED, REDUCTION_INDICES) if reduction
                              else (NORMAL_OPS, NORMAL_USED, NORMAL_INDICES))
        with V1.variable_scope(scope):
            # _reduce_prev_layer
            if prev is None:
                prev = net
            elif int(prev.shape[2]) != int(net.shape[2]):
                prev = self.factorized_reduction(tf.nn.relu(prev), filters)
            elif int(prev.shape[-1]) != filters:
                prev = self.conv(tf.nn.relu(prev), filters, 1, "prev_1x1")
                prev = self.batch_norm(prev, "prev_bn")
            # _cell_base
            x = self.conv(tf.nn.relu(net), filters, 1, "1x1")
            x = self.batch_norm(x, "beginning_bn")
            states = tf.split(x, 1, axis=3) + [prev]
            for it in range(5):
                with V1.variable_scope("comb_iter_%d" % it):
                    li, ri = indices[2 * it], indices[2 * it + 1]
                    with V1.variable_scope("left"):
                        h1 = self.apply_operation(states[li], ops[2 * it], stride, li < 2, filters)
                    with V1.variable_scope("right"):
                        h2 = self.apply_operation(states[ri], ops[2 * it + 1], stride, ri < 2, filters)
                    with V1.variable_scope("combine"):
                        states.append(self.add(h1, h2))
            with V1.variable_scope("cell_output"):
                return tf.concat([h for h, u in zip(states, used) if not u], axis=3)

    def network(self, images):
        """images in [-1, 1] -> (features [N, C], last cell output [N, h, w, C])."""
        net = self.conv(images, STEM_FILTERS, 3, "conv0", stride=2, padding="VALID")
        net = self.batch_norm(net, "conv0_bn")
        outputs = [None, net]
        scaling = 1.0 / FILTER_SCALING_RATE ** 2
        for n in range(2):
            net = self.cell(net, outputs[-2], "cell_stem_%d" % n, scaling, 2, True)
            outputs.append(net)
            scaling *= FILTER_SCALING_RATE
        reductions = [int(k / (NUM_REDUCTION_LAYERS + 1) * self.cells)
                      for k in range(1, NUM_REDUCTION_LAYERS + 1)]
        scaling = 1.0
        for n in range(self.cells):
            if n in reductions:
                scaling *= FILTER_SCALING_RATE
                net = self.cell(net, outputs[-2], "reduction_cell_%d" % reductions.index(n),
                                scaling, 2, True)
                outputs.append(net)
            net = self.cell(net, outputs[-2], "cell_%d" % n, scaling, 1, False)
            outputs.append(net)
        with V1.variable_scope("final_layer"):
            features = tf.reduce_mean(tf.nn.relu(net), [1, 2], name="Mean")
        return features, net


def hub_input(images):
    with tf.name_scope("hub_input"):
        return tf.multiply(tf.subtract(images, 0.5), 2.0)


# MARK: - Keras NASNet

def keras_network(images, is_training, args):
    """tf_keras NASNet built directly on the scaled images (no stray Input placeholder)."""
    import tf_keras
    from tf_keras.src.applications import nasnet

    tf_keras.backend.set_learning_phase(1 if is_training else 0)
    s = args.image_size
    model = nasnet.NASNet(input_shape=(s, s, 3), input_tensor=images,
                          penultimate_filters=24 * args.filters, num_blocks=args.cells // 3,
                          stem_block_filters=STEM_FILTERS, skip_reduction=False,
                          filter_multiplier=FILTER_SCALING_RATE, include_top=False,
                          weights=None, pooling="avg", default_size=s)
    features = model.output
    feature_map = model.layers[-2].input  # the last cell output (before the final ReLU)
    return features, feature_map


# MARK: - Module definition

def module_fn_for(args):
    s = args.image_size

    def module_fn(is_training):
        images = V1.placeholder(tf.float32, [None, s, s, 3], name="images")
        scaled = hub_input(images)
        if args.style == "keras":
            features, feature_map = keras_network(scaled, is_training, args)
        else:
            with V1.variable_scope("", use_resource=args.style != "slim-v1"):
                features, feature_map = SlimBuilder(args.style, is_training, args.cells,
                                                    args.filters, args.compact).network(scaled)
        hub.add_signature(inputs={"images": images}, outputs={"default": features})
        hub.add_signature("image_feature_vector", inputs={"images": images},
                          outputs={"default": features, "feature_map": feature_map})
        info = hub.ImageModuleInfo()
        info.default_image_size.height = s
        info.default_image_size.width = s
        hub.attach_image_module_info(info)

    return module_fn


# MARK: - Weights

def initial_values(variables, rng):
    """Seeded random values: He-scaled conv weights, batch-norm gamma/beta away from 1/0."""
    values = {}
    for name, shape in variables:
        leaf = name.split("/")[-1]
        if len(shape) == 4:
            k, _, cin, cout = shape
            fan_in = k * k * (1 if (leaf.startswith("depthwise") or "depthwise" in name) else cin)
            values[name] = rng.normal(0.0, np.sqrt(2.0 / fan_in), shape)
        elif leaf == "gamma":
            values[name] = rng.uniform(0.5, 1.5, shape)
        elif leaf == "beta":
            # Positive offsets keep most ReLUs active: with batch statistics ({"train"}) a random
            # BN+ReLU stack amplifies perturbations with depth (beta in [-0.5, 0.5] made TF with
            # and without oneDNN differ by 1.2e-4 x max|TF| at full size; [0.5, 1.5]: ~1e-5).
            values[name] = rng.uniform(0.5, 1.5, shape)
        elif leaf == "moving_mean":
            values[name] = np.zeros(shape)
        elif leaf == "moving_variance":
            values[name] = np.ones(shape)
        else:
            raise ValueError("unexpected variable %s %s" % (name, shape))
    return {k: v.astype(np.float32) for k, v in values.items()}


def assign_group(variables_by_name, values):
    """One group of assign ops fed by placeholders (Variable.load per variable is far too slow)."""
    feeds, ops = {}, []
    for name, var in variables_by_name.items():
        ph = V1.placeholder(tf.float32, values[name].shape)
        ops.append(var.assign(ph, read_value=False) if hasattr(var, "assign") else V1.assign(var, ph))
        feeds[ph] = values[name]
    return tf.group(*ops), feeds


def strip_var_name(name):
    return name.split(":")[0]


def calibration_batch(args, rng):
    """4 images from the input formula with another seed (the kind of input the references
    use) and 4 uniform-noise images."""
    s = args.image_size
    return np.concatenate([oracle_hub.formula_inputs(4, s, s, seed=CALIBRATION_SEED),
                           rng.uniform(0.0, 1.0, (4, s, s, 3)).astype(np.float32)])


def calibrate_slim(args, values, rng):
    """Sets moving mean/variance to the statistics of one training-mode pass (biased variance,
    as FusedBatchNorm normalises with), so inference sees activations of the same scale."""
    batch = calibration_batch(args, rng)
    with tf.Graph().as_default():
        images = V1.placeholder(tf.float32, [None, args.image_size, args.image_size, 3])
        builder = SlimBuilder(args.style, True, args.cells, args.filters, args.compact)
        with V1.variable_scope("", use_resource=args.style != "slim-v1"):
            builder.network(hub_input(images))
        variables = {strip_var_name(v.name): v for v in V1.global_variables()}
        group, feeds = assign_group(variables, values)
        moments = {scope: tf.nn.moments(x, [0, 1, 2]) for scope, x in builder.bn_inputs}
        with V1.Session() as sess:
            sess.run(group, feeds)
            stats = sess.run(moments, {images: batch})
    for scope, (mean, var) in stats.items():
        values[scope + "/moving_mean"] = mean.astype(np.float32)
        values[scope + "/moving_variance"] = var.astype(np.float32)


def calibrate_keras(spec, args, values, rng):
    """Keras layers are unnamed in slim terms: calibrate by running the {"train"} variant's
    batch-norm inputs through the module graph instead."""
    batch = calibration_batch(args, rng)
    with tf.Graph().as_default() as g:
        m = hub.Module(spec, tags={"train"})
        variables = {k: v for k, v in m.variable_map.items()}
        images = V1.placeholder(tf.float32, [None, args.image_size, args.image_size, 3])
        m(dict(images=images), as_dict=True)
        group, feeds = assign_group(variables, values)
        # Each training-mode batch norm in the applied graph: find its input and its variables.
        bns = [op for op in g.get_operations()
               if op.type.startswith("FusedBatchNorm") and op.name.startswith("module_apply_default/")]
        moments = {}
        for op in bns:
            scope = op.name[len("module_apply_default/"):].rsplit("/", 1)[0]
            moments[scope] = tf.nn.moments(op.inputs[0], [0, 1, 2])
        with V1.Session() as sess:
            sess.run(group, feeds)
            stats = sess.run(moments, {images: batch})
    names = set(values)
    done = 0
    for scope, (mean, var) in stats.items():
        key = scope + "/moving_mean"
        if key in names:
            values[key] = mean.astype(np.float32)
            values[scope + "/moving_variance"] = var.astype(np.float32)
            done += 1
    if done != len(stats):
        raise RuntimeError("calibrated %d of %d keras batch norms" % (done, len(stats)))


# MARK: - Export

def export_module(args, module_dir):
    spec = hub.create_module_spec(
        module_fn_for(args),
        tags_and_args=[(set(), {"is_training": False}), ({"train"}, {"is_training": True})])
    rng = np.random.RandomState(args.seed)
    with tf.Graph().as_default():
        m = hub.Module(spec)
        variables = [(k, v.shape.as_list()) for k, v in sorted(m.variable_map.items())]
    values = initial_values(variables, rng)
    if args.style == "keras":
        calibrate_keras(spec, args, values, rng)
    else:
        calibrate_slim(args, values, rng)
    with tf.Graph().as_default():
        m = hub.Module(spec)
        group, feeds = assign_group(m.variable_map, values)
        with V1.Session() as sess:
            sess.run(group, feeds)
            m.export(module_dir, sess)
    return len(values), int(sum(v.size for v in values.values()))


# MARK: - References

def output_file(signature, output, batch, tags):
    prefix = "default" if signature == "default" else "ifv_" + output
    return "%s_b%d_%s.npy" % (prefix, batch, tags)


def write_references(args, module_dir, out_dir):
    """Loads the exported module back (fresh graph per tag set) and runs both signatures."""
    s = args.image_size
    inputs = {b: oracle_hub.formula_inputs(b, s, s) for b in BATCHES}
    files = {}
    for tag_name, tags in TAG_SETS:
        with tf.Graph().as_default():
            m = hub.Module(module_dir, tags=tags)
            images = V1.placeholder(tf.float32, [None, s, s, 3])
            fetches = {
                "default": {"default": m(dict(images=images), signature="default", as_dict=True)["default"]},
                "image_feature_vector": m(dict(images=images), signature="image_feature_vector",
                                          as_dict=True),
            }
            with V1.Session() as sess:
                sess.run(V1.global_variables_initializer())
                for b in BATCHES:
                    result = sess.run(fetches, {images: inputs[b]})
                    for sig, outs in result.items():
                        for out, value in outs.items():
                            if out == "feature_map" and b not in args.feature_map_batches:
                                continue
                            name = output_file(sig, out, b, tag_name)
                            np.save(os.path.join(out_dir, name), value.astype(np.float32))
                            files[name] = {"signature": sig, "output": out, "batch": b,
                                           "tags": sorted(tags), "shape": list(value.shape),
                                           "max_abs": float(np.max(np.abs(value))),
                                           "mean_abs": float(np.mean(np.abs(value)))}
    if not args.no_inputs:
        for b in BATCHES:
            np.save(os.path.join(out_dir, "inputs_b%d.npy" % b), inputs[b])
    return files


def graph_report(module_dir):
    """Op histograms per tag set: whole graph and the part the signature outputs depend on."""
    from tensorflow.core.protobuf import saved_model_pb2

    sm = saved_model_pb2.SavedModel()
    with open(os.path.join(module_dir, "saved_model.pb"), "rb") as f:
        sm.ParseFromString(f.read())
    report = {}
    for mg in sm.meta_graphs:
        tag_name = "train" if "train" in mg.meta_info_def.tags else "notags"
        outputs = [t.name for sig in mg.signature_def.values() for t in sig.outputs.values()]
        sigs = {name: {"inputs": {k: {"name": t.name, "shape": [d.size for d in t.tensor_shape.dim]}
                                  for k, t in sig.inputs.items()},
                       "outputs": {k: {"name": t.name, "shape": [d.size for d in t.tensor_shape.dim]}
                                   for k, t in sig.outputs.items()}}
                for name, sig in sorted(mg.signature_def.items())}
        report[tag_name] = {
            "tags": list(mg.meta_info_def.tags),
            "nodes": len(mg.graph_def.node),
            "signatures": sigs,
            "ops_signature_outputs": oracle_hub.op_histogram(mg.graph_def, outputs),
            "ops_whole_graph": oracle_hub.op_histogram(mg.graph_def),
            "collections": sorted(mg.collection_def.keys()),
        }
    return report


def onednn_off_differences(args, module_dir, files):
    """Reruns the references with oneDNN off (a second TF numerics path) and returns
    max |a - b| / max |a| per file: how much headroom the 1e-4 x max|TF| tolerance leaves."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, os.path.abspath(__file__), "--style", args.style,
               "--cells", str(args.cells), "--filters", str(args.filters),
               "--image-size", str(args.image_size), "--out", tmp, "--module-out", module_dir,
               "--skip-export", "--no-inputs", "--feature-map-batches",
               *[str(b) for b in args.feature_map_batches]]
        env = dict(os.environ, TF_ENABLE_ONEDNN_OPTS="0")
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        diffs = {}
        for name in files:
            a, b = np.load(os.path.join(args.out, name)), np.load(os.path.join(tmp, name))
            diffs[name] = float(np.max(np.abs(a - b)) / np.max(np.abs(a)))
    return diffs


def dir_size(path):
    return sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(path) for f in fs)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--style", choices=["slim-v1", "slim-v3", "keras"], required=True)
    p.add_argument("--cells", type=int, default=12)
    p.add_argument("--filters", type=int, default=44)
    p.add_argument("--image-size", type=int, default=224)
    p.add_argument("--seed", type=int, default=2018)
    p.add_argument("--out", required=True)
    p.add_argument("--module-out")
    p.add_argument("--no-inputs", action="store_true")
    p.add_argument("--feature-map-batches", type=int, nargs="*", default=BATCHES)
    p.add_argument("--compact", action="store_true",
                   help="reduced fixtures: constant initializers, no regularization losses, no "
                        "model_variables collection (smaller saved_model.pb; same compute graph)")
    p.add_argument("--compare-onednn-off", action="store_true",
                   help="also run the references with TF_ENABLE_ONEDNN_OPTS=0 and record the "
                        "relative differences in the manifest")
    p.add_argument("--skip-export", action="store_true", help="reuse an existing module directory")
    args = p.parse_args()
    if args.cells % 3:
        p.error("--cells must be a multiple of 3 (reduction cells before cells/3 and 2*cells/3)")

    os.makedirs(args.out, exist_ok=True)
    module_dir = os.path.abspath(args.module_out or os.path.join(args.out, "module"))
    if args.skip_export:
        var_count = var_params = None
    else:
        if os.path.exists(module_dir):
            sys.exit("refusing to overwrite %s" % module_dir)
        var_count, var_params = export_module(args, module_dir)
    files = write_references(args, module_dir, args.out)
    manifest = {
        "generator": "Tests/Fixtures/nasnet/make_nasnet.py",
        "command": " ".join(["make_nasnet.py"] + sys.argv[1:]),
        "module_dir": os.path.relpath(module_dir, os.path.abspath(args.out)),
        "style": args.style, "compact": args.compact, "cells": args.cells, "filters": args.filters,
        "image_size": args.image_size, "weight_seed": args.seed,
        "input_formula": "x[i] = ((i * 2654435761 + 12345) mod 2^32 >> 8) / 2^24, i = flat index "
                         "of the [N, H, W, 3] batch",
        "tag_sets": [sorted(t) for _, t in TAG_SETS],
        "batches": BATCHES,
        "variables": var_count, "parameters": var_params,
        "module_bytes": dir_size(module_dir),
        "graphs": graph_report(module_dir),
        "files": files,
        "versions": oracle_hub.versions(),
        "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default (on)"),
    }
    if args.compare_onednn_off:
        diffs = onednn_off_differences(args, module_dir, files)
        manifest["onednn_off_max_rel_diff"] = diffs
        manifest["onednn_off_max_rel_diff_worst"] = max(diffs.values())
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")
    print(json.dumps({"module_bytes": manifest["module_bytes"], "parameters": var_params,
                      "max_abs": {k: round(v["max_abs"], 4) for k, v in sorted(files.items())}},
                     indent=1))


if __name__ == "__main__":
    main()
