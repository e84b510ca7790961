#!/usr/bin/env python3
"""Real clients against `tfhub serve --port 0`: tritonclient[http] (Open Inference Protocol v2, JSON and
binary tensors) and requests (TF Serving REST, row and columnar formats, b64 images). Every output must
equal, bit for bit, what `tfhub run` / `tfhub embed` computes in-process on the same inputs.

Usage: clients_test.py TFHUB_BINARY   (scripts/test-serving runs it with the venv's Python)
"""
import base64
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback

import numpy as np
import requests
import tritonclient.http as triton
from tritonclient.utils import InferenceServerException

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MODULE = os.path.join(ROOT, "Tests/Fixtures/nasnet/slim_v1_small/module")
INPUTS = os.path.join(ROOT, "Tests/Fixtures/nasnet/slim_v1_small/inputs_b2.npy")
JPEG = os.path.join(ROOT, "Tests/Fixtures/images/rgb.jpg")
PNG = os.path.join(ROOT, "Tests/Fixtures/images/rgba.png")


def same_bits(a, b):
    a = np.ascontiguousarray(a, dtype=np.float32)
    b = np.ascontiguousarray(b, dtype=np.float32)
    return a.shape == b.shape and np.array_equal(a.view(np.uint32), b.view(np.uint32))


