#!/usr/bin/env python3
"""Writes TF1 hub modules whose graphs hold function libraries, plus TensorFlow's outputs.

Generated with: tensorflow-cpu 2.21.0, tf-keras 2.21.0, tensorflow-hub 0.15.0, numpy 2.4.6,
Python 3.11.7 (exact pins: Tests/Fixtures/oracle-requirements.txt). TensorFlow is a test oracle only.

Fixtures
  keras_cond_small   tf_keras NASNet (NASNetMobile's builder, --cells 3 --filters 8, 40x40) built
                     "the common way": no learning phase set, so every BatchNormalization is an
                     `If` on `keras_learning_phase` (a PlaceholderWithDefault) whose branches live in
                     the function library (332 functions). Tag set {} defaults the learning phase to
                     False (inference batch norm), {"train"} to True (batch statistics). Weights are
                     seeded and calibrated exactly as make_nasnet.py's keras style.
  tf_function_small  x [-1, 6] -> a module_fn calling a tf.function `outer` that calls a
                     tf.function `inner` (MatMul + BiasAdd on two captured resource variables), and a
                     tf.cond on a constant inside `outer` and at top level.

Usage
  make_functions.py --fixture keras_cond_small --out keras_cond_small
  make_functions.py --fixture tf_function_small --out tf_function_small
writes OUT/module (the hub module), OUT/<signature output>_b{1,8}_{notags,train}.npy and manifest.json.
Inputs follow oracle_hub.formula_inputs (not stored).
"""

import argparse
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "nasnet"))
import oracle_hub  # noqa: E402
import make_nasnet  # noqa: E402  (imports TensorFlow and the hub stub)

tf, hub = make_nasnet.tf, make_nasnet.hub
V1 = tf.compat.v1
BATCHES = [1, 8]
TAG_SETS = make_nasnet.TAG_SETS
_KEEP = []  # keras keeps only a weak reference to the learning-phase tensor


# MARK: - keras_cond_small

def keras_cond_module_fn(args):
    from tf_keras.src import backend
    from tf_keras.src.applications import nasnet

    s = args.image_size

    def module_fn(is_training):
        images = V1.placeholder(tf.float32, [None, s, s, 3], name="images")
        scaled = make_nasnet.hub_input(images)
        if is_training:
            # What Keras would make itself, with the default flipped: the `If`s take the train branch.
            phase = V1.placeholder_with_default(True, shape=(), name="keras_learning_phase")
            _KEEP.append(phase)
            backend._internal_set_learning_phase(tf.compat.v1.get_default_graph(), phase)
        model = nasnet.NASNet(input_shape=(s, s, 3), input_tensor=scaled,
                              penultimate_filters=24 * args.filters, num_blocks=args.cells // 3,
                              stem_block_filters=make_nasnet.STEM_FILTERS, skip_reduction=False,
                              filter_multiplier=make_nasnet.FILTER_SCALING_RATE, include_top=False,
                              weights=None, pooling="avg", default_size=s)
        hub.add_signature(inputs={"images": images}, outputs={"default": model.output})
        info = hub.ImageModuleInfo()
        info.default_image_size.height = s
        info.default_image_size.width = s
        hub.attach_image_module_info(info)

    return module_fn


def export_keras_cond(args, module_dir):
    """Weights as make_nasnet.py's keras style (same layer and variable names), calibrated on its
    set_learning_phase graph, then written into the If-style module."""
    nasnet_args = argparse.Namespace(style="keras", cells=args.cells, filters=args.filters,
                                     image_size=args.image_size, seed=args.seed, compact=False)
    calibration_spec = hub.create_module_spec(
        make_nasnet.module_fn_for(nasnet_args),
        tags_and_args=[(set(), {"is_training": False}), ({"train"}, {"is_training": True})])
    spec = hub.create_module_spec(
        keras_cond_module_fn(args),
        tags_and_args=[(set(), {"is_training": False}), ({"train"}, {"is_training": True})])
    rng = np.random.RandomState(args.seed)
    with tf.Graph().as_default():
        m = hub.Module(spec)
        variables = [(k, v.shape.as_list()) for k, v in sorted(m.variable_map.items())]
    values = make_nasnet.initial_values(variables, rng)
    make_nasnet.calibrate_keras(calibration_spec, nasnet_args, values, rng)
    with tf.Graph().as_default():
        m = hub.Module(spec)
        group, feeds = make_nasnet.assign_group(m.variable_map, values)
        with V1.Session() as sess:
            sess.run(group, feeds)
            m.export(module_dir, sess)


# MARK: - tf_function_small

