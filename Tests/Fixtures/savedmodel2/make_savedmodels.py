#!/usr/bin/env python3
"""Writes TF2 SavedModels of tf_keras image models with calibrated random weights, plus the outputs
TensorFlow computes for them after loading them back with tensorflow_hub's `hub.load`.

Generated with: tensorflow-cpu 2.21.0, tf-keras 2.21.0, tensorflow-hub 0.15.0, numpy 2.4.6,
Python 3.11.7 (exact pins: Tests/Fixtures/oracle-requirements.txt). TensorFlow is a test oracle only.

Models (include_top=False, pooling="avg", weights=None; saved eagerly with tf.saved_model.save, which
gives Keras's object graph, a `serving_default` signature and the model's `__call__`)
  mobilenet_v2   small: tf_keras.applications.MobileNetV2(alpha=0.35) at 32x32 (the whole
                 architecture, 1280 features); full: MobileNetV2 at 224x224
  resnet         small: tf_keras's ResNet builder (applications.resnet.ResNet, stack1 bottleneck
                 blocks with biases, ZeroPadding2D, MaxPooling2D) with two stacks of two blocks,
                 8 and 16 filters, at 32x32; full: ResNet50 at 224x224
  nasnet         small: tf_keras's NASNet builder (applications.nasnet.NASNet), 3 cells, 8 filters,
                 40x40 (every cell type, as Tests/Fixtures/nasnet/keras_small); full: NASNetMobile
                 at 224x224

Weights are seeded: He-normal kernels (depthwise: fan-in k*k), biases in [-0.1, 0.1], batch-norm
gamma and beta in [0.5, 1.5]; the moving statistics are calibrated by one training-mode pass
(momentum 0) on 4 formula images of another seed and 4 noise images, so activations keep their scale
through the network (Docs oracle notes).

References: inputs follow oracle_hub.formula_inputs (not stored). For batch B in 1 and 8:
  serving_default_bB.npy  hub.load(dir).signatures["serving_default"](input_1=x)[<output>]
  call_bB.npy             hub.load(dir)(x, training=False)  (the reusable SavedModel's __call__)
manifest.json: configuration, signature keys and shapes, ops reached from each callable, sizes,
max |TF| per file, the relative difference of TF with oneDNN off (--compare-onednn-off), versions.

Usage
  make_savedmodels.py --model mobilenet_v2 --size small --out mobilenet_v2_small --compare-onednn-off
  make_savedmodels.py --model nasnet --size full --out .build/tf2-fixtures/nasnet_full
writes OUT/savedmodel (the SavedModel), the references and manifest.json. Refuses to overwrite
OUT/savedmodel. --references-only recomputes the references of an existing OUT/savedmodel into OUT.
"""

import argparse
import collections
import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "nasnet"))
import oracle_hub  # noqa: E402

BATCHES = [1, 8]
CALIBRATION_SEED = 54321
SIZES = {("mobilenet_v2", "small"): 32, ("resnet", "small"): 32, ("nasnet", "small"): 40,
         ("mobilenet_v2", "full"): 224, ("resnet", "full"): 224, ("nasnet", "full"): 224}


def import_tf_and_hub():
    """TensorFlow in eager mode and tensorflow_hub 0.15 (oracle_hub's estimator stub)."""
    return oracle_hub.import_hub(eager=True)


# MARK: - Models

def build_model(name, size):
    import tf_keras
    from tf_keras.src.applications import nasnet, resnet

    s = SIZES[(name, size)]
    shape = (s, s, 3)
    if name == "mobilenet_v2":
        alpha = 0.35 if size == "small" else 1.0
        return tf_keras.applications.MobileNetV2(input_shape=shape, alpha=alpha, include_top=False,
                                                 weights=None, pooling="avg")
    if name == "resnet":
        if size == "full":
            return tf_keras.applications.ResNet50(input_shape=shape, include_top=False, weights=None,
                                                  pooling="avg")

        def stack_fn(x):
            x = resnet.stack1(x, 8, 2, stride1=1, name="conv2")
            return resnet.stack1(x, 16, 2, name="conv3")

        return resnet.ResNet(stack_fn, False, True, "resnet_small", include_top=False, weights=None,
                             input_shape=shape, pooling="avg")
    if size == "full":
        return tf_keras.applications.NASNetMobile(input_shape=shape, include_top=False, weights=None,
                                                  pooling="avg")
    return nasnet.NASNet(input_shape=shape, penultimate_filters=24 * 8, num_blocks=1,
                         stem_block_filters=32, skip_reduction=False, filter_multiplier=2,
                         include_top=False, weights=None, pooling="avg", default_size=s)


