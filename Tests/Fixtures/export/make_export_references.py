#!/usr/bin/env python3
"""TensorFlow's numbers for the export tests: the reduced NASNet fixture modules with their variables
perturbed and a classifier head on top, all built by TensorFlow itself.

Generated with: tensorflow-cpu 2.21.0, tf-keras 2.21.0, tensorflow-hub 0.15.0, numpy 2.4.6, Python 3.11.7
(Tests/Fixtures/oracle-requirements.txt). Run from anywhere:  python3 Tests/Fixtures/export/make_export_references.py
(re-executes itself with $PYTHON or .venv-oracle/bin/python when TensorFlow is missing).

For each of slim_v1_small (VariableV2) and slim_v3_small (resource variables) and each tag set ({} and
{"train"}), TF loads the source module with `hub.Module(path, tags=...)`, assigns every variable its
perturbed value (export_formulas.perturbed: the checkpoint value times 1 + 0.1 * unit(i, j)), builds the
head the way TF1 code does (`get_variable("classifier/weights" [192, 5])`, `"classifier/biases" [5]`
holding export_formulas.head, `bias_add(matmul(features, weights), biases)` on the
`image_feature_vector` output) and runs the formula images (batch 2, 40x40). Written to <style>/:
  features_{notags,train}.npy   float32 [2, 192]
  logits_{notags,train}.npy     float32 [2, 5]
The Swift test exports the same module with ClassifierModuleWriter and compares what Module(url:) computes
from the export with these.
"""
import json
import os

import numpy as np

from export_formulas import BATCH, FIXTURES, IMAGE_SIZE, STYLES, head, images, import_hub, perturbed, versions

tf, hub = import_hub()
v1 = tf.compat.v1


def references(style):
    module_dir = os.path.join(FIXTURES, "nasnet", style, "module")
    reader = tf.train.load_checkpoint(os.path.join(module_dir, "variables", "variables"))
    values = perturbed({key: reader.get_tensor(key) for key in reader.get_variable_to_shape_map()})
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), style)
    os.makedirs(out, exist_ok=True)
    summary = {}
    for tags, suffix in [(set(), "notags"), ({"train"}, "train")]:
        graph = tf.Graph()
        with graph.as_default():
            module = hub.Module(module_dir, tags=tags)
            batch = v1.placeholder(tf.float32, [None, IMAGE_SIZE, IMAGE_SIZE, 3])
            features = module(batch, signature="image_feature_vector", as_dict=True)["default"]
            weights, biases = head(int(features.shape[-1]))
            with v1.variable_scope("classifier"):
                w = v1.get_variable("weights", initializer=weights)
                b = v1.get_variable("biases", initializer=biases)
            logits = tf.nn.bias_add(tf.matmul(features, w), b)
            feeds, assigns = {}, []
            for key, variable in module.variable_map.items():
                placeholder = v1.placeholder(variable.dtype.base_dtype, variable.shape)
                assigns.append(variable.assign(placeholder))
                feeds[placeholder] = values[key]
            with v1.Session(graph=graph) as session:
                session.run(v1.global_variables_initializer())
                session.run(assigns, feeds)
                f, l = session.run([features, logits], {batch: images()})
        np.save(os.path.join(out, "features_%s.npy" % suffix), f.astype(np.float32))
        np.save(os.path.join(out, "logits_%s.npy" % suffix), l.astype(np.float32))
        summary[suffix] = {"variables_assigned": len(feeds), "max_abs_features": float(np.abs(f).max()),
                           "max_abs_logits": float(np.abs(l).max())}
    return summary


if __name__ == "__main__":
    manifest = {"versions": versions(), "batch": BATCH, "styles": {style: references(style) for style in STYLES}}
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "manifest.json"), "w") as handle:
        json.dump(manifest, handle, indent=1)
    print(json.dumps(manifest, indent=1))
