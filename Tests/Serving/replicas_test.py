#!/usr/bin/env python3
"""Two `tfhub serve --port 0` replicas behind nginx on loopback (issue 16): clients send predict requests
through nginx for a bounded time; one replica is killed (SIGKILL) mid-way; every request must still get
a correct answer (nginx passes it to the other replica, else the client retries), equal bit for bit to
`tfhub run` on the same inputs. Then SIGTERM on the survivor: readiness through nginx is 503 while a
request is in flight, that request is answered, and the replica exits 0.

nginx runs as the current user from a temporary prefix (`nginx -p DIR -c DIR/nginx.conf -e DIR/error.log`,
`daemon off`, pid and logs in DIR): nothing of the system's nginx is used.

Usage: replicas_test.py TFHUB_BINARY   (scripts/test-serving runs it with the venv's Python)
"""
import getpass
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

import numpy as np
import requests

sys.dont_write_bytecode = True  # no __pycache__ beside the tests
from clients_test import INPUTS, MODULE, Server, metric, same_bits

CLIENTS = 4
RETRIES = 5  # a client's tries of one request (connection errors, 502, 503, 504)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


NGINX_CONF = """\
{user}worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream tfhub {{
        server 127.0.0.1:{a};
        server 127.0.0.1:{b};
        keepalive 8;
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 64m;
        location / {{
            proxy_pass http://tfhub;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            # A replica that refuses the connection, drops it, or answers 502/503 (queue full, draining):
            # the request goes to the other one. Inference has no side effect, so a POST already sent to
            # the killed replica may be sent again (non_idempotent).
            proxy_next_upstream error timeout http_502 http_503 non_idempotent;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
        }}
    }}
}}
"""


