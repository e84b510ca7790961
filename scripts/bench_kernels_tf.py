#!/usr/bin/env python3
"""TensorFlow's time per call for the layer shapes kernel-bench sends (its JSON spec file).

Usage: bench_kernels_tf.py SPEC.json THREADS RUNS   (run by `kernel-bench --python PATH`)
Prints one JSON line {layer name: median seconds per call}. Same timing rule as kernel-bench: each run
repeats the op until >= 50 ms, the median over RUNS runs. TF 2.21.0 (tensorflow-cpu), oneDNN on (default).
"""
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


def main():
    spec_path, threads, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    with open(spec_path) as f:
        layers = json.load(f)
    rng = np.random.RandomState(1)
    result = {}
    for layer in layers:
        x = tf.constant(rng.uniform(-1, 1, layer["input"]).astype(np.float32))
        w = tf.constant(rng.uniform(-1, 1, layer["filter"]).astype(np.float32))
        s = layer["stride"]
        if layer["kind"] == "conv":
            fn = tf.function(lambda x, w: tf.raw_ops.Conv2D(input=x, filter=w, strides=[1, s, s, 1],
                                                            padding=layer["padding"]))
        elif layer["kind"] == "depthwise":
            fn = tf.function(lambda x, w: tf.raw_ops.DepthwiseConv2dNative(input=x, filter=w, strides=[1, s, s, 1],
                                                                           padding=layer["padding"]))
        elif layer["kind"] == "avgpool":
            k = layer["filter"]
            fn = tf.function(lambda x, w: tf.raw_ops.AvgPool(value=x, ksize=[1, k[0], k[1], 1], strides=[1, s, s, 1],
                                                             padding=layer["padding"]))
        elif layer["kind"] == "maxpool":
            k = layer["filter"]
            fn = tf.function(lambda x, w: tf.raw_ops.MaxPool(input=x, ksize=[1, k[0], k[1], 1], strides=[1, s, s, 1],
                                                             padding=layer["padding"]))
        elif layer["kind"] == "add":
            fn = tf.function(lambda x, w: tf.raw_ops.AddV2(x=x, y=w))
        elif layer["kind"] == "relu":
            fn = tf.function(lambda x, w: tf.raw_ops.Relu(features=x))
        elif layer["kind"] == "batchnorm":
            fn = tf.function(lambda x, w: tf.raw_ops.FusedBatchNormV3(x=x, scale=w, offset=w, mean=w, variance=w,
                                                                     epsilon=0.001, is_training=False)[0])
        else:
            fn = tf.function(lambda x, w: tf.raw_ops.MatMul(a=x, b=w))
        fn(x, w).numpy()  # trace and warm up
        samples = []
        for _ in range(runs):
            n, start = 0, time.perf_counter()
            while True:
                fn(x, w).numpy()
                n += 1
                elapsed = time.perf_counter() - start
                if elapsed >= 0.05:
                    break
            samples.append(elapsed / n)
        result[layer["name"]] = sorted(samples)[len(samples) // 2]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
