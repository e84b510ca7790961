"""Shared machinery for the per-op golden generators (make_golden_*.py) in this folder.

Each generator builds one-node TensorFlow graphs (Placeholders for data inputs, Consts for inputs that
must be known at plan time, the op under test named "op"), runs them with TensorFlow, and writes into
`<family>/`:
  <case>.graph.pb    the GraphDef exactly as TensorFlow serialises it (attributes are TF's own)
  <case>.in<k>.npy   the value fed to placeholder k (numeric/bool)
  <case>.out<k>.npy  TensorFlow's output k of "op" (numeric/bool)
  manifest.json      {"family", "generator", "versions", "cases": [{"name", "op", "graph",
                      "feeds": [{"tensor", "file"} | {"tensor", "strings", "shape"}],
                      "variables": [{"name", "file"}],
                      "fetches": [{"tensor", "file"} | {"tensor", "strings", "shape"}],
                      "compare": "exact" | "float"}]}
String tensors are stored in the manifest as UTF-8 text lists, since .npy cannot hold them.

Versions used: TensorFlow 2.21.0 (tensorflow-cpu), numpy 2.4.6, CPython 3.11.
"""
import json
import os
import shutil
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.compat.v1.disable_eager_execution()

HERE = os.path.dirname(os.path.abspath(__file__))
VERSIONS = {"tensorflow": tf.__version__, "numpy": np.__version__,
            "python": "%d.%d" % sys.version_info[:2]}


class Feed:
    """An input fed through a Placeholder (the default for data inputs)."""
    def __init__(self, value, shape=None):
        self.value = value
        self.shape = shape  # Placeholder shape attr; default: the value's shape


class Const:
    """An input embedded in the graph as a Const node (shapes, axes, paddings, ...)."""
    def __init__(self, value):
        self.value = value


def as_array(value):
    return value if isinstance(value, np.ndarray) else np.asarray(value)


class Family:
    def __init__(self, family, generator):
        self.family = family
        self.generator = generator
        self.dir = os.path.join(HERE, family)
        self.cases = []
        self.names = set()

    def reset_dir(self):
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)

    def _tensor_entry(self, tensor_name, value, file_base):
        value = as_array(value)
        if value.dtype.kind in ("O", "S", "U"):
            flat = [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in value.reshape(-1)]
            return {"tensor": tensor_name, "strings": flat, "shape": list(value.shape)}
        np.save(os.path.join(self.dir, file_base + ".npy"), value)
        return {"tensor": tensor_name, "file": file_base + ".npy"}

    def add(self, name, op, inputs, build, compare=None, variables=None, edit_graph=None, plan=None):
        """Adds one case.

        inputs: list of Feed/Const/np values (bare values are fed).
        build: function(list of input tensors) -> creates the op named "op".
        variables: optional function() -> (list of (variable node name, tensor name holding its value),
          list of initializer ops); the initializers run before the op (the graph keeps its initializer subgraph; the interpreter must not run it).
        edit_graph: optional function(GraphDef) -> GraphDef applied before running (e.g. to hand-craft
          a TensorProto); TF then runs the edited graph, so outputs stay TF's.
        plan: None (TF's default session: grappler on) or "as_written": TF runs the graph with grappler's
          remapper off (no fused Conv2D + BiasAdd + Relu kernels), and the interpreter must match it with
          the graph planned as written (PlanOptions(optimize: false)).
        """
        assert name not in self.names, name
        self.names.add(name)
        graph = tf.Graph()
        feeds, feed_dict_spec = [], []
        with graph.as_default():
            tensors = []
            for k, item in enumerate(inputs):
                if not isinstance(item, (Feed, Const)):
                    item = Feed(item)
                value = as_array(item.value)
                if isinstance(item, Const):
                    tensors.append(tf.constant(value, name="c%d" % k))
                else:
                    dtype = tf.string if value.dtype.kind in ("O", "S", "U") else tf.as_dtype(value.dtype)
                    shape = value.shape if item.shape is None else item.shape
                    ph = tf.compat.v1.placeholder(dtype, shape, name="x%d" % k)
                    tensors.append(ph)
                    feed_dict_spec.append(("x%d:0" % k, value, k))
            var_values = []
            init_ops = []
            if variables is not None:
                var_values, init_ops = variables()
            build(tensors)
        graph_def = graph.as_graph_def()
        if edit_graph is not None:
            graph_def = edit_graph(graph_def)
        run_graph = tf.Graph()
        with run_graph.as_default():
            tf.graph_util.import_graph_def(graph_def, name="")
            op = run_graph.get_operation_by_name("op")
            config = tf.compat.v1.ConfigProto()
            if plan == "as_written":
                from tensorflow.core.protobuf import rewriter_config_pb2
                config.graph_options.rewrite_options.remapping = rewriter_config_pb2.RewriterConfig.OFF
            with tf.compat.v1.Session(graph=run_graph, config=config) as session:
                feed_dict = {name_: value for name_, value, _ in feed_dict_spec}
                if init_ops:
                    session.run([run_graph.get_operation_by_name(o.name) for o in init_ops])
                outputs = session.run([t.name for t in op.outputs], feed_dict) if op.outputs else []
                var_read = session.run([t for _, t in var_values]) if var_values else []
        with open(os.path.join(self.dir, name + ".graph.pb"), "wb") as f:
            f.write(graph_def.SerializeToString(deterministic=True))  # sorted attr maps: stable bytes
        for tensor_name, value, k in feed_dict_spec:
            feeds.append(self._tensor_entry(tensor_name, value, "%s.in%d" % (name, k)))
        variables_out = []
        for (var_name, _), value in zip(var_values, var_read):
            file_base = "%s.var_%s" % (name, var_name.replace("/", "_"))
            np.save(os.path.join(self.dir, file_base + ".npy"), np.asarray(value))
            variables_out.append({"name": var_name, "file": file_base + ".npy"})
        fetches = [self._tensor_entry("op:%d" % k, as_array(v), "%s.out%d" % (name, k))
                   for k, v in enumerate(outputs)]
        if compare is None:
            kinds = {as_array(v).dtype.kind for v in outputs}
            compare = "float" if kinds & {"f"} else "exact"
        self.cases.append({"name": name, "op": op.type, "graph": name + ".graph.pb", "feeds": feeds,
                           "variables": variables_out, "fetches": fetches, "compare": compare})
        if plan is not None:
            self.cases[-1]["plan"] = plan

    def write_manifest(self):
        manifest = {"family": self.family, "generator": self.generator, "versions": VERSIONS,
                    "cases": self.cases}
        with open(os.path.join(self.dir, "manifest.json"), "w") as f:
            json.dump(manifest, f, indent=1)
        total = sum(os.path.getsize(os.path.join(self.dir, n)) for n in os.listdir(self.dir))
        print("%s: %d cases, %d bytes" % (self.family, len(self.cases), total))