class Fixture:
    def __init__(self, tfhub, folder):
        self.tfhub = tfhub
        self.folder = folder
        self.images = np.load(INPUTS)
        # References computed in-process by the CLI on the same inputs.
        default = os.path.join(folder, "default.npy")
        self.run(["run", MODULE, "--input", f"images={INPUTS}", "-o", default])
        self.default = np.load(default)
        ifv = os.path.join(folder, "ifv.npz")
        self.run(["run", MODULE, "--signature", "image_feature_vector", "--input", f"images={INPUTS}", "-o", ifv])
        self.ifv = dict(np.load(ifv))
        embedded = os.path.join(folder, "embedded.npy")
        self.run(["embed", "--module", MODULE, "--signature", "default", JPEG, PNG, "-o", embedded])
        self.embedded = np.load(embedded)

    def run(self, arguments):
        subprocess.run([self.tfhub] + arguments, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


class Server:
    """`tfhub serve --port 0`; the first stdout line names the port."""

    def __init__(self, tfhub, *flags, source=(MODULE,)):
        self.process = subprocess.Popen(
            [tfhub, "serve", *source, "--port", "0", "--model-name", "nasnet", "--log-level", "warning", *flags],
            stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline().strip()
        if not line.startswith("listening on "):
            self.process.kill()
            raise RuntimeError(f"tfhub serve printed {line!r}, expected 'listening on HOST:PORT'")
        self.address = line[len("listening on "):]
        self.url = f"http://{self.address}"

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)


def test_triton_json_tensors(f, server, client):
    x = f.images
    inp = triton.InferInput("images", list(x.shape), "FP32")
    inp.set_data_from_numpy(x, binary_data=False)
    out = triton.InferRequestedOutput("default", binary_data=False)
    result = client.infer("nasnet", [inp], outputs=[out], request_id="json-1")
    assert result.get_response()["id"] == "json-1"
    assert same_bits(result.as_numpy("default"), f.default), "v2 JSON output differs from tfhub run"


def test_triton_binary_tensors(f, server, client):
    x = f.images
    inp = triton.InferInput("images", list(x.shape), "FP32")
    inp.set_data_from_numpy(x, binary_data=True)
    result = client.infer("nasnet", [inp], model_version="1", parameters={"signature_name": "image_feature_vector"})
    for name in ("default", "feature_map"):
        assert same_bits(result.as_numpy(name), f.ifv[name]), f"v2 binary output {name} differs from tfhub run"
    out = result.get_output("feature_map")
    assert out["parameters"]["binary_data_size"] == f.ifv["feature_map"].nbytes


def test_triton_image_bytes(f, server, client):
    files = np.array([open(JPEG, "rb").read(), open(PNG, "rb").read()], dtype=np.object_)
    inp = triton.InferInput("images", [2], "BYTES")
    inp.set_data_from_numpy(files, binary_data=True)
    result = client.infer("nasnet", [inp])
    assert same_bits(result.as_numpy("default"), f.embedded), "v2 image bytes output differs from tfhub embed"


def test_triton_health_and_metadata(f, server, client):
    assert client.is_server_live()
    assert client.is_server_ready()
    assert client.is_model_ready("nasnet")
    assert not client.is_model_ready("other")
    metadata = client.get_model_metadata("nasnet")
    assert metadata["inputs"][0]["name"] == "images" and metadata["inputs"][0]["shape"] == [-1, 40, 40, 3]
    assert "binary_tensor_data" in client.get_server_metadata()["extensions"]


def test_triton_error(f, server, client):
    inp = triton.InferInput("images", [1, 2, 2, 3], "FP32")
    inp.set_data_from_numpy(np.zeros((1, 2, 2, 3), np.float32))
    try:
        client.infer("nasnet", [inp])
    except InferenceServerException as error:
        assert "shape" in str(error), str(error)
        assert error.status() in ("400", 400), error.status()
    else:
        raise AssertionError("a wrong shape was accepted")


def test_tfserving_row_format(f, server, client):
    reply = requests.post(f"{server.url}/v1/models/nasnet:predict", json={"instances": f.images.tolist()})
    assert reply.status_code == 200, reply.text
    assert same_bits(np.array(reply.json()["predictions"], np.float32), f.default)


def test_tfserving_columnar_format(f, server, client):
    body = {"signature_name": "image_feature_vector", "inputs": {"images": f.images.tolist()}}
    reply = requests.post(f"{server.url}/v1/models/nasnet/versions/1:predict", json=body)
    assert reply.status_code == 200, reply.text
    outputs = reply.json()["outputs"]
    for name in ("default", "feature_map"):
        assert same_bits(np.array(outputs[name], np.float32), f.ifv[name]), name


def test_tfserving_b64_images(f, server, client):
    instances = [{"b64": base64.b64encode(open(path, "rb").read()).decode()} for path in (JPEG, PNG)]
    reply = requests.post(f"{server.url}/v1/models/nasnet:predict", json={"instances": instances})
    assert reply.status_code == 200, reply.text
    assert same_bits(np.array(reply.json()["predictions"], np.float32), f.embedded)


def test_tfserving_status_and_errors(f, server, client):
    status = requests.get(f"{server.url}/v1/models/nasnet").json()
    assert status["model_version_status"][0]["state"] == "AVAILABLE"
    reply = requests.post(f"{server.url}/v1/models/nasnet:predict", data=b"{not json")
    assert reply.status_code == 400 and "JSON" in reply.json()["error"]
    reply = requests.post(f"{server.url}/v1/models/nope:predict", json={"instances": [1]})
    assert reply.status_code == 404 and "nope" in reply.json()["error"]
    metrics = requests.get(f"{server.url}/metrics").text
    assert "tfhub_requests_total" in metrics and "tfhub_batch_size_bucket" in metrics


def metric(url, name):
    for line in requests.get(f"{url}/metrics").text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    return None


def alone_sigterm_answers_every_accepted_request(f):
    """Four requests wait in a batch (3 s timeout) when SIGTERM arrives: each is answered, then exit 0."""
    server = Server(f.tfhub, "--num-batch-threads", "1", "--max-batch-size", "64", "--batch-timeout-micros", "3000000")
    results = []

    def send(i):
        try:
            reply = requests.post(f"{server.url}/v1/models/nasnet:predict",
                                  json={"instances": f.images[i % 2:i % 2 + 1].tolist()})
            results.append((i, reply.status_code, reply.json()))
        except Exception as error:  # noqa: BLE001 - recorded and asserted below
            results.append((i, None, repr(error)))

    threads = [threading.Thread(target=send, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for _ in range(600):  # until the four are queued (bounded: 30 s)
        if metric(server.url, "tfhub_queue_depth") == 4:
            break
        time.sleep(0.05)
    assert metric(server.url, "tfhub_queue_depth") == 4, "the four requests never queued"
    status = server.stop()
    for thread in threads:
        thread.join(timeout=60)
    assert status == 0, f"exit status {status}"
    assert sorted(r[1] for r in results) == [200] * 4, results
    for i, _, body in results:
        assert same_bits(np.array(body["predictions"], np.float32), f.default[i % 2:i % 2 + 1]), i


def alone_model_base_path_swaps_in_a_new_version(f):
    base = os.path.join(f.folder, "models")
    os.makedirs(base)
    os.symlink(MODULE, os.path.join(base, "1"))
    server = Server(f.tfhub, "--model-base-path", base, "--file-system-poll-wait-seconds", "0.1", source=())
    try:
        status = requests.get(f"{server.url}/v1/models/nasnet").json()
        assert [v["version"] for v in status["model_version_status"]] == ["1"], status
        os.symlink(MODULE, os.path.join(base, "2"))
        versions = []
        for _ in range(600):  # bounded: 60 s
            body = {"instances": f.images.tolist()}
            reply = requests.post(f"{server.url}/v1/models/nasnet:predict", json=body)
            assert reply.status_code == 200, reply.text
            assert same_bits(np.array(reply.json()["predictions"], np.float32), f.default)
            versions = [v["version"] for v in requests.get(f"{server.url}/v1/models/nasnet").json()["model_version_status"]]
            if versions == ["2"]:
                break
            time.sleep(0.1)
        assert versions == ["2"], versions
        assert requests.get(f"{server.url}/v2/models/nasnet/versions/1/ready").status_code == 404
    finally:
        assert server.stop() == 0


def alone_eight_clients_every_request_answered(f):
    """8 concurrent clients, 20 requests each (bounded): every request answered 200, bit for bit."""
    server = Server(f.tfhub)
    failures = []

    def client(k):
        with requests.Session() as session:
            for i in range(20):
                row = (k + i) % 2
                reply = session.post(f"{server.url}/v1/models/nasnet:predict",
                                     json={"instances": f.images[row:row + 1].tolist()})
                if reply.status_code != 200 or not same_bits(
                        np.array(reply.json()["predictions"], np.float32), f.default[row:row + 1]):
                    failures.append((k, i, reply.status_code, reply.text[:200]))

    try:
        threads = [threading.Thread(target=client, args=(k,)) for k in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        assert not failures, failures[:3]
        assert metric(server.url, "tfhub_batch_requests_sum") == 160
    finally:
        assert server.stop() == 0


def alone_overload_gives_503_and_no_crash(f):
    """64 clients at once into a queue of 4: some 503 with Retry-After, the rest 200, the server lives on."""
    server = Server(f.tfhub, "--max-queue-size", "4", "--max-batch-size", "1", "--batch-timeout-micros", "0")
    statuses = []
    barrier = threading.Barrier(64)
    # Binary tensors: cheap to send and to read, so requests arrive faster than 8-image calls finish.
    images = np.concatenate([f.images] * 16)  # 32 images a call: long enough for 64 arrivals in any build
    header = json.dumps({"inputs": [{"name": "images", "datatype": "FP32", "shape": list(images.shape),
                                     "parameters": {"binary_data_size": images.nbytes}}]}).encode()
    body = header + images.tobytes()

    def client():
        barrier.wait()
        reply = requests.post(f"{server.url}/v2/models/nasnet/infer", data=body,
                              headers={"Inference-Header-Content-Length": str(len(header))})
        statuses.append((reply.status_code, reply.headers.get("Retry-After")))

    try:
        threads = [threading.Thread(target=client) for _ in range(64)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        assert len(statuses) == 64
        assert {s for s, _ in statuses} <= {200, 503}, statuses
        assert any(s == 503 for s, _ in statuses), "64 requests into a queue of 4 were all accepted"
        assert all(r == "1" for s, r in statuses if s == 503)
        assert requests.get(f"{server.url}/v2/health/live").status_code == 200
        reply = requests.post(f"{server.url}/v1/models/nasnet:predict", json={"instances": f.images.tolist()})
        assert reply.status_code == 200
    finally:
        assert server.stop() == 0


TESTS = [value for name, value in sorted(globals().items()) if name.startswith("test_")]
ALONE = [value for name, value in sorted(globals().items()) if name.startswith("alone_")]


def main():
    tfhub = sys.argv[1]
    passed = failed = 0
    with tempfile.TemporaryDirectory() as folder:
        fixture = Fixture(tfhub, folder)
        server = Server(tfhub)
        try:
            client = triton.InferenceServerClient(server.address)
            for test in TESTS:
                try:
                    test(fixture, server, client)
                    passed += 1
                    print(f"ok   {test.__name__}")
                except Exception:
                    failed += 1
                    print(f"FAIL {test.__name__}")
                    traceback.print_exc()
            client.close()
        finally:
            status = server.stop()
        if status == 0:
            passed += 1
            print("ok   sigterm_exits_0")
        else:
            failed += 1
            print(f"FAIL sigterm_exits_0: exit status {status}")
        for test in ALONE:
            try:
                test(fixture)
                passed += 1
                print(f"ok   {test.__name__}")
            except Exception:
                failed += 1
                print(f"FAIL {test.__name__}")
                traceback.print_exc()
    print(f"clients: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
