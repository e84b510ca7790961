#!/usr/bin/env python3
"""One-off check that tensorflow_hub 0.15 and this package's resolver reuse each other's cache entries.

Run from the repository root after `swift build --build-tests` (needs the oracle venv, not run in CI):
    ${PYTHON:-.venv-oracle/bin/python} Tests/Fixtures/resolver/cross_cache_check.py [path/to/hub-resolve-probe]

Versions: tensorflow-cpu 2.21.0, tensorflow-hub 0.15.0 (see README.md).
1. Our resolver (hub-resolve-probe, a separate process) downloads an http handle into cache A; then
   hub.resolve() with TFHUB_CACHE_DIR=A must return the same folder without a new request, and the
   module must load and compute y = x·W + b.
2. hub.resolve() downloads another handle into cache B; then our resolver must return hub's folder
   without a new request.
3. While our resolver holds the lock of a slow download, hub.resolve() waits for it and uses its result.
4. While hub holds the lock of a slow download, our resolver waits for it and uses its result.
Prints one line per step and "CROSS-CACHE CHECK: PASS" at the end (exit 0), or fails with an assertion.
"""
import hashlib
import importlib
import os
import subprocess
import sys
import shutil
import tempfile
import threading
import time
import types

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
PROBE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "hub-resolve-probe")


def import_hub():
    stub = types.ModuleType("tensorflow.compat.v1.estimator")
    stub.Exporter = object
    stub.BestExporter = object
    sys.modules["tensorflow.compat.v1.estimator"] = stub
    import tensorflow as tf
    setattr(importlib.import_module("tensorflow.compat.v1"), "estimator", stub)
    import tensorflow_hub as hub
    return tf, hub


def tree(folder):
    out = {}
    for d, _, files in os.walk(folder):
        for f in files:
            full = os.path.join(d, f)
            out[os.path.relpath(full, folder)] = open(full, "rb").read()
    return out


def probe(handle, cache):
    env = dict(os.environ, TFHUB_CACHE_DIR=cache)
    done = subprocess.run([PROBE, handle], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def wait_for(path, timeout=60):
    deadline = time.time() + timeout
    while not os.path.exists(path):
        assert time.time() < deadline, "timed out waiting for " + path
        time.sleep(0.01)


def main():
    tf, hub = import_hub()
    print("tensorflow", tf.__version__, "tensorflow_hub", hub.__version__)
    work = tempfile.mkdtemp(prefix="cross-cache-")
    log = os.path.join(work, "requests.log")
    open(log, "w").close()
    server = subprocess.Popen([sys.executable, os.path.join(HERE, "http_server.py"), HERE, log],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline().split()[1])
        requests = lambda: open(log).read().split()
        module = tree(os.path.join(HERE, "module"))

        cache_a = os.path.join(work, "ours")
        handle_a = "http://127.0.0.1:%d/modules/archives/module-gnu.tar.gz" % port
        ours = probe(handle_a, cache_a)
        assert ours == os.path.join(cache_a, hashlib.sha1(handle_a.encode()).hexdigest()), ours
        assert len(requests()) == 1 and tree(ours) == module
        print("1a. our resolver downloaded", handle_a, "->", ours, "(requests: %d)" % len(requests()))
        os.environ["TFHUB_CACHE_DIR"] = cache_a
        theirs = hub.resolve(handle_a)
        assert os.path.realpath(theirs) == os.path.realpath(ours), (theirs, ours)
        assert len(requests()) == 1, requests()
        print("1b. hub.resolve reused it:", theirs, "(requests still: %d)" % len(requests()))
        tf.compat.v1.disable_eager_execution()
        with tf.Graph().as_default():
            m = hub.Module(handle_a)
            y = m(tf.constant([[1.0, 2.0, 3.0]]))
            with tf.compat.v1.Session() as sess:
                sess.run(tf.compat.v1.global_variables_initializer())
                value = sess.run(y).tolist()
        assert value == [[22.5, 27.5]], value
        print("1c. hub.Module(handle) ran from our cache entry: y =", value)

        cache_b = os.path.join(work, "hubs")
        handle_b = "http://127.0.0.1:%d/modules/archives/module-pax.tgz" % port
        os.environ["TFHUB_CACHE_DIR"] = cache_b
        theirs = hub.resolve(handle_b)
        assert len(requests()) == 2 and tree(theirs) == module
        print("2a. hub.resolve downloaded", handle_b, "->", theirs, "(requests: %d)" % len(requests()))
        ours = probe(handle_b, cache_b)
        assert os.path.realpath(ours) == os.path.realpath(theirs), (ours, theirs)
        assert len(requests()) == 2, requests()
        print("2b. our resolver reused it:", ours, "(requests still: %d)" % len(requests()))

        cache_c = os.path.join(work, "lock-ours")
        handle_c = "http://127.0.0.1:%d/slow/100/100/archives/module-gnu.tar.gz" % port
        key_c = hashlib.sha1(handle_c.encode()).hexdigest()
        running = subprocess.Popen([PROBE, handle_c], env=dict(os.environ, TFHUB_CACHE_DIR=cache_c),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_for(os.path.join(cache_c, key_c + ".lock"))
        lock = open(os.path.join(cache_c, key_c + ".lock")).read()
        os.environ["TFHUB_CACHE_DIR"] = cache_c
        theirs = hub.resolve(handle_c)
        out, err = running.communicate(timeout=120)
        assert running.returncode == 0, err
        assert os.path.realpath(theirs) == os.path.realpath(out.strip()) and tree(theirs) == module
        assert requests().count(handle_c.split(str(port))[1] + "?tf-hub-format=compressed") == 1, requests()
        print("3. hub.resolve waited for our lock '%s' and used our download (1 request)" % lock)

        cache_d = os.path.join(work, "lock-hubs")
        handle_d = "http://127.0.0.1:%d/slow/100/100/archives/module-pax.tgz" % port
        key_d = hashlib.sha1(handle_d.encode()).hexdigest()
        os.environ["TFHUB_CACHE_DIR"] = cache_d
        result = {}
        thread = threading.Thread(target=lambda: result.setdefault("path", hub.resolve(handle_d)))
        thread.start()
        wait_for(os.path.join(cache_d, key_d + ".lock"))
        lock = open(os.path.join(cache_d, key_d + ".lock")).read()
        ours = probe(handle_d, cache_d)
        thread.join(timeout=120)
        assert os.path.realpath(ours) == os.path.realpath(result["path"]) and tree(ours) == module
        assert requests().count(handle_d.split(str(port))[1] + "?tf-hub-format=compressed") == 1, requests()
        print("4. our resolver waited for hub's lock '%s' and used hub's download (1 request)" % lock)
        print("CROSS-CACHE CHECK: PASS")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        server.stdin.close()
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