def set_weights(model, rng):
    for v in model.weights:
        leaf = v.name.split(":")[0].split("/")[-1]
        shape = v.shape.as_list()
        if leaf in ("kernel", "pointwise_kernel"):
            fan_in = int(np.prod(shape[:-1]))
            value = rng.normal(0.0, np.sqrt(2.0 / fan_in), shape)
        elif leaf == "depthwise_kernel":
            value = rng.normal(0.0, np.sqrt(2.0 / (shape[0] * shape[1])), shape)
        elif leaf == "bias":
            value = rng.uniform(-0.1, 0.1, shape)
        elif leaf in ("gamma", "beta"):
            value = rng.uniform(0.5, 1.5, shape)
        elif leaf == "moving_mean":
            value = np.zeros(shape)
        elif leaf == "moving_variance":
            value = np.ones(shape)
        else:
            raise ValueError("unexpected variable %s %s" % (v.name, shape))
        v.assign(value.astype(np.float32))


def calibrate(model, s, rng):
    """Moving statistics := the batch statistics of one training-mode pass (momentum 0)."""
    import tf_keras

    batch = np.concatenate([oracle_hub.formula_inputs(4, s, s, seed=CALIBRATION_SEED),
                            rng.uniform(0.0, 1.0, (4, s, s, 3)).astype(np.float32)])
    layers = [l for l in model.submodules if isinstance(l, tf_keras.layers.BatchNormalization)]
    momenta = [l.momentum for l in layers]
    for layer in layers:
        layer.momentum = 0.0
    model(batch, training=True)
    for layer, momentum in zip(layers, momenta):
        layer.momentum = momentum
    return len(layers)


# MARK: - References

def reached_ops(saved_model_dir, function_names):
    from tensorflow.core.protobuf import saved_model_pb2

    sm = saved_model_pb2.SavedModel()
    with open(os.path.join(saved_model_dir, "saved_model.pb"), "rb") as f:
        sm.ParseFromString(f.read())
    mg = sm.meta_graphs[0]
    library = {f.signature.name: f for f in mg.graph_def.library.function}
    ops, seen, pending = collections.Counter(), set(), list(function_names)
    while pending:
        name = pending.pop()
        if name in seen or name not in library:
            continue
        seen.add(name)
        for node in library[name].node_def:
            ops[node.op] += 1
            if node.op in library:
                pending.append(node.op)
            for attr in node.attr.values():
                if attr.func.name:
                    pending.append(attr.func.name)
    return dict(sorted(ops.items())), len(seen), len(library)


def write_references(tf, hub, saved_model_dir, out, s):
    loaded = hub.load(saved_model_dir)
    serving = loaded.signatures["serving_default"]
    (input_key,) = serving.structured_input_signature[1].keys()
    (output_key,) = serving.structured_outputs.keys()
    files = {}
    for batch in BATCHES:
        x = oracle_hub.formula_inputs(batch, s, s)
        for name, value in [("serving_default", serving(**{input_key: tf.constant(x)})[output_key]),
                            ("call", loaded(tf.constant(x), training=False))]:
            value = value.numpy().astype(np.float32)
            file = "%s_b%d.npy" % (name, batch)
            np.save(os.path.join(out, file), value)
            files[file] = {"callable": name, "batch": batch, "shape": list(value.shape),
                           "max_abs": float(np.max(np.abs(value)))}
    return files, input_key, output_key


def onednn_off_differences(args, out, files):
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, os.path.abspath(__file__), "--model", args.model, "--size", args.size,
               "--out", tmp, "--references-only", "--savedmodel", os.path.join(out, "savedmodel")]
        env = dict(os.environ, TF_ENABLE_ONEDNN_OPTS="0")
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return {name: float(np.max(np.abs(np.load(os.path.join(out, name)) - np.load(os.path.join(tmp, name))))
                            / np.max(np.abs(np.load(os.path.join(out, name))))) for name in files}


