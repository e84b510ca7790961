#!/usr/bin/env python3
"""TensorFlow's NASNet features for images with NaN and +-Inf pixels (the "default" signature).

Generated with: tensorflow-cpu 2.21.0 (oneDNN on, as by default), tensorflow-hub 0.15.0, numpy 2.4.6,
Python 3.11 (exact pins: Tests/Fixtures/oracle-requirements.txt). TensorFlow is a test oracle only.

Images are oracle_hub.formula_inputs(batch, size, size) with the listed pixels replaced; positions are
given as fractions of the image size so one case list serves the 40x40 reduced and the 224x224 module.
Writes OUT/nonfinite_<case>.npy and OUT/nonfinite.json (the cases: batch, tag set, spots as
[image, row, column, channel, value]; value "nan", "inf" or "-inf").

Usage
  make_nonfinite_refs.py --module Tests/Fixtures/nasnet/slim_v1_small/module --out Tests/Fixtures/nasnet/slim_v1_small
  make_nonfinite_refs.py --module Modules/nasnet_mobile_feature_vector --out Tests/Fixtures/nasnet/full
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle_hub  # noqa: E402

# name, batch, tags, spots (image, row fraction, column fraction, channel, value)
CASES = [
    ("nan_corner", 1, [], [(0, 0.0, 0.0, 0, "nan")]),
    ("nan_center", 1, [], [(0, 0.5, 0.5, 1, "nan")]),
    ("inf_pixel", 1, [], [(0, 0.25, 0.3, 2, "inf")]),
    ("minus_inf_pixel", 1, [], [(0, 1.0, 1.0, 0, "-inf")]),
    ("inf_and_minus_inf", 1, [], [(0, 0.4, 0.4, 0, "inf"), (0, 0.6, 0.4, 0, "-inf")]),
    # inference batch norm: the clean image stays finite, exactly TF's numbers
    ("batch2_second_nan", 2, [], [(1, 0.1, 0.7, 2, "nan")]),
    # training batch norm: batch statistics carry the NaN into every image
    ("batch2_second_nan_train", 2, ["train"], [(1, 0.1, 0.7, 2, "nan")]),
]
VALUES = {"nan": np.float32(np.nan), "inf": np.float32(np.inf), "-inf": np.float32(-np.inf)}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--module", required=True)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    tf, hub = oracle_hub.import_hub()
    manifest = {"generator": "make_nonfinite_refs.py", "versions": oracle_hub.versions(), "cases": []}
    for tags in ([], ["train"]):
        cases = [c for c in CASES if c[2] == tags]
        graph = tf.Graph()
        with graph.as_default():
            module = hub.Module(os.path.abspath(args.module), tags=set(tags))
            size = hub.get_expected_image_size(module)[0]
            images = tf.compat.v1.placeholder(tf.float32, [None, size, size, 3])
            features = module(images)
            with tf.compat.v1.Session() as session:
                session.run(tf.compat.v1.global_variables_initializer())
                for name, batch, _, spots in cases:
                    x = oracle_hub.formula_inputs(batch, size, size)
                    placed = []
                    for image, fr, fc, channel, value in spots:
                        row, column = round(fr * (size - 1)), round(fc * (size - 1))
                        x[image, row, column, channel] = VALUES[value]
                        placed.append([image, row, column, channel, value])
                    y = session.run(features, {images: x})
                    np.save(os.path.join(args.out, "nonfinite_%s.npy" % name), y)
                    manifest["cases"].append({"name": name, "batch": batch, "tags": tags, "spots": placed})
                    print("%s: %d NaN, %d Inf of %d" % (name, np.isnan(y).sum(), np.isinf(y).sum(), y.size))
    with open(os.path.join(args.out, "nonfinite.json"), "w") as f:
        json.dump(manifest, f, indent=1)


if __name__ == "__main__":
    main()
