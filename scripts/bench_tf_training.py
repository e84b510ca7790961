#!/usr/bin/env python3
"""TensorFlow side of `tfhub bench --training`: TF1's fine-tuning loop on a hub module, in TF 2.21 graph
mode, timed per training step.

Usage:
  scripts/bench_tf_training.py MODULE_DIR [--batch 32] [--classes 5] [--runs 10] [--threads 2]
                               [--learning-rate 0.005] [--json]

What a TF1 user writes to fine-tune an image module (as Tests/Fixtures/training/make_training.py):
  module = hub.Module(MODULE_DIR, trainable=True, tags={"train"}); features = module(images)
  logits = bias_add(matmul(features, classifier/weights), classifier/biases)   (zero-initialised)
  loss = losses.softmax_cross_entropy(one_hot(labels), logits) + add_n(regularization losses)
  with control_dependencies(UPDATE_OPS): train_op = MomentumOptimizer(lr, 0.9).minimize(loss)
Timed: `session.run([loss, train_op])` --runs times after one warm-up step; median, min, max; the loss
of the first step, and the peak resident set (VmHWM) at the end.

Values (the Swift side uses the same, Sources/tfhub/TrainingBench.swift): images
u(i, 12345) = ((i * 2654435761 + 12345) mod 2^32 >> 8) / 2^24 over the flat [N, H, W, 3] batch; labels
(7 * n) mod classes.

Versions: tensorflow-cpu 2.21.0, tensorflow-hub 0.15.0 (Tests/Fixtures/oracle-requirements.txt).
Without TensorFlow in the running interpreter the script re-executes itself with $PYTHON or
.venv-oracle/bin/python.
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402

import peer_timing  # noqa: E402  (scripts/, beside this file)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests",
                                "Fixtures", "nasnet"))
import oracle_hub  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("module_dir")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--classes", type=int, default=5)
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--threads", type=int, default=2, help="intra- and inter-op threads")
    p.add_argument("--learning-rate", type=float, default=0.005)
    p.add_argument("--json", action="store_true")
    args = p.parse_args()

    tf, hub = oracle_hub.import_hub()  # graph mode, estimator stub; re-executes with the oracle venv
    v1 = tf.compat.v1
    config = v1.ConfigProto(intra_op_parallelism_threads=args.threads,
                            inter_op_parallelism_threads=args.threads)
    graph = tf.Graph()
    with graph.as_default():
        t0 = time.perf_counter()
        module = hub.Module(os.path.abspath(args.module_dir), trainable=True, tags={"train"})
        height, width = hub.get_expected_image_size(module)
        images = v1.placeholder(tf.float32, [args.batch, height, width, 3])
        labels = v1.placeholder(tf.int64, [args.batch])
        features = module(images)
        with v1.variable_scope("classifier"):
            weights = v1.get_variable("weights", [int(features.shape[-1]), args.classes],
                                      initializer=v1.zeros_initializer())
            biases = v1.get_variable("biases", [args.classes], initializer=v1.zeros_initializer())
        logits = tf.nn.bias_add(tf.matmul(features, weights), biases)
        loss = v1.losses.softmax_cross_entropy(tf.one_hot(labels, args.classes), logits)
        regularization = v1.losses.get_regularization_losses()
        if regularization:
            loss = loss + tf.add_n(regularization)
        with tf.control_dependencies(v1.get_collection(v1.GraphKeys.UPDATE_OPS)):
            train_op = v1.train.MomentumOptimizer(args.learning_rate, 0.9).minimize(loss)
        session = v1.Session(graph=graph, config=config)
        session.run(v1.global_variables_initializer())
        plan_seconds = time.perf_counter() - t0

    count = args.batch * height * width * 3
    i = np.arange(count, dtype=np.uint64)
    u = (i * np.uint64(2654435761) + np.uint64(12345)) % np.uint64(2**32)
    feeds = {images: ((u >> np.uint64(8)).astype(np.float32) / np.float32(16777216)).reshape(args.batch, height, width, 3),
             labels: (7 * np.arange(args.batch, dtype=np.int64)) % args.classes}
    first_loss, _ = session.run([loss, train_op], feeds)  # warm-up
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        session.run([loss, train_op], feeds)
        times.append(time.perf_counter() - start)
    session.close()
    times.sort()
    median = times[len(times) // 2] if len(times) % 2 else (times[len(times) // 2 - 1] + times[len(times) // 2]) / 2
    report = {
        "command": " ".join(["scripts/bench_tf_training.py"] + sys.argv[1:]),
        "plan_seconds": plan_seconds, "batch": args.batch, "classes": args.classes,
        "median_ms": median * 1e3, "min_ms": times[0] * 1e3, "max_ms": times[-1] * 1e3,
        "images_per_second": args.batch / median, "first_loss": float(first_loss),
        "peak_rss_bytes": peer_timing.peak_rss_bytes(),
        "tensorflow": tf.__version__, "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default (on)"),
    }
    if args.json:
        print(json.dumps(report, indent=1))
        return
    print("TensorFlow %s, %d threads, module %s, batch %d, %d classes: training step median %.1f ms "
          "(min %.1f, max %.1f, %d runs), %.1f img/s, first loss %.6f, peak RSS %.0f MiB" % (
              tf.__version__, args.threads, args.module_dir, args.batch, args.classes, report["median_ms"],
              report["min_ms"], report["max_ms"], args.runs, report["images_per_second"], first_loss,
              report["peak_rss_bytes"] / 2**20))


if __name__ == "__main__":
    main()