def dir_size(path):
    return sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(path) for f in fs)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", choices=["mobilenet_v2", "resnet", "nasnet"], required=True)
    p.add_argument("--size", choices=["small", "full"], required=True)
    p.add_argument("--seed", type=int, default=2018)
    p.add_argument("--out", required=True)
    p.add_argument("--savedmodel", help="with --references-only: the SavedModel to read (default OUT/savedmodel)")
    p.add_argument("--references-only", action="store_true")
    p.add_argument("--compare-onednn-off", action="store_true")
    args = p.parse_args()
    tf, hub = import_tf_and_hub()
    s = SIZES[(args.model, args.size)]
    os.makedirs(args.out, exist_ok=True)
    saved_model_dir = os.path.abspath(args.savedmodel or os.path.join(args.out, "savedmodel"))
    if args.references_only:
        write_references(tf, hub, saved_model_dir, args.out, s)
        return
    if os.path.exists(saved_model_dir):
        sys.exit("refusing to overwrite %s" % saved_model_dir)

    import tf_keras

    tf_keras.utils.set_random_seed(args.seed)
    model = build_model(args.model, args.size)
    rng = np.random.RandomState(args.seed)
    set_weights(model, rng)
    batch_norms = calibrate(model, s, rng)
    tf.saved_model.save(model, saved_model_dir)
    keras_outputs = {b: model(oracle_hub.formula_inputs(b, s, s), training=False).numpy() for b in BATCHES}

    files, input_key, output_key = write_references(tf, hub, saved_model_dir, args.out, s)
    for b in BATCHES:
        for name in ("serving_default", "call"):
            reference = np.load(os.path.join(args.out, "%s_b%d.npy" % (name, b)))
            diff = float(np.max(np.abs(reference - keras_outputs[b])) / np.max(np.abs(keras_outputs[b])))
            files["%s_b%d.npy" % (name, b)]["rel_diff_vs_keras_model"] = diff
    from tensorflow.core.protobuf import saved_model_pb2

    sm = saved_model_pb2.SavedModel()
    with open(os.path.join(saved_model_dir, "saved_model.pb"), "rb") as f:
        sm.ParseFromString(f.read())
    mg = sm.meta_graphs[0]
    og = mg.object_graph_def
    root = {c.local_name: c.node_id for c in og.nodes[0].children}
    serving_function = next(n.attr["f"].func.name for n in mg.graph_def.node if n.name == "StatefulPartitionedCall")
    call_functions = [name for name in og.nodes[root["__call__"]].function.concrete_functions
                      if og.concrete_functions[name].canonicalized_input_signature.tuple_value.values[0]
                      .tuple_value.values[1].bool_value is False]
    ops = {}
    for name, roots in [("serving_default", [serving_function]), ("call_training_false", call_functions[:1])]:
        histogram, reached, total = reached_ops(saved_model_dir, roots)
        ops[name] = {"functions_reached": reached, "library_functions": total, "ops": histogram}
    if args.compare_onednn_off:
        for name, diff in onednn_off_differences(args, args.out, files).items():
            files[name]["onednn_off_max_rel_diff"] = diff
    manifest = {
        "generator": "Tests/Fixtures/savedmodel2/make_savedmodels.py",
        "command": " ".join(["make_savedmodels.py"] + sys.argv[1:]),
        "model": args.model, "size": args.size, "image_size": s, "weight_seed": args.seed,
        "keras_model_name": model.name, "parameters": int(model.count_params()),
        "variables": len(model.weights), "batch_norms_calibrated": batch_norms,
        "signature": {"name": "serving_default", "input": input_key, "output": output_key,
                      "function": serving_function},
        "call_function_training_false": call_functions[:1],
        "saved_model_bytes": os.path.getsize(os.path.join(saved_model_dir, "saved_model.pb")),
        "savedmodel_bytes": dir_size(saved_model_dir),
        "ops_reached": ops, "batches": BATCHES, "files": files, "versions": oracle_hub.versions(),
    }
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")
    print(json.dumps({"savedmodel_bytes": manifest["savedmodel_bytes"], "parameters": manifest["parameters"],
                      "files": {k: {kk: vv for kk, vv in v.items() if kk != "shape"} for k, v in files.items()}},
                     indent=1))


if __name__ == "__main__":
    main()
