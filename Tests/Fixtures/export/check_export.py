#!/usr/bin/env python3
"""Checks that TensorFlow loads a module exported by ClassifierModuleWriter and computes our numbers.

Run by scripts/test-full (through the TrainingTests test `tensorflowLoadsTheExport`) with the oracle venv
(tensorflow-cpu 2.21.0, tensorflow-hub 0.15.0):

  check_export.py --module EXPORT_DIR --ours OURS_DIR

OURS_DIR holds what Module(url:) computed from the export for the formula images at the module's size
(export_formulas.formula_inputs(2, size, size)):
features_{notags,train}.npy ([batch, F]) and logits_{notags,train}.npy ([batch, C]). For each tag set,
the module is loaded two ways:
  1. tensorflow_hub 0.15 `hub.Module(path, tags=...)` (trainable for {"train"}, as fine-tuning code does):
     signatures default / image_classification / image_feature_vector with their shapes, the head
     variables among the module's (trainable) variables, get_expected_image_size, labels.txt;
  2. `tf.compat.v1.saved_model.loader.load(session, tags, path)` (plain TF1, which restores through a
     Saver built from the `variables` collection), fetching the signature tensors by name.
Both must give logits and features within 1e-4 of ours (relative to the largest |value|). Prints one
JSON summary; exit status 1 on any mismatch.
"""
import argparse
import json
import os
import sys

import numpy as np

from export_formulas import BATCH, formula_inputs, import_hub

tf, hub = import_hub()
v1 = tf.compat.v1
TOLERANCE = 1e-4


def relative_error(actual, expected):
    scale = max(float(np.abs(expected).max()), 1e-30)
    return float(np.abs(np.asarray(actual) - np.asarray(expected)).max()) / scale


def with_hub_module(path, tags, batch):
    graph = tf.Graph()
    with graph.as_default():
        module = hub.Module(path, tags=tags, trainable="train" in tags)
        signatures = sorted(module.get_signature_names())
        shapes = {name: module.get_output_info_dict(name)["default"].get_shape().as_list() for name in signatures}
        size = hub.get_expected_image_size(module)
        placeholder = v1.placeholder(tf.float32, [None] + size + [3])
        logits = module(placeholder)
        classification = module(placeholder, signature="image_classification")
        features = module(placeholder, signature="image_feature_vector")
        trainable = sorted(v.op.name for v in v1.trainable_variables() if v.op.name.startswith("module/classifier/"))
        with v1.Session(graph=graph) as session:
            session.run(v1.global_variables_initializer())
            l, c, f = session.run([logits, classification, features], {placeholder: batch})
    assert np.array_equal(l, c), "default and image_classification differ"
    return {"signatures": signatures, "output_shapes": shapes, "image_size": size,
            "trainable_head": trainable}, l, f


def with_loader(path, tags, batch):
    graph = tf.Graph()
    with v1.Session(graph=graph) as session:
        meta = v1.saved_model.loader.load(session, sorted(tags), path)
        signature = meta.signature_def["image_classification"]
        ifv = meta.signature_def["image_feature_vector"]
        l, f = session.run([signature.outputs["default"].name, ifv.outputs["default"].name],
                           {signature.inputs["images"].name: batch})
    return l, f


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--module", required=True)
    parser.add_argument("--ours", required=True)
    args = parser.parse_args()
    report, failures = {}, []
    with open(os.path.join(args.module, "assets", "labels.txt"), encoding="utf-8") as handle:
        labels = handle.read().splitlines()
    for tags, suffix in [(set(), "notags"), ({"train"}, "train")]:
        size = hub.get_expected_image_size(hub.load_module_spec(args.module))
        batch = formula_inputs(BATCH, size[0], size[1])
        ours_logits = np.load(os.path.join(args.ours, "logits_%s.npy" % suffix))
        ours_features = np.load(os.path.join(args.ours, "features_%s.npy" % suffix))
        info, hub_logits, hub_features = with_hub_module(args.module, tags, batch)
        loader_logits, loader_features = with_loader(args.module, tags, batch)
        errors = {
            "hub.Module logits": relative_error(ours_logits, hub_logits),
            "hub.Module features": relative_error(ours_features, hub_features),
            "loader.load logits": relative_error(ours_logits, loader_logits),
            "loader.load features": relative_error(ours_features, loader_features),
        }
        report[suffix] = dict(info, errors=errors)
        failures += ["%s %s: %.3g" % (suffix, name, error) for name, error in errors.items() if not error <= TOLERANCE]
        classes = ours_logits.shape[1]
        expected = {"default": [None, classes], "image_classification": [None, classes],
                    "image_feature_vector": [None, ours_features.shape[1]]}
        if info["signatures"] != sorted(expected) or any(info["output_shapes"][k] != v for k, v in expected.items()):
            failures.append("%s: signatures %s" % (suffix, info["output_shapes"]))
        if "train" in tags and info["trainable_head"] != ["module/classifier/biases", "module/classifier/weights"]:
            failures.append("train: head variables not trainable: %s" % info["trainable_head"])
        if len(labels) != classes:
            failures.append("labels.txt has %d names for %d classes" % (len(labels), classes))
    report["labels"] = labels
    report["failures"] = failures
    print(json.dumps(report, indent=1, ensure_ascii=False))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
