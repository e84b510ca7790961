"""Shared helpers for the NASNet oracle scripts (TensorFlow is a test oracle only).

Generated with: tensorflow-cpu 2.21.0, tf-keras 2.21.0, tensorflow-hub 0.15.0, numpy 2.4.6
(exact pins: Tests/Fixtures/oracle-requirements.txt).

- `import_hub(eager=False)`: tensorflow_hub 0.15.0 imports `tf.compat.v1.estimator`, which TF >= 2.16
  lacks; a stub module is registered first (see /work/shared/docs/oracle.md). Graph mode unless `eager`.
- `formula_inputs(n, h, w)`: the deterministic image batch the Swift tests rebuild without a file:
  value at flat index i of an [n, h, w, 3] batch is
  `((i * 2654435761 + seed) mod 2**32 >> 8) / 2**24` (uint32 wraparound), seed 12345.
- `op_histogram(graph_def, outputs)`: op-type counts of a whole GraphDef, or of only the nodes
  the given output tensors depend on.
"""

import collections
import importlib
import os
import sys
import types

import numpy as np

INPUT_SEED = 12345


def _oracle_python():
    """$PYTHON, else .venv-oracle in the repository root or in the folder that holds it."""
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
    for candidate in [os.environ.get("PYTHON"), os.path.join(root, ".venv-oracle", "bin", "python"),
                      os.path.join(root, "..", ".venv-oracle", "bin", "python")]:
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def import_hub(eager=False):
    """Returns (tf, hub) with graph mode on (eager mode with `eager=True`, for TF2 SavedModels and
    `hub.load`) and the estimator stub registered.
    Without TensorFlow in this interpreter, re-executes the script with the oracle venv's."""
    try:
        import tensorflow as tf
    except ImportError:
        python = _oracle_python()
        if python is None or os.environ.get("ORACLE_REEXEC"):
            sys.exit("TensorFlow not found: set PYTHON or create .venv-oracle "
                     "(pip install -r Tests/Fixtures/oracle-requirements.txt)")
        os.environ["ORACLE_REEXEC"] = "1"
        os.execv(python, [python] + sys.argv)

    stub = types.ModuleType("tensorflow.compat.v1.estimator")
    stub.Exporter = object
    stub.BestExporter = object
    sys.modules["tensorflow.compat.v1.estimator"] = stub
    setattr(importlib.import_module("tensorflow.compat.v1"), "estimator", stub)
    import tensorflow_hub as hub

    if not eager:
        tf.compat.v1.disable_eager_execution()
    return tf, hub


def formula_inputs(n, h, w, c=3, seed=INPUT_SEED):
    """[n, h, w, c] float32 in [0, 1): the Swift-reproducible test batch."""
    count = n * h * w * c
    i = np.arange(count, dtype=np.uint64)
    u = (i * np.uint64(2654435761) + np.uint64(seed)) % np.uint64(2**32)
    return ((u >> np.uint64(8)).astype(np.float32) / np.float32(16777216)).reshape(n, h, w, c)


def _node_name(inp):
    return inp.lstrip("^").split(":")[0]


def op_histogram(graph_def, outputs=None):
    """Counts op types; with `outputs` (tensor names) only nodes those outputs depend on."""
    nodes = {n.name: n for n in graph_def.node}
    if outputs is None:
        keep = nodes.values()
    else:
        seen = set()
        stack = [_node_name(o) for o in outputs]
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            stack.extend(_node_name(i) for i in nodes[name].input)
        keep = [nodes[s] for s in seen]
    return dict(sorted(collections.Counter(n.op for n in keep).items()))


def versions():
    import tensorflow as tf
    import tensorflow_hub as hub
    import tf_keras

    return {
        "tensorflow": tf.__version__,
        "tensorflow_hub": hub.__version__,
        "tf_keras": tf_keras.__version__,
        "numpy": np.__version__,
        "python": sys.version.split()[0],
    }
