#!/usr/bin/env python3
"""TensorFlow side of `tfhub bench --gradients`: one forward+backward step of a classifier on a TF1 hub
module, in TF 2.21 graph mode.

Usage:
  scripts/bench_tf_gradients.py MODULE_DIR [--batch 32] [--classes 1000] [--runs 10] [--threads 2]
                                [--signature default] [--tags train] [--json]

The module's graph variant (tags, default {"train"}: batch norm with batch statistics) and checkpoint
are loaded as TensorFlow saves them (`tf.compat.v1.saved_model.loader.load`), then a head
  loss = mean(sparse_softmax_cross_entropy_with_logits(labels, features @ W + b))
on the signature's `default` output, with W, b and labels fed (placeholders), and
`tf.gradients(loss, trainable_variables() + [W, b])`. Timed: `session.run([loss] + grads)`, --runs
times after one warm-up run; median, min, max. Also reported: the time of building the gradient graph
(`tf.gradients`), the loss, the norm of all gradients (sqrt of the sum of squares, to check both sides
computed the same step) and the peak resident set (VmHWM) at the end.

Values (the Swift side uses the same formulas, Sources/tfhub/GradientBench.swift):
u(i, seed) = ((i * 2654435761 + seed) mod 2^32 >> 8) / 2^24; images u(i, 12345) over the flat
[N, H, W, 3] batch; W (u(i, 777) - 0.5) * 0.1 over the flat [features, classes] matrix;
b (u(i, 999) - 0.5) * 0.1; labels (7 * n) mod classes.

Versions: tensorflow-cpu 2.21.0 (Tests/Fixtures/oracle-requirements.txt). Without TensorFlow in the
running interpreter the script re-executes itself with $PYTHON or .venv-oracle/bin/python.
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


def formula(count, seed):
    i = np.arange(count, dtype=np.uint64)
    u = (i * np.uint64(2654435761) + np.uint64(seed)) % np.uint64(2**32)
    return (u >> np.uint64(8)).astype(np.float32) / np.float32(16777216)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("module_dir")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--classes", type=int, default=1000)
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--threads", type=int, default=2, help="intra- and inter-op threads")
    p.add_argument("--signature", default="default")
    p.add_argument("--output", default="default")
    p.add_argument("--tags", action="append", default=[], help="tag of the graph variant (repeatable; default train)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    tags = args.tags or ["train"]

    tf, _ = oracle_hub.import_hub()  # graph mode, estimator stub; re-executes with the oracle venv
    v1 = tf.compat.v1
    config = v1.ConfigProto(intra_op_parallelism_threads=args.threads,
                            inter_op_parallelism_threads=args.threads)
    graph = tf.Graph()
    with graph.as_default():
        session = v1.Session(graph=graph, config=config)
        meta = v1.saved_model.loader.load(session, tags, os.path.abspath(args.module_dir))
        signature = meta.signature_def[args.signature]
        (images_info,) = signature.inputs.values()
        images = graph.get_tensor_by_name(images_info.name)
        features = graph.get_tensor_by_name(signature.outputs[args.output].name)
        _, height, width, channels = [int(d.size) for d in images_info.tensor_shape.dim]
        feature_count = int(features.shape[-1])
        with tf.name_scope("classifier_head"):
            W = v1.placeholder(tf.float32, [feature_count, args.classes], name="weights")
            b = v1.placeholder(tf.float32, [args.classes], name="bias")
            labels = v1.placeholder(tf.int64, [args.batch], name="labels")
            logits = tf.matmul(features, W) + b
            xent = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
            loss = tf.reduce_mean(xent, name="loss")
        targets = v1.trainable_variables() + [W, b]
        t0 = time.perf_counter()
        grads = tf.gradients(loss, targets)
        plan_seconds = time.perf_counter() - t0
    missing = [t.name for t, g in zip(targets, grads) if g is None]
    if missing:
        sys.exit("no gradient for %s" % missing)

    feeds = {
        images: formula(args.batch * height * width * channels, 12345).reshape(args.batch, height, width, channels),
        W: ((formula(feature_count * args.classes, 777) - 0.5) * 0.1).reshape(feature_count, args.classes),
        b: (formula(args.classes, 999) - 0.5) * 0.1,
        labels: (7 * np.arange(args.batch, dtype=np.int64)) % args.classes,
    }
    fetches = [loss] + grads
    values = session.run(fetches, feeds)  # warm-up
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        session.run(fetches, feeds)
        times.append(time.perf_counter() - start)
    session.close()
    times.sort()
    median = times[len(times) // 2] if len(times) % 2 else (times[len(times) // 2 - 1] + times[len(times) // 2]) / 2
    norm = float(np.sqrt(sum(float(np.sum(np.square(np.asarray(g, np.float64)))) for g in values[1:])))
    report = {
        "command": " ".join(["scripts/bench_tf_gradients.py"] + sys.argv[1:]),
        "plan_seconds": plan_seconds, "batch": args.batch, "classes": args.classes, "targets": len(targets),
        "median_ms": median * 1e3, "min_ms": times[0] * 1e3, "max_ms": times[-1] * 1e3,
        "images_per_second": args.batch / median, "loss": float(values[0]), "gradient_norm": norm,
        "peak_rss_bytes": peer_timing.peak_rss_bytes(),
        "tensorflow": tf.__version__, "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default (on)"),
    }
    if args.json:
        print(json.dumps(report, indent=1))
        return
    print("TensorFlow %s, %d threads, module %s, tags %s, batch %d, %d classes, %d gradients" % (
        tf.__version__, args.threads, args.module_dir, tags, args.batch, args.classes, len(targets)))
    print("step: median %.1f ms (min %.1f, max %.1f, %d runs), %.1f img/s" % (
        report["median_ms"], report["min_ms"], report["max_ms"], args.runs, report["images_per_second"]))
    print("tf.gradients: %.2f s; loss %.6f, gradient norm %.6f; peak RSS %.0f MiB" % (
        plan_seconds, report["loss"], norm, report["peak_rss_bytes"] / 2**20))


if __name__ == "__main__":
    main()
