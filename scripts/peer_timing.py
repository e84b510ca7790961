"""Timing and report code shared by the peer sides of the benchmark (bench_tf.py, bench_ort.py).

Numpy and the standard library only, so bench_ort.py's timing process stays free of TensorFlow.
"""

import argparse
import resource
import statistics
import time


def argument_parser(doc, threads_help):
    """The options both peers take: MODULE_DIR, --batch (repeatable), --runs, --threads, --signature,
    --output, --json. Callers add their own."""
    p = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("module_dir")
    p.add_argument("--batch", type=int, action="append", help="batch size (repeatable; default 1 and 32)")
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--threads", type=int, default=2, help=threads_help)
    p.add_argument("--signature", default="default")
    p.add_argument("--output", default="default")
    p.add_argument("--json", action="store_true")
    return p


def time_batches(run, inputs, batches, runs):
    """Per batch size: one warm-up call of run(inputs[b]), then `runs` timed calls; median, min, max."""
    results = []
    for b in batches:
        run(inputs[b])  # warm-up
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            run(inputs[b])
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        results.append({"batch": b, "runs": runs, "median_ms": median * 1e3,
                        "min_ms": min(times) * 1e3, "max_ms": max(times) * 1e3,
                        "images_per_second": b / median})
    return results


def peak_rss_bytes():
    """This process's peak resident set, in bytes: VmHWM of /proc/self/status where there is one, else
    ru_maxrss (Linux reports KiB). Not ru_maxrss on Linux: a process started by a large parent (tfhub bench
    after its own runs) inherits the parent's resident size at fork into ru_maxrss, and keeps it across
    exec; VmHWM belongs to the process's own address space."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def print_timings(report):
    """The human-readable tail of a report: load, one line per batch size, peak RSS."""
    print("load (handle to first result): %.3f s" % report["load_seconds"])
    for r in report["batches"]:
        print("batch %3d: median %9.2f ms  %8.2f img/s  (%d runs)" % (
            r["batch"], r["median_ms"], r["images_per_second"], r["runs"]))
    print("peak RSS: %.1f MiB" % (report["peak_rss_bytes"] / 2**20))
