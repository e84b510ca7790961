#!/usr/bin/env python3
"""TensorFlow side of scripts/bench-bundle (tensorflow-cpu 2.21.0, tf-keras 2.21.0, numpy 2.4.6).

  bench_tf_bundle.py generate <folder>   writes <folder>/variables/variables.{index,data-00000-of-00001}:
                                         every weight of tf_keras NASNetMobile (weights=None, random
                                         initialisation; 1,126 tensors, 21.3 MB), saved by
                                         tf.compat.v1.train.Saver (V2) under the Keras weight names
  bench_tf_bundle.py read <prefix> <runs> times tf.train.load_checkpoint(prefix) + get_tensor(key) for
                                         every key; one line per run, same format as bundle-bench
                                         (wall seconds, and CPU seconds of the process)
  bench_tf_bundle.py write <prefix> <runs> reads every tensor first, then times tf.raw_ops.SaveV2 of all of
                                         them (key order) into a temporary folder; same line format
"""
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


def generate(folder):
    import tf_keras

    tf.keras.utils.set_random_seed(1)
    model = tf_keras.applications.NASNetMobile(weights=None)
    variables = {weight.name.split(":")[0]: weight for weight in model.weights}
    assert len(variables) == len(model.weights)
    os.makedirs(os.path.join(folder, "variables"), exist_ok=True)
    saver = tf.compat.v1.train.Saver(var_list=variables)
    saver.save(None, os.path.join(folder, "variables", "variables"), write_meta_graph=False, write_state=False)


def read(prefix, runs):
    for run in range(1, runs + 1):
        start, cpu_start = time.perf_counter(), time.process_time()
        reader = tf.train.load_checkpoint(prefix)
        keys = sorted(reader.get_variable_to_dtype_map())
        total = 0
        for key in keys:
            value = reader.get_tensor(key)
            total += np.asarray(value).nbytes
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        print("run %d seconds %.6f tensors %d bytes %d cpu %.6f" % (run, seconds, len(keys), total, cpu), flush=True)


def write(prefix, runs):
    import tempfile

    reader = tf.train.load_checkpoint(prefix)
    keys = sorted(reader.get_variable_to_dtype_map())
    tensors = [tf.constant(reader.get_tensor(key)) for key in keys]
    total = sum(np.asarray(t.numpy()).nbytes for t in tensors)
    with tempfile.TemporaryDirectory() as folder:
        for run in range(1, runs + 1):
            start, cpu_start = time.perf_counter(), time.process_time()
            tf.raw_ops.SaveV2(prefix=os.path.join(folder, "run%d" % run, "variables"), tensor_names=keys,
                              shape_and_slices=[""] * len(keys), tensors=tensors)
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
            print("run %d seconds %.6f tensors %d bytes %d cpu %.6f" % (run, seconds, len(keys), total, cpu), flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "generate":
        generate(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "read":
        read(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 4 and sys.argv[1] == "write":
        write(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(__doc__)
