#!/usr/bin/env python3
"""Writes the resolver fixtures: a tiny TF1 hub module exported by tensorflow_hub, archives of it in
every tar flavour the resolver reads, and malicious archives the resolver must refuse.

Run from the repository root (TensorFlow is needed only here, never in CI):
    ${PYTHON:-.venv-oracle/bin/python} Tests/Fixtures/resolver/make_fixtures.py

Versions used for the committed files: Python 3.11, tensorflow-cpu 2.21.0, tf-keras 2.21.0,
tensorflow-hub 0.15.0, numpy 2.4.6.

Outputs (all under Tests/Fixtures/resolver/):
  module/                     the module exactly as hub's Module.export wrote it
  archives/module-ustar.tar   plain POSIX ustar (a long asset path goes through the ustar prefix)
  archives/module-gnu.tar.gz  GNU format (long names through 'L' entries, uid in base-256)
  archives/module-pax.tgz     pax format (long names through 'x' headers, plus a 'g' global header)
  archives/module-base256.tar.gz  GNU format with every file size written in base-256
  archives/module-multimember.tar.gz  the gnu tar split over three concatenated gzip members
  archives/module-gnu.tar.bz2 the gnu tar compressed with bzip2 (refused by name: only gzip is read)
  archives/module-deep.tar.gz module plus assets/deep/... with a path of ~300 characters
  archives/module-noroot.tar.gz   members without "./" and without directory entries
  archives/module-broken.tar.gz   a module missing its variables data shard (not a valid module)
  malicious/*.tar.gz          archives the resolver must refuse (see MALICIOUS below)
"""
import bz2
import gzip
import io
import os
import shutil
import sys
import tarfile
import tempfile
import types
import importlib

HERE = os.path.dirname(os.path.abspath(__file__))
MODULE_DIR = os.path.join(HERE, "module")
ARCHIVES = os.path.join(HERE, "archives")
MALICIOUS = os.path.join(HERE, "malicious")

# A 95-character asset name: "./assets/<name>" is longer than the 100-byte ustar name field, so each
# tar format has to use its own long-name mechanism (ustar prefix, GNU 'L', pax 'path').
LONG_ASSET = "vocabulary_" + "x" * 80 + ".txt"
assert len(LONG_ASSET) == 95


def export_module():
    stub = types.ModuleType("tensorflow.compat.v1.estimator")
    stub.Exporter = object
    stub.BestExporter = object
    sys.modules["tensorflow.compat.v1.estimator"] = stub
    import tensorflow as tf
    setattr(importlib.import_module("tensorflow.compat.v1"), "estimator", stub)
    import tensorflow_hub as hub

    tf.compat.v1.disable_eager_execution()
    work = tempfile.mkdtemp()
    vocab = os.path.join(work, LONG_ASSET)
    with open(vocab, "w") as f:
        f.write("alpha\nbeta\ngamma\n")

    def module_fn():
        x = tf.compat.v1.placeholder(tf.float32, [None, 3], name="x")
        w = tf.compat.v1.get_variable("w", [3, 2], initializer=tf.compat.v1.constant_initializer(
            [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))
        b = tf.compat.v1.get_variable("b", [2], initializer=tf.compat.v1.constant_initializer([0.5, -0.5]))
        tf.compat.v1.add_to_collection(tf.compat.v1.GraphKeys.ASSET_FILEPATHS, tf.constant(vocab))
        hub.add_signature(inputs=x, outputs=tf.matmul(x, w) + b)

    spec = hub.create_module_spec(module_fn)
    with tf.Graph().as_default():
        m = hub.Module(spec)
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            if os.path.exists(MODULE_DIR):
                shutil.rmtree(MODULE_DIR)
            m.export(MODULE_DIR, sess)
    shutil.rmtree(work)


def add_module(tar, root="."):
    """Adds the module like `tar -C module .` does: directories first, sorted, deterministic."""
    for dirpath, dirnames, filenames in os.walk(MODULE_DIR):
        dirnames.sort()
        rel = os.path.relpath(dirpath, MODULE_DIR)
        arc = root if rel == "." else os.path.join(root, rel)
        tar.add(dirpath, arcname=arc, recursive=False, filter=normalise)
        for name in sorted(filenames):
            tar.add(os.path.join(dirpath, name), arcname=os.path.join(arc, name), filter=normalise)


def normalise(info):
    info.mtime = 1700000000
    info.uname = info.gname = "hub"
    info.uid = info.gid = 1000
    return info


def write_tar(path, fmt, gz, extra=None, pax_global=None, root="."):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt, pax_headers=pax_global or {}) as tar:
        add_module(tar, root)
        if extra:
            extra(tar)
    data = buf.getvalue()
    write_bytes(path, gzip.compress(data, mtime=0) if gz else data)
    return data


