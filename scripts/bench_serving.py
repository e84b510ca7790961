#!/usr/bin/env python3
"""Load on loopback against `tfhub serve`: images/s and p50/p99 latency for 1, 8 and 32 concurrent
single-image clients (Open Inference Protocol v2, binary tensors), each level for a bounded time.

Usage: .venv-clients/bin/python scripts/bench_serving.py TFHUB [HANDLE] [--seconds S] [--clients 1,8,32]
       [--serve-option=--batch-timeout-micros=20000 ...]
Compare with `tfhub bench --batch 32` in the same run (the server and the clients share the machine).
"""
import argparse
import json
import subprocess
import threading
import time

import numpy as np
import requests


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("tfhub")
    parser.add_argument("handle", nargs="?")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--serve-option", action="append", default=[],
                        help="passed to tfhub serve, e.g. --serve-option=--batch-timeout-micros=20000")
    args = parser.parse_args()
    command = [args.tfhub, "serve", "--port", "0", "--log-level", "warning", "--model-name", "m"]
    if args.handle:
        command.insert(2, args.handle)
    command += args.serve_option
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    address = server.stdout.readline().strip().split()[-1]
    try:
        shape = requests.get(f"http://{address}/v2/models/m").json()["inputs"][0]["shape"]
        image = np.random.default_rng(0).random([1] + shape[1:], dtype=np.float32)
        header = json.dumps({"inputs": [{"name": "images", "datatype": "FP32", "shape": list(image.shape),
                                         "parameters": {"binary_data_size": image.nbytes}}],
                             "parameters": {"binary_data_output": True}}).encode()
        body = header + image.tobytes()
        headers = {"Inference-Header-Content-Length": str(len(header))}
        print(f"{'clients':>8} {'images/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'mean batch':>10}")
        seen = {"calls": 0, "rows": 0}
        for clients in [int(c) for c in args.clients.split(",")]:
            latencies, errors = [], []
            stop = time.monotonic() + args.seconds

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
            metrics = requests.get(f"http://{address}/metrics").text.splitlines()
            values = {line.split()[0]: float(line.split()[-1]) for line in metrics if line.startswith("tfhub_batch_size_")}
            calls = values.get("tfhub_batch_size_count", 0) - seen["calls"]
            rows = values.get("tfhub_batch_size_sum", 0) - seen["rows"]
            seen.update(calls=values.get("tfhub_batch_size_count", 0), rows=values.get("tfhub_batch_size_sum", 0))
            print(f"{clients:>8} {len(latencies) / elapsed:>10.1f} {p50:>8.1f} {p99:>8.1f} {len(errors):>7} "
                  f"{rows / max(calls, 1):>10.1f}")
    finally:
        server.terminate()
        server.wait(timeout=60)


if __name__ == "__main__":
    main()