class Nginx:
    def __init__(self, folder, upstream_ports):
        self.dir = os.path.join(folder, "nginx")
        os.makedirs(self.dir)
        self.port = free_port()
        # As root, nginx's workers would switch to `nobody`, who cannot use the temporary folder.
        user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""
        conf = os.path.join(self.dir, "nginx.conf")
        with open(conf, "w") as file:
            file.write(NGINX_CONF.format(user=user, dir=self.dir, a=upstream_ports[0], b=upstream_ports[1], port=self.port))
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.process = subprocess.Popen(
            [nginx, "-p", self.dir, "-c", conf, "-e", os.path.join(self.dir, "error.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.url = f"http://127.0.0.1:{self.port}"
        for _ in range(200):  # until it answers (bounded: 10 s)
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited {self.process.returncode}: {self.process.stderr.read()}")
            try:
                if requests.get(f"{self.url}/v2/health/live", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("nginx never answered on port %d" % self.port)

    def errors(self):
        try:
            with open(os.path.join(self.dir, "error.log")) as file:
                return file.read()[-2000:]
        except OSError:
            return ""

    def stop(self):
        self.process.send_signal(signal.SIGQUIT)  # graceful
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def predict_with_retries(session, url, row, images):
    """(status, predictions or text, tries): retried on connection errors, 502, 503 and 504."""
    last = None
    for attempt in range(1, RETRIES + 1):
        try:
            reply = session.post(f"{url}/v1/models/nasnet:predict",
                                 json={"instances": images[row:row + 1].tolist()}, timeout=60)
            if reply.status_code == 200:
                return 200, np.array(reply.json()["predictions"], np.float32), attempt
            last = (reply.status_code, reply.text[:200])
            if reply.status_code not in (502, 503, 504):
                return reply.status_code, reply.text[:200], attempt
        except requests.RequestException as error:
            last = (None, repr(error))
        time.sleep(0.05 * attempt)
    return last[0], last[1], RETRIES


def requests_total(url):
    """All requests a replica answered, from its /metrics (summed over endpoints and codes)."""
    total = 0.0
    for line in requests.get(f"{url}/metrics", timeout=5).text.splitlines():
        if line.startswith("tfhub_requests_total{") and 'endpoint="v1_predict"' in line:
            total += float(line.split()[-1])
    return total


def wait_until(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_killing_one_replica_loses_no_request(tfhub, folder, reference, images):
    a = Server(tfhub)
    b = Server(tfhub)
    nginx = None
    try:
        nginx = Nginx(folder, [a.address.rsplit(":", 1)[1], b.address.rsplit(":", 1)[1]])
        done = threading.Event()
        lock = threading.Lock()
        results = []  # (client, i, status, ok, tries, after_kill)
        killed = threading.Event()

        def client(k):
            with requests.Session() as session:
                i = 0
                while not done.is_set():
                    row = (k + i) % 2
                    after = killed.is_set()
                    status, body, tries = predict_with_retries(session, nginx.url, row, images)
                    ok = status == 200 and same_bits(body, reference[row:row + 1])
                    with lock:
                        results.append((k, i, status, ok, tries, after, body if not ok else None))
                    i += 1

        def answered(after_kill=False):
            with lock:
                return sum(1 for r in results if r[5] == after_kill)

        threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
        for thread in threads:
            thread.start()
        # Bounded: at most 60 s before the kill and 60 s after it.
        assert wait_until(lambda: answered() >= 40, 60), "fewer than 40 requests in 60 s through nginx"
        before = (requests_total(a.url), requests_total(b.url))
        a.process.kill()  # SIGKILL: no draining, connections cut mid-request
        a.process.wait(timeout=10)
        killed.set()
        assert wait_until(lambda: answered(after_kill=True) >= 40, 60), "fewer than 40 requests in 60 s after the kill"
        done.set()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(t.is_alive() for t in threads), "a client never finished"

        bad = [r for r in results if not r[3]]
        assert not bad, f"{len(bad)} of {len(results)} requests failed, e.g. {bad[:3]}; nginx: {nginx.errors()}"
        assert before[0] > 0 and before[1] > 0, f"nginx did not spread requests over both replicas: {before}"
        after_b = requests_total(b.url)
        assert after_b >= before[1] + 40, f"the survivor answered {after_b - before[1]} requests after the kill"
        retried = sum(1 for r in results if r[4] > 1)
        print(f"     {len(results)} requests ({answered()} before the kill, {answered(True)} after), "
              f"{retried} retried by the client; replica requests before the kill: {before[0]:.0f} + {before[1]:.0f}")
    finally:
        if nginx:
            nginx.stop()
        if a.process.poll() is None:
            a.process.kill()
        if b.process.poll() is None:
            b.process.kill()


def test_draining_replica_is_not_ready_while_a_request_finishes(tfhub, folder, reference, images):
    """SIGTERM while a request waits in a batch: /v2/health/ready is 503 (the listener still open), the
    waiting request and one sent after SIGTERM are answered, then the listener closes and exit is 0."""
    server = Server(tfhub, "--max-batch-size", "2", "--batch-timeout-micros", "600000000")
    replies = {}

    def send(name, row):
        try:
            reply = requests.post(f"{server.url}/v1/models/nasnet:predict",
                                  json={"instances": images[row:row + 1].tolist()}, timeout=120)
            replies[name] = (reply.status_code, reply.json())
        except Exception as error:  # noqa: BLE001 - asserted below
            replies[name] = (None, repr(error))

    try:
        assert requests.get(f"{server.url}/v2/health/ready").status_code == 200
        first = threading.Thread(target=send, args=("first", 0))
        first.start()
        assert wait_until(lambda: metric(server.url, "tfhub_queue_depth") == 1, 60), "the request never queued"
        server.process.send_signal(signal.SIGTERM)
        assert wait_until(lambda: requests.get(f"{server.url}/v2/health/ready").status_code == 503, 30), \
            "readiness did not turn 503 after SIGTERM"
        reply = requests.get(f"{server.url}/v2/models/nasnet/ready")
        assert reply.status_code == 503 and "draining" in reply.json()["error"], reply.text
        assert requests.get(f"{server.url}/v1/models/nasnet").json()["model_version_status"][0]["state"] == "UNLOADING"
        assert server.process.poll() is None, "the replica exited with a request in flight"
        send("second", 1)  # accepted while draining; fills the first one's batch
        first.join(timeout=120)
        for name, row in (("first", 0), ("second", 1)):
            status, body = replies[name]
            assert status == 200, (name, status, body)
            assert same_bits(np.array(body["predictions"], np.float32), reference[row:row + 1]), name
        assert server.process.wait(timeout=60) == 0
    finally:
        if server.process.poll() is None:
            server.process.kill()


def main():
    tfhub = sys.argv[1]
    passed = failed = 0
    if not shutil.which("nginx") and not os.path.exists("/usr/sbin/nginx"):
        print("FAIL nginx is not installed (scripts/setup installs the Debian package)")
        print("replicas: 0 passed, 1 failed")
        return 1
    with tempfile.TemporaryDirectory() as folder:
        reference_file = os.path.join(folder, "reference.npy")
        subprocess.run([tfhub, "run", MODULE, "--input", f"images={INPUTS}", "-o", reference_file],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        reference = np.load(reference_file)
        images = np.load(INPUTS)
        for test in (test_killing_one_replica_loses_no_request, test_draining_replica_is_not_ready_while_a_request_finishes):
            try:
                test(tfhub, folder, reference, images)
                passed += 1
                print(f"ok   {test.__name__}")
            except Exception:
                failed += 1
                print(f"FAIL {test.__name__}")
                traceback.print_exc()
    print(f"replicas: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
