#!/usr/bin/env python3
"""Load on loopback against `tfhub serve`: images/s and p50/p99 latency for 1, 8 and 32 concurrent
single-image clients (Open Inference Protocol v2, binary tensors), each level for a bounded time, next to
the in-process `tfhub bench --batch 32` throughput measured in the same run, and the server's peak RSS.

Usage: .venv-clients/bin/python scripts/bench_serving.py TFHUB [HANDLE] [--seconds S] [--clients 1,8,32]
       [--client wrk|python] [--no-in-process] [--serve-option=--batch-timeout-micros=20000 ...]

Clients: `wrk` (Debian's wrk 4.1, C and epoll, one connection per client, each sending the same request
again as soon as its answer arrives; latency percentiles from `wrk --latency`) when it is installed, so
the load generator takes little of the CPU the server needs; else Python threads with `requests`.
The in-process figure is `tfhub bench HANDLE --batch 32 --runs 10 --json` with the server's thread
count, run before the server starts. The server's peak RSS is VmHWM of its process after the load.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np
import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import core_roundtrip  # noqa: E402

WRK_SCRIPT = """
wrk.method = "POST"
local file = io.open("%(body)s", "rb")
wrk.body = file:read("*all")
file:close()
wrk.headers["Content-Type"] = "application/octet-stream"
wrk.headers["Inference-Header-Content-Length"] = "%(header_length)d"
"""


def wrk_level(address, clients, seconds, body_path, header_length, work):
    script = os.path.join(work, "infer.lua")
    with open(script, "w") as f:
        f.write(WRK_SCRIPT % {"body": body_path, "header_length": header_length})
    command = ["wrk", "-t", str(min(clients, 2)), "-c", str(clients), "-d", "%ds" % max(1, round(seconds)),
               "--timeout", "30s", "--latency", "-s", script, f"http://{address}/v2/models/m/infer"]
    out = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout

    def milliseconds(label):
        match = re.search(r"^\s*%s%%\s+([\d.]+)(us|ms|s)\s*$" % label, out, re.M)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s+(\d+)", out))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket:
        errors += sum(int(n) for n in socket.groups())
    return rate, milliseconds("50"), milliseconds("99"), errors


def python_level(address, clients, seconds, body, headers):
    latencies, errors = [], []
    stop = time.monotonic() + seconds

    def client():
        with requests.Session() as session:
            while time.monotonic() < stop:
                start = time.monotonic()
                reply = session.post(f"http://{address}/v2/models/m/infer", data=body, headers=headers)
                (latencies if reply.status_code == 200 else errors).append(time.monotonic() - start)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    p50, p99 = (np.percentile(latencies, [50, 99]) * 1000) if latencies else (0, 0)
    return len(latencies) / elapsed, p50, p99, len(errors)


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("tfhub")
    parser.add_argument("handle", nargs="?")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--client", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python")
    parser.add_argument("--no-in-process", action="store_true", help="skip the in-process tfhub bench figure")
    parser.add_argument("--serve-option", action="append", default=[],
                        help="passed to tfhub serve, e.g. --serve-option=--batch-timeout-micros=20000")
    args = parser.parse_args()
    print(core_roundtrip.describe())

    in_process = None
    if not args.no_in_process:
        bench = [args.tfhub, "bench"] + ([args.handle] if args.handle else []) + ["--batch", "32", "--runs", "10", "--json"]
        report = json.loads(subprocess.run(bench, check=True, stdout=subprocess.PIPE, text=True).stdout)
        in_process = report["ours"]["batches"][0]["images_per_second"]
        print("in-process: %s -> %.1f images/s at batch 32 (peak RSS %.0f MiB)" % (
            " ".join(bench), in_process, report["ours"]["peak_rss_bytes"] / 2**20))

    command = [args.tfhub, "serve", "--port", "0", "--log-level", "warning", "--model-name", "m"]
    if args.handle:
        command.insert(2, args.handle)
    command += args.serve_option
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    address = server.stdout.readline().strip().split()[-1]
    work = tempfile.mkdtemp(prefix="bench-serving-")
    try:
        shape = requests.get(f"http://{address}/v2/models/m").json()["inputs"][0]["shape"]
        image = np.random.default_rng(0).random([1] + shape[1:], dtype=np.float32)
        header = json.dumps({"inputs": [{"name": "images", "datatype": "FP32", "shape": list(image.shape),
                                         "parameters": {"binary_data_size": image.nbytes}}],
                             "parameters": {"binary_data_output": True}}).encode()
        body = header + image.tobytes()
        body_path = os.path.join(work, "body.bin")
        with open(body_path, "wb") as f:
            f.write(body)
        headers = {"Inference-Header-Content-Length": str(len(header))}
        print("server: %s; clients: %s, %g s per level" % (" ".join(command), args.client, args.seconds))
        print(f"{'clients':>8} {'images/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'mean batch':>10}"
              + (f" {'/ in-process':>12}" if in_process else ""))
        seen = {"calls": 0, "rows": 0}
        for clients in [int(c) for c in args.clients.split(",")]:
            if args.client == "wrk":
                rate, p50, p99, errors = wrk_level(address, clients, args.seconds, body_path, len(header), work)
            else:
                rate, p50, p99, errors = python_level(address, clients, args.seconds, body, headers)
            metrics = requests.get(f"http://{address}/metrics").text.splitlines()
            values = {line.split()[0]: float(line.split()[-1]) for line in metrics if line.startswith("tfhub_batch_size_")}
            calls = values.get("tfhub_batch_size_count", 0) - seen["calls"]
            rows = values.get("tfhub_batch_size_sum", 0) - seen["rows"]
            seen.update(calls=values.get("tfhub_batch_size_count", 0), rows=values.get("tfhub_batch_size_sum", 0))
            print(f"{clients:>8} {rate:>10.1f} {p50:>8.1f} {p99:>8.1f} {errors:>7} {rows / max(calls, 1):>10.1f}"
                  + (f" {rate / in_process:>11.2f}x" if in_process else ""))
        print("server peak RSS: %.0f MiB" % peak_rss_mib(server.pid))
    finally:
        server.terminate()
        server.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
