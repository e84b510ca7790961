#!/usr/bin/env python3
"""ONNX Runtime side of the benchmark: the same TF1 hub module, frozen, converted with tf2onnx, run by ORT.

Usage:
  scripts/bench_ort.py MODULE_DIR [--batch 1 --batch 32] [--runs 10] [--threads 2]
                       [--signature default] [--opset 13] [--json]

Steps:
  1. conversion (a child process with TensorFlow): hub.Module(MODULE_DIR) in TF1 graph mode, the
     signature's output for a [None, H, W, 3] placeholder, variables converted to constants, tf2onnx
     (opset --opset) to an .onnx file in a cache folder (reused while the module is unchanged), plus
     TensorFlow's output for the formula batch of the first batch size as the reference;
  2. timing (this process, which never imports TensorFlow, so its RSS is ORT's alone):
     load_seconds   onnxruntime.InferenceSession creation + the first run at the first batch size;
     median_ms      median wall time of --runs runs per batch size, after one warm-up run;
     images_per_second   batch / median;
     peak_rss_bytes this process's peak resident set at the end (VmHWM; peer_timing.peak_rss_bytes);
     max_rel_diff_vs_tf   max |ort - tf| / max |tf| on the first batch size.
Session options: intra_op_num_threads = --threads, inter_op_num_threads = 1, sequential execution,
graph_optimization_level = ORT_ENABLE_ALL.
Inputs follow the formula of scripts/bench_tf.py: x[i] = ((i * 2654435761 + 12345) mod 2^32 >> 8) / 2^24.

Versions used (.venv-onnx, installed with --no-deps): tensorflow-cpu 2.21.0, tensorflow-hub 0.15.0,
tf2onnx 1.17.0, onnx 1.23.2, onnxruntime 1.32.0, numpy 2.4.6, protobuf 7.36.2, flatbuffers 25.12.19.
Python is $ORT_PYTHON, else .venv-onnx in the repository root or beside it (the script
re-executes itself with it when onnxruntime is missing). CI never runs this script.
"""

import hashlib
import json
import os
import subprocess
import sys
import time

import peer_timing  # noqa: E402  (scripts/, beside this file)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(ROOT, "Tests", "Fixtures", "nasnet"))


def _onnx_python():
    for candidate in [os.environ.get("ORT_PYTHON"), os.path.join(ROOT, ".venv-onnx", "bin", "python"),
                      os.path.join(ROOT, "..", ".venv-onnx", "bin", "python")]:
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def formula_inputs(n, h, w):
    import oracle_hub  # numpy only; the same formula as the Swift tests and bench_tf.py
    return oracle_hub.formula_inputs(n, h, w)


# MARK: - Conversion (child process, imports TensorFlow)

def convert(module_dir, signature, output_key, opset, onnx_path, reference_path, reference_batch):
    import numpy as np
    import oracle_hub
    tf, hub = oracle_hub.import_hub()
    v1 = tf.compat.v1
    graph = tf.Graph()
    with graph.as_default():
        module = hub.Module(os.path.abspath(module_dir))
        height, width = hub.get_expected_image_size(module)
        images = v1.placeholder(tf.float32, [None, height, width, 3], name="images")
        output = module(dict(images=images), signature=signature, as_dict=True)[output_key]
        output = tf.identity(output, name="features")
        init = v1.global_variables_initializer()
    with v1.Session(graph=graph) as session:
        session.run(init)
        reference = session.run(output, {images: formula_inputs(reference_batch, height, width)})
        frozen = v1.graph_util.convert_variables_to_constants(
            session, graph.as_graph_def(), ["features"])
    import tf2onnx
    t0 = time.perf_counter()
    tf2onnx.convert.from_graph_def(frozen, input_names=["images:0"], output_names=["features:0"],
                                   opset=opset, output_path=onnx_path)
    np.save(reference_path, reference)
    return {"conversion_seconds": time.perf_counter() - t0, "image_size": [int(height), int(width)]}


# MARK: - Timing (this process, no TensorFlow)

