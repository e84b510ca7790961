#!/usr/bin/env python3
"""TensorFlow side of the benchmark: runs a TF1 hub module in its own TF 2.21 session, or a TF2
SavedModel (a folder without tfhub_module.pb) with hub.load, eagerly, as hub.load / hub.KerasLayer users do.

Usage:
  scripts/bench_tf.py MODULE_DIR [--batch 1 --batch 32] [--runs 10] [--threads 2]
                      [--signature default] [--output default] [--tags train] [--json]

TF2 SavedModels: --signature __call__ calls hub.load(MODULE_DIR)(x, training=False) (the reusable
SavedModel's __call__, what hub.KerasLayer calls); any other name calls
hub.load(MODULE_DIR).signatures[NAME](<its one input>=x)[--output]. Threads: tf.config.threading
intra- and inter-op parallelism.

Measures, in one process:
  load_seconds   from hub.Module(MODULE_DIR) (TF2: hub.load) to the first result at the first batch size
                 (graph import, session, variable restore, first run); TF's import is excluded;
  median_ms      median wall time of --runs session runs per batch size, after one warm-up run;
  images_per_second   batch / median;
  peak_rss_bytes this process's peak resident set at the end (VmHWM; peer_timing.peak_rss_bytes).
Inputs follow the formula the Swift tests use (Tests/Fixtures/nasnet/oracle_hub.py
formula_inputs): x[i] = ((i * 2654435761 + 12345) mod 2^32 >> 8) / 2^24 over the flat
[N, H, W, 3] batch, with H, W from hub.get_expected_image_size.

Versions: tensorflow-cpu 2.21.0, tensorflow-hub 0.15.0 (Tests/Fixtures/oracle-requirements.txt).
Without TensorFlow in the running interpreter the script re-executes itself with $PYTHON or
.venv-oracle/bin/python.
"""

import json
import os
import sys
import time

import peer_timing  # noqa: E402  (scripts/, beside this file)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests",
                                "Fixtures", "nasnet"))
import oracle_hub  # noqa: E402


def current_rss_bytes():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def run_tf2(args, batches):
    """hub.load in eager mode; returns the report fields bench_tf.py prints for TF1 modules."""
    t_import = time.perf_counter()
    tf, hub = oracle_hub.import_hub(eager=True)
    import_seconds = time.perf_counter() - t_import
    rss_after_import = current_rss_bytes()
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)

    t0 = time.perf_counter()
    loaded = hub.load(os.path.abspath(args.module_dir))
    if args.signature == "__call__":
        spec = loaded.__call__.concrete_functions[0].structured_input_signature[0][0]
        call = lambda x: loaded(x, training=False)  # noqa: E731
    else:
        signature = loaded.signatures[args.signature]
        ((key, spec),) = signature.structured_input_signature[1].items()
        call = lambda x: signature(**{key: x})[args.output]  # noqa: E731
    height, width = int(spec.shape[1]), int(spec.shape[2])
    inputs = {b: tf.constant(oracle_hub.formula_inputs(b, height, width)) for b in batches}
    first = call(inputs[batches[0]]).numpy()
    load_seconds = time.perf_counter() - t0
    results = peer_timing.time_batches(lambda x: call(x).numpy(), inputs, batches, args.runs)
    return {"format": "TF2 SavedModel (hub.load)", "image_size": [height, width],
            "output_shape_first": list(first.shape), "tensorflow_import_seconds": import_seconds,
            "load_seconds": load_seconds, "batches": results, "rss_after_tensorflow_import_bytes": rss_after_import}


def main():
    p = peer_timing.argument_parser(__doc__, threads_help="intra- and inter-op threads")
    p.add_argument("--tags", action="append", default=[], help="tag of the graph variant (repeatable)")
    args = p.parse_args()
    batches = args.batch or [1, 32]
    if not os.path.exists(os.path.join(args.module_dir, "tfhub_module.pb")):
        report = {"engine": "tensorflow", "command": " ".join(["scripts/bench_tf.py"] + sys.argv[1:]),
                  "module": os.path.abspath(args.module_dir), "signature": args.signature, "output": args.output,
                  "threads": args.threads, **run_tf2(args, batches),
                  "peak_rss_bytes": peer_timing.peak_rss_bytes(), "versions": oracle_hub.versions(),
                  "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default (on)")}
        if args.json:
            print(json.dumps(report, indent=1))
        else:
            print("TensorFlow %s, hub %s (hub.load), %d threads, module %s" % (
                report["versions"]["tensorflow"], report["versions"]["tensorflow_hub"], args.threads,
                args.module_dir))
            peer_timing.print_timings(report)
        return

    t_import = time.perf_counter()
    tf, hub = oracle_hub.import_hub()
    import_seconds = time.perf_counter() - t_import
    rss_after_import = current_rss_bytes()
    v1 = tf.compat.v1

    t0 = time.perf_counter()
    graph = tf.Graph()
    with graph.as_default():
        module = hub.Module(os.path.abspath(args.module_dir), tags=set(args.tags))
        height, width = hub.get_expected_image_size(module)
        images = v1.placeholder(tf.float32, [None, height, width, 3])
        output = module(dict(images=images), signature=args.signature, as_dict=True)[args.output]
        init = v1.global_variables_initializer()
    config = v1.ConfigProto(intra_op_parallelism_threads=args.threads,
                            inter_op_parallelism_threads=args.threads)
    session = v1.Session(graph=graph, config=config)
    inputs = {b: oracle_hub.formula_inputs(b, height, width) for b in batches}
    session.run(init)
    first = session.run(output, {images: inputs[batches[0]]})
    load_seconds = time.perf_counter() - t0

    results = peer_timing.time_batches(lambda x: session.run(output, {images: x}), inputs, batches, args.runs)
    session.close()

    report = {
        "engine": "tensorflow",
        "command": " ".join(["scripts/bench_tf.py"] + sys.argv[1:]),
        "module": os.path.abspath(args.module_dir),
        "signature": args.signature, "output": args.output, "tags": sorted(args.tags),
        "image_size": [int(height), int(width)],
        "output_shape_first": list(first.shape),
        "threads": args.threads,
        "tensorflow_import_seconds": import_seconds,
        "load_seconds": load_seconds,
        "batches": results,
        "rss_after_tensorflow_import_bytes": rss_after_import,
        "peak_rss_bytes": peer_timing.peak_rss_bytes(),
        "versions": oracle_hub.versions(),
        "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default (on)"),
    }
    if args.json:
        print(json.dumps(report, indent=1))
        return
    print("TensorFlow %s, hub %s, %d threads, module %s" % (
        report["versions"]["tensorflow"], report["versions"]["tensorflow_hub"], args.threads,
        args.module_dir))
    peer_timing.print_timings(report)

if __name__ == "__main__":
    main()
