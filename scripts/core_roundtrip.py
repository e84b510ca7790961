"""The core-to-core round trip of this machine right now, for benchmark scripts to print beside their
figures: tens of nanoseconds when the two CPUs share a last-level cache, hundreds when they do not
(a virtual machine's vCPUs move between the two), which moves batch-1 latency on two threads by ~30 %
(Docs/performance.md, round 3). Compiles scripts/core_pingpong.c into .build/ with cc or clang on first
use; returns None when there is no C compiler, fewer than two CPUs, or the probe fails.
"""
import os
import re
import shutil
import subprocess

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def nanoseconds():
    if len(os.sched_getaffinity(0)) < 2:
        return None
    source = os.path.join(ROOT, "scripts", "core_pingpong.c")
    binary = os.path.join(ROOT, ".build", "core_pingpong")
    try:
        if not os.path.exists(binary) or os.path.getmtime(binary) < os.path.getmtime(source):
            compiler = shutil.which("cc") or shutil.which("clang")
            if compiler is None:
                return None
            os.makedirs(os.path.dirname(binary), exist_ok=True)
            subprocess.run([compiler, "-O2", "-pthread", source, "-o", binary], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Not under a real-time policy: a spinning thread there would keep its partner off the CPU.
        out = subprocess.run([binary], check=True, stdout=subprocess.PIPE, text=True, timeout=10,
                             preexec_fn=lambda: os.sched_setscheduler(0, os.SCHED_OTHER, os.sched_param(0))).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"round trip (\d+) ns", out)
    return int(match.group(1)) if match else None


def describe():
    value = nanoseconds()
    if value is None:
        return "core-to-core round trip: not measured"
    return "core-to-core round trip %d ns (%s)" % (
        value, "the two CPUs share a cache" if value < 200 else "the two CPUs share no cache: batch 1 on two threads is slower")