def write_bytes(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def add_bytes(tar, name, data, **kw):
    info = normalise(tarfile.TarInfo(name))
    info.size = len(data)
    for k, v in kw.items():
        setattr(info, k, v)
    tar.addfile(info, io.BytesIO(data))


def base256_sizes(data):
    """Rewrites the size field of every regular-file header as base-256 and fixes the checksum."""
    out = bytearray(data)
    pos = 0
    while pos + 512 <= len(out):
        block = out[pos:pos + 512]
        if block == bytes(512):
            break
        size = tarfile.nti(bytes(block[124:136]))
        if block[156:157] in (b"0", b"\0"):
            out[pos + 124:pos + 136] = b"\x80" + size.to_bytes(11, "big")
            out[pos + 148:pos + 156] = b" " * 8
            chk = sum(out[pos:pos + 512])
            out[pos + 148:pos + 156] = b"%06o\0 " % chk
        pos += 512 + (size + 511) // 512 * 512
    return bytes(out)


def write_archives():
    if os.path.exists(ARCHIVES):
        shutil.rmtree(ARCHIVES)
    write_tar(os.path.join(ARCHIVES, "module-ustar.tar"), tarfile.USTAR_FORMAT, gz=False)

    def big_uid(tar):
        pass
    gnu = write_tar(os.path.join(ARCHIVES, "module-gnu.tar.gz"), tarfile.GNU_FORMAT, gz=True)
    write_tar(os.path.join(ARCHIVES, "module-pax.tgz"), tarfile.PAX_FORMAT, gz=True,
              pax_global={"comment": "written by make_fixtures.py"})
    write_bytes(os.path.join(ARCHIVES, "module-base256.tar.gz"), gzip.compress(base256_sizes(gnu), mtime=0))
    third = len(gnu) // 3
    write_bytes(os.path.join(ARCHIVES, "module-multimember.tar.gz"),
                b"".join(gzip.compress(gnu[i:j], mtime=0) for i, j in ((0, third), (third, 2 * third), (2 * third, len(gnu)))))

    write_bytes(os.path.join(ARCHIVES, "module-gnu.tar.bz2"), bz2.compress(gnu))

    deep = "assets/deep/" + "/".join(["level%02d_" % i + "d" * 20 for i in range(10)]) + "/leaf.txt"
    assert len(deep) > 255

    def add_deep(tar):
        add_bytes(tar, "./" + deep, b"deep leaf\n", uid=10_000_000)
    write_tar(os.path.join(ARCHIVES, "module-deep.tar.gz"), tarfile.GNU_FORMAT, gz=True, extra=add_deep)
    write_bytes(os.path.join(ARCHIVES, "module-deep.path.txt"), deep.encode())

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for dirpath, _, filenames in sorted(os.walk(MODULE_DIR)):
            for name in sorted(filenames):
                full = os.path.join(dirpath, name)
                tar.add(full, arcname=os.path.relpath(full, MODULE_DIR), filter=normalise)
    write_bytes(os.path.join(ARCHIVES, "module-noroot.tar.gz"), gzip.compress(buf.getvalue(), mtime=0))

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tar:
        add_module(tar)
    broken = io.BytesIO()
    with tarfile.open(fileobj=io.BytesIO(buf.getvalue())) as src, \
            tarfile.open(fileobj=broken, mode="w", format=tarfile.GNU_FORMAT) as dst:
        for m in src.getmembers():
            if "variables.data" not in m.name:
                dst.addfile(m, src.extractfile(m) if m.isfile() else None)
    write_bytes(os.path.join(ARCHIVES, "module-broken.tar.gz"), gzip.compress(broken.getvalue(), mtime=0))


def malicious(name, build, fmt=tarfile.GNU_FORMAT, with_module=True, raw=None):
    if raw is not None:
        write_bytes(os.path.join(MALICIOUS, name), raw)
        return
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as tar:
        if with_module:
            add_module(tar)
        build(tar)
    write_bytes(os.path.join(MALICIOUS, name), gzip.compress(buf.getvalue(), mtime=0))


def link(tar, name, target, kind):
    info = normalise(tarfile.TarInfo(name))
    info.type = kind
    info.linkname = target
    tar.addfile(info)


def special(tar, name, kind):
    info = normalise(tarfile.TarInfo(name))
    info.type = kind
    info.devmajor, info.devminor = 1, 3
    tar.addfile(info)


def write_malicious():
    if os.path.exists(MALICIOUS):
        shutil.rmtree(MALICIOUS)
    malicious("traversal.tar.gz", lambda t: add_bytes(t, "../evil.txt", b"evil\n"))
    malicious("traversal-nested.tar.gz", lambda t: add_bytes(t, "./assets/../../evil.txt", b"evil\n"))
    malicious("absolute.tar.gz", lambda t: add_bytes(t, "/tmp/tfhub-resolver-evil.txt", b"evil\n"))
    malicious("pax-traversal.tar.gz", lambda t: add_bytes(t, "../" + "p" * 120 + ".txt", b"evil\n"),
              fmt=tarfile.PAX_FORMAT)
    malicious("gnu-longname-traversal.tar.gz", lambda t: add_bytes(t, "../" + "g" * 120 + ".txt", b"evil\n"))
    malicious("symlink-escape.tar.gz", lambda t: link(t, "./assets/link", "../../..", tarfile.SYMTYPE))
    malicious("symlink-then-write.tar.gz", lambda t: (link(t, "./escape", "..", tarfile.SYMTYPE),
                                                     add_bytes(t, "./escape/evil.txt", b"evil\n")))
    malicious("hardlink.tar.gz", lambda t: link(t, "./assets/passwd", "/etc/passwd", tarfile.LNKTYPE))
    malicious("chardevice.tar.gz", lambda t: special(t, "./assets/null", tarfile.CHRTYPE))
    malicious("blockdevice.tar.gz", lambda t: special(t, "./assets/disk", tarfile.BLKTYPE))
    malicious("fifo.tar.gz", lambda t: special(t, "./assets/fifo", tarfile.FIFOTYPE))
    # Sizes are judged against the small caps the tests set (entry 256 KiB, total 1 MiB, 200 entries).
    malicious("oversize-entry.tar.gz", lambda t: add_bytes(t, "./assets/big.bin", bytes(512 * 1024)))
    malicious("too-many-entries.tar.gz",
              lambda t: [add_bytes(t, "./assets/many/%04d" % i, b"") for i in range(300)])
    malicious("gzip-bomb.tar.gz", lambda t: [add_bytes(t, "./assets/zeros%d.bin" % i, bytes(200 * 1024))
                                             for i in range(320)])
    # 64 MiB of zeros that are not a tar at all (the tar reader sees an end-of-archive block at once).
    malicious("zeros-bomb.gz", None, raw=gzip.compress(bytes(64 * 1024 * 1024), mtime=0))
    # A single entry whose header claims 64 MiB, followed by 64 MiB of zeros.
    hdr = normalise(tarfile.TarInfo("./assets/huge.bin"))
    hdr.size = 64 * 1024 * 1024
    malicious("huge-entry-bomb.tar.gz", None,
              raw=gzip.compress(hdr.tobuf(tarfile.GNU_FORMAT) + bytes(hdr.size) + bytes(1024), mtime=0))
    # A header block with a wrong checksum.
    bad = bytearray(hdr.tobuf(tarfile.USTAR_FORMAT))
    bad[148:156] = b"0000000\0"
    malicious("bad-checksum.tar.gz", None, raw=gzip.compress(bytes(bad) + bytes(1024), mtime=0))
    # The module archive cut in the middle of the gzip stream.
    whole = open(os.path.join(ARCHIVES, "module-gnu.tar.gz"), "rb").read()
    malicious("truncated.tar.gz", None, raw=whole[: len(whole) // 2])


if __name__ == "__main__":
    if "--archives-only" not in sys.argv:
        export_module()
    write_archives()
    write_malicious()
    # Every good archive must read back with Python's own tarfile to the same file list.
    want = sorted(os.path.relpath(os.path.join(d, f), MODULE_DIR) for d, _, fs in os.walk(MODULE_DIR) for f in fs)
    for name in ("module-ustar.tar", "module-gnu.tar.gz", "module-pax.tgz", "module-base256.tar.gz",
                 "module-multimember.tar.gz", "module-noroot.tar.gz"):
        with tarfile.open(os.path.join(ARCHIVES, name)) as t:
            got = sorted(os.path.normpath(m.name) for m in t.getmembers() if m.isfile())
            assert got == want, (name, got, want)
    print("module files:", want)