def tf_function_module_fn(is_training):
    x = V1.placeholder(tf.float32, [None, 6], name="x")
    init = V1.random_normal_initializer(0.0, 0.5, seed=7)
    w = V1.get_variable("dense/kernel", [6, 5], initializer=init, use_resource=True)
    b = V1.get_variable("dense/bias", [5], initializer=init, use_resource=True)
    scale = 3.0 if is_training else 2.0

    @tf.function
    def inner(v):
        return tf.nn.relu(tf.nn.bias_add(tf.matmul(v, w), b))

    @tf.function
    def outer(v):
        hidden = inner(v)
        # A condition known when the graph is built: an If/StatelessIf on a Const.
        scaled = tf.cond(tf.constant(not is_training), lambda: hidden * scale, lambda: hidden - 1.0)
        return tf.nn.softmax(scaled), hidden

    probabilities, hidden = outer(x)
    top = tf.cond(tf.constant(True), lambda: probabilities + 1.0, lambda: probabilities * 0.0)
    hub.add_signature(inputs={"x": x}, outputs={"default": top, "hidden": hidden,
                                               "probabilities": probabilities})


def export_tf_function(args, module_dir):
    spec = hub.create_module_spec(
        tf_function_module_fn,
        tags_and_args=[(set(), {"is_training": False}), ({"train"}, {"is_training": True})])
    with tf.Graph().as_default():
        m = hub.Module(spec)
        with V1.Session() as sess:
            sess.run(V1.global_variables_initializer())
            m.export(module_dir, sess)


# MARK: - References

def fixture_inputs(args, batch):
    if args.fixture == "tf_function_small":
        return oracle_hub.formula_inputs(batch, 1, 1, c=6).reshape(batch, 6) * 4.0 - 2.0
    s = args.image_size
    return oracle_hub.formula_inputs(batch, s, s)


def write_references(args, module_dir):
    files = {}
    for tag_name, tags in TAG_SETS:
        with tf.Graph().as_default():
            m = hub.Module(module_dir, tags=tags)
            key = "x" if args.fixture == "tf_function_small" else "images"
            shape = [None] + list(fixture_inputs(args, 1).shape[1:])
            feed = V1.placeholder(tf.float32, shape)
            outputs = m({key: feed}, as_dict=True)
            with V1.Session() as sess:
                sess.run(V1.global_variables_initializer())
                for batch in BATCHES:
                    for name, value in sess.run(outputs, {feed: fixture_inputs(args, batch)}).items():
                        file = "%s_b%d_%s.npy" % (name, batch, tag_name)
                        np.save(os.path.join(args.out, file), value.astype(np.float32))
                        files[file] = {"output": name, "batch": batch, "tags": sorted(tags),
                                       "shape": list(value.shape),
                                       "max_abs": float(np.max(np.abs(value)))}
    return files


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--fixture", choices=["keras_cond_small", "tf_function_small"], required=True)
    p.add_argument("--cells", type=int, default=3)
    p.add_argument("--filters", type=int, default=8)
    p.add_argument("--image-size", type=int, default=40)
    p.add_argument("--seed", type=int, default=2018)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    module_dir = os.path.abspath(os.path.join(args.out, "module"))
    if os.path.exists(module_dir):
        sys.exit("refusing to overwrite %s" % module_dir)
    if args.fixture == "keras_cond_small":
        export_keras_cond(args, module_dir)
    else:
        export_tf_function(args, module_dir)
    files = write_references(args, module_dir)
    graphs = make_nasnet.graph_report(module_dir)
    from tensorflow.core.protobuf import saved_model_pb2
    sm = saved_model_pb2.SavedModel()
    with open(os.path.join(module_dir, "saved_model.pb"), "rb") as f:
        sm.ParseFromString(f.read())
    for mg in sm.meta_graphs:
        tag_name = "train" if "train" in mg.meta_info_def.tags else "notags"
        graphs[tag_name]["library_functions"] = len(mg.graph_def.library.function)
        graphs[tag_name]["library_ops"] = oracle_hub.op_histogram(
            type(mg.graph_def)(node=[n for f in mg.graph_def.library.function for n in f.node_def]))
    manifest = {
        "generator": "Tests/Fixtures/functions/make_functions.py",
        "command": " ".join(["make_functions.py"] + sys.argv[1:]),
        "fixture": args.fixture, "cells": args.cells, "filters": args.filters,
        "image_size": args.image_size, "weight_seed": args.seed,
        "batches": BATCHES, "module_bytes": make_nasnet.dir_size(module_dir),
        "graphs": graphs, "files": files, "versions": oracle_hub.versions(),
    }
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")
    print(json.dumps({"module_bytes": manifest["module_bytes"],
                      "functions": {k: v["library_functions"] for k, v in graphs.items()},
                      "max_abs": {k: round(v["max_abs"], 4) for k, v in sorted(files.items())}}, indent=1))


if __name__ == "__main__":
    main()
