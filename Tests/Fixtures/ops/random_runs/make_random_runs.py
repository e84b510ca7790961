#!/usr/bin/env python3
"""Stateful RandomUniform across session runs: what TensorFlow's op draws at each run of one session.

Writes `runs_<dtype>.npy`: the op's output at runs 0, 1 and 2 of one session, stacked (`[3, 5, 7]`), for
`RandomUniform(shape=[5, 7], seed=7, seed2=11)` in graph mode, float32 and float64. The interpreter
draws run r with `ExecutionPlan.run(..., runIndex: r)` (RandomRunsTests).

Versions used: TensorFlow 2.21.0 (tensorflow-cpu), numpy 2.4.6, CPython 3.11.
Run: .venv-oracle/bin/python Tests/Fixtures/ops/random_runs/make_random_runs.py
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.compat.v1.disable_eager_execution()
HERE = os.path.dirname(os.path.abspath(__file__))

for dtype, name in [(tf.float32, "float32"), (tf.float64, "float64")]:
    graph = tf.Graph()
    with graph.as_default():
        op = tf.raw_ops.RandomUniform(shape=tf.constant([5, 7]), dtype=dtype, seed=7, seed2=11, name="op")
        with tf.compat.v1.Session(graph=graph) as session:
            runs = np.stack([session.run(op) for _ in range(3)])
    np.save(os.path.join(HERE, "runs_%s.npy" % name), runs)
    print(name, runs.shape, runs[:, 0, 0])