def main():
    if "--convert-child" in sys.argv:
        args = json.loads(sys.argv[-1])
        print(json.dumps(convert(**args)))
        return
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        python = _onnx_python()
        if python is None or os.environ.get("ORT_REEXEC"):
            sys.exit("onnxruntime not found: set ORT_PYTHON or create .venv-onnx")
        os.environ["ORT_REEXEC"] = "1"
        os.execv(python, [python] + sys.argv)

    p = peer_timing.argument_parser(__doc__, threads_help="ORT intra-op threads (inter-op: 1)")
    p.add_argument("--opset", type=int, default=13)
    p.add_argument("--cache", default=os.path.join(ROOT, ".build", "ort-cache"))
    args = p.parse_args()
    batches = args.batch or [1, 32]
    module_dir = os.path.abspath(args.module_dir)

    # The cache key covers the module's graph and variables (by size and mtime) and the options.
    stamp = hashlib.sha1()
    for folder, _, files in sorted(os.walk(module_dir)):
        for name in sorted(files):
            st = os.stat(os.path.join(folder, name))
            stamp.update(("%s/%s %d %d" % (folder, name, st.st_size, int(st.st_mtime))).encode())
    stamp.update(("%s %s %d %d" % (args.signature, args.output, args.opset, batches[0])).encode())
    os.makedirs(args.cache, exist_ok=True)
    base = os.path.join(args.cache, stamp.hexdigest()[:16])
    onnx_path, reference_path, meta_path = base + ".onnx", base + "_tf.npy", base + ".json"
    if not (os.path.exists(onnx_path) and os.path.exists(reference_path) and os.path.exists(meta_path)):
        child_args = dict(module_dir=module_dir, signature=args.signature, output_key=args.output,
                          opset=args.opset, onnx_path=onnx_path, reference_path=reference_path,
                          reference_batch=batches[0])
        out = subprocess.run([sys.executable, os.path.abspath(__file__), "--convert-child", json.dumps(child_args)],
                             check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
        with open(meta_path, "w") as f:
            f.write(out.strip().splitlines()[-1])
    with open(meta_path) as f:
        meta = json.load(f)
    height, width = meta["image_size"]

    import numpy as np
    import onnxruntime as ort
    inputs = {b: formula_inputs(b, height, width) for b in batches}
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL

    t0 = time.perf_counter()
    session = ort.InferenceSession(onnx_path, options, providers=["CPUExecutionProvider"])
    input_name = session.get_inputs()[0].name
    first = session.run(None, {input_name: inputs[batches[0]]})[0]
    load_seconds = time.perf_counter() - t0
    reference = np.load(reference_path)
    max_rel_diff = float(np.max(np.abs(first - reference)) / max(float(np.max(np.abs(reference))), 1e-30))

    results = peer_timing.time_batches(
        lambda x: session.run(None, {input_name: x}), inputs, batches, args.runs)

    import onnx
    report = {
        "engine": "onnxruntime",
        "command": " ".join(["scripts/bench_ort.py"] + sys.argv[1:]),
        "module": module_dir, "signature": args.signature, "output": args.output,
        "image_size": [height, width], "output_shape_first": list(first.shape),
        "threads": args.threads, "opset": args.opset, "onnx_file": onnx_path,
        "conversion_seconds": meta["conversion_seconds"],
        "load_seconds": load_seconds,
        "batches": results,
        "peak_rss_bytes": peer_timing.peak_rss_bytes(),
        "max_rel_diff_vs_tf": max_rel_diff,
        "versions": {"onnxruntime": ort.__version__, "onnx": onnx.__version__, "numpy": np.__version__},
    }
    if args.json:
        print(json.dumps(report, indent=1))
        return
    print("ONNX Runtime %s, opset %d, %d threads, module %s" % (ort.__version__, args.opset, args.threads, module_dir))
    print("conversion (tf2onnx, cached): %.1f s; max rel diff vs TF: %.2e" % (meta["conversion_seconds"], max_rel_diff))
    peer_timing.print_timings(report)

if __name__ == "__main__":
    main()
