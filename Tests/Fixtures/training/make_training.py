#!/usr/bin/env python3
"""TensorFlow's fine-tuning loop on a hub module, as the oracle for `ClassifierTrainer` (issue 15).

For each configuration, TensorFlow builds what a TF1 hub user writes to fine-tune an image module:

    module = hub.Module(path, trainable=True, tags={"train"})      # head-only: hub.Module(path)
    features = module(images)
    W = get_variable("classifier/weights", [F, C], zeros | glorot_uniform(seed)); b = ("classifier/biases", [C], zeros)
    logits = tf.nn.bias_add(tf.matmul(features, W), b)
    loss = tf.compat.v1.losses.softmax_cross_entropy(one_hot(labels), logits, label_smoothing=s)
           + tf.add_n(tf.compat.v1.losses.get_regularization_losses())       # when there are any
    with tf.control_dependencies(UPDATE_OPS):
        train_op = optimizer.minimize(loss, global_step)

and runs K steps of `session.run([loss, train_op])`, step i feeding examples [i*B, i*B+B) of N
examples cyclically (images `formula_inputs(N, S, S)` of ../nasnet/oracle_hub.py, label of example j
`j % C`). It writes, per configuration, into OUT/<name>/:

- `losses.npy`: float32 [K], the loss each step's forward pass computed (before that step's update);
- `final/variables.{index,data-00000-of-00001}`: a TF checkpoint (written by tf.train.Saver) of every
  variable after K steps, keyed by the module's own variable names (the `module/` scope removed), plus
  `classifier/weights`, `classifier/biases` and the optimizer's slots (`<var>/Momentum`, `<var>/Adam`,
  `<var>/Adam_1`, `<var>/RMSProp`, `<var>/RMSProp_1`; `beta1_power`, `beta2_power`);
- `initial/variables.*` only for glorot heads (the head's initial values TF drew);
- `gradients.json`: per trained variable, the largest |gradient| TensorFlow applied over the K steps
  (a variable whose gradient is zero in exact arithmetic has one many orders below the others);
- `spread.json`: TensorFlow's disagreement with itself, per checkpoint key, the largest absolute
  difference between the final values above (oneDNN kernels, TF's default) and the same loop run in a
  second process on TF's Eigen kernels (TF_ENABLE_ONEDNN_OPTS=0). Variables whose gradient is zero in
  exact arithmetic (a beta that only feeds training-mode batch norms, which remove constant offsets) get
  rounding noise as their gradient, and Adam turns noise into full-size steps: there TF's own spread is
  the yardstick;
- an entry in OUT/manifest.json with the configuration.

`tiny_slim/module` is a small hub module made here for the loop (two 3x3 convolutions with TF-Slim's
fused batch norm and moving averages in `update_ops`, L2 weight decay in `regularization_losses`,
`VariableV2` variables, tag sets {} and {"train"}, 24x24x3 images -> 16 features): the NASNet fixtures
are compact and carry no regularization losses.

Configurations (reduced fixture modules of ../nasnet, 40x40 images, batch 4, 3 classes, 10 examples):
momentum SGD with a zero head on each of the three styles (K=4), and on slim_v1_small: plain SGD,
Adam, RMSProp, exponential decay with label smoothing, dropout, and head-only training with a glorot
head; momentum and Adam on tiny_slim (regularization losses).
With --module DIR (scripts/test-full) it writes one momentum configuration for that module (the
shipped full-size one: 224x224, batch --batch) into --out.

Versions used: TensorFlow 2.21.0 (tensorflow-cpu), tf-keras 2.21.0, tensorflow-hub 0.15.0,
numpy 2.4.6, CPython 3.11.7 (pins: ../oracle-requirements.txt).
Run: .venv-oracle/bin/python Tests/Fixtures/training/make_training.py
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "nasnet"))
from oracle_hub import formula_inputs, import_hub  # noqa: E402

import numpy as np  # noqa: E402

tf, hub = import_hub()


def optimizer(config, learning_rate):
    kind = config["optimizer"]
    if kind == "sgd":
        return tf.compat.v1.train.GradientDescentOptimizer(learning_rate)
    if kind == "momentum":
        return tf.compat.v1.train.MomentumOptimizer(learning_rate, config.get("momentum", 0.9))
    if kind == "adam":
        return tf.compat.v1.train.AdamOptimizer(learning_rate, epsilon=config.get("epsilon", 1e-8))
    if kind == "rmsprop":
        return tf.compat.v1.train.RMSPropOptimizer(learning_rate, decay=0.9, momentum=config.get("momentum", 0.9),
                                                   epsilon=1.0)
    raise ValueError(kind)


def make_tiny_module(module_dir):
    """Two conv + fused batch norm (slim style: moving averages in UPDATE_OPS) + L2 weight decay."""
    decay, epsilon = 0.9, 1e-3
    rng = np.random.RandomState(11)

    def module_fn(is_training):
        images = tf.compat.v1.placeholder(tf.float32, [None, 24, 24, 3], name="images")
        x = images
        for index, (inputs, outputs) in enumerate([(3, 8), (8, 16)]):
            with tf.compat.v1.variable_scope("conv%d" % (index + 1)):
                weights = tf.compat.v1.get_variable(
                    "weights", [3, 3, inputs, outputs], use_resource=False,
                    initializer=tf.compat.v1.constant_initializer(rng.randn(3, 3, inputs, outputs) * 0.4),
                    regularizer=lambda w: tf.multiply(4e-3, tf.nn.l2_loss(w), name="l2_regularizer"))
                x = tf.nn.conv2d(x, weights, [1, 2, 2, 1], "SAME")
                with tf.compat.v1.variable_scope("BatchNorm"):
                    beta = tf.compat.v1.get_variable("beta", [outputs], use_resource=False,
                                                     initializer=tf.compat.v1.constant_initializer(rng.randn(outputs) * 0.1))
                    gamma = tf.compat.v1.get_variable("gamma", [outputs], use_resource=False,
                                                      initializer=tf.compat.v1.constant_initializer(1 + rng.rand(outputs)))
                    moving_mean = tf.compat.v1.get_variable("moving_mean", [outputs], use_resource=False, trainable=False,
                                                            initializer=tf.compat.v1.constant_initializer(rng.randn(outputs) * 0.1))
                    moving_variance = tf.compat.v1.get_variable("moving_variance", [outputs], use_resource=False,
                                                                trainable=False, initializer=tf.compat.v1.ones_initializer())
                    if is_training:
                        x, mean, variance = tf.compat.v1.nn.fused_batch_norm(x, gamma, beta, epsilon=epsilon, is_training=True)
                        from tensorflow.python.training import moving_averages
                        for variable, value in [(moving_mean, mean), (moving_variance, variance)]:
                            update = moving_averages.assign_moving_average(variable, value, decay, zero_debias=False)
                            tf.compat.v1.add_to_collection(tf.compat.v1.GraphKeys.UPDATE_OPS, update)
                    else:
                        x, _, _ = tf.compat.v1.nn.fused_batch_norm(x, gamma, beta, mean=moving_mean, variance=moving_variance,
                                                                   epsilon=epsilon, is_training=False)
                x = tf.nn.relu(x)
        features = tf.reduce_mean(x, [1, 2])
        hub.add_signature(inputs={"images": images}, outputs={"default": features})
        hub.add_signature("image_feature_vector", inputs={"images": images}, outputs={"default": features})

    spec = hub.create_module_spec(module_fn, tags_and_args=[(set(), {"is_training": False}),
                                                           ({"train"}, {"is_training": True})])
    shutil.rmtree(module_dir, ignore_errors=True)
    with tf.Graph().as_default():
        module = hub.Module(spec)
        with tf.compat.v1.Session() as session:
            session.run(tf.compat.v1.global_variables_initializer())
            module.export(module_dir, session)


def spread(out, eigen_out):
    """Largest |oneDNN - Eigen| per checkpoint key of the two final checkpoints."""
    onednn = tf.train.load_checkpoint(os.path.join(out, "final", "variables"))
    eigen = tf.train.load_checkpoint(os.path.join(eigen_out, "final", "variables"))
    return {key: float(np.max(np.abs(onednn.get_tensor(key).astype(np.float64) - eigen.get_tensor(key))))
            if onednn.get_tensor(key).size else 0.0
            for key in onednn.get_variable_to_shape_map()}


def run(config, module_path, out):
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    batch, classes, steps, count = config["batch"], config["classes"], config["steps"], config["examples"]
    size = config["image_size"]
    images_value = formula_inputs(count, size, size)
    labels_value = np.arange(count, dtype=np.int64) % classes
    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.set_random_seed(1)
        images = tf.compat.v1.placeholder(tf.float32, [batch, size, size, 3], name="images")
        labels = tf.compat.v1.placeholder(tf.int64, [batch], name="labels")
        train_body = config.get("train_body", True)
        if train_body:
            module = hub.Module(module_path, trainable=True, tags={"train"})
        else:
            module = hub.Module(module_path)
        features = module(images)
        if config.get("dropout_rate"):
            features = tf.nn.dropout(features, rate=config["dropout_rate"], seed=config["dropout_seed"])
        feature_count = int(features.shape[-1])
        if config.get("head_init", "zeros") == "zeros":
            initializer = tf.compat.v1.zeros_initializer()
        else:
            initializer = tf.compat.v1.glorot_uniform_initializer(seed=config["head_seed"])
        with tf.compat.v1.variable_scope("classifier"):
            weights = tf.compat.v1.get_variable("weights", [feature_count, classes], initializer=initializer)
            biases = tf.compat.v1.get_variable("biases", [classes], initializer=tf.compat.v1.zeros_initializer())
        logits = tf.nn.bias_add(tf.matmul(features, weights), biases)
        loss = tf.compat.v1.losses.softmax_cross_entropy(
            tf.one_hot(labels, classes), logits, label_smoothing=config.get("label_smoothing", 0.0))
        regularization = tf.compat.v1.losses.get_regularization_losses()
        if regularization:
            loss = loss + tf.add_n(regularization)
        global_step = tf.compat.v1.train.get_or_create_global_step()
        rate = config["learning_rate"]
        if "decay_steps" in config:
            rate = tf.compat.v1.train.exponential_decay(rate, global_step, config["decay_steps"],
                                                        config["decay_rate"], staircase=config.get("staircase", False))
        update_ops = tf.compat.v1.get_collection(tf.compat.v1.GraphKeys.UPDATE_OPS)
        with tf.control_dependencies(update_ops):
            # minimize(), split in two to fetch the gradients it applies.
            chosen = optimizer(config, rate)
            gradients = [(g, v) for g, v in chosen.compute_gradients(loss) if g is not None]
            train_op = chosen.apply_gradients(gradients, global_step=global_step)

        def key(variable):
            name = variable.op.name
            return name[len("module/"):] if name.startswith("module/") else name

        saved = {key(v): v for v in tf.compat.v1.global_variables() if key(v) != "global_step"}
        saver = tf.compat.v1.train.Saver(saved, sharded=False)
        with tf.compat.v1.Session(graph=graph) as session:
            session.run(tf.compat.v1.global_variables_initializer())
            if config.get("head_init", "zeros") != "zeros":
                head_saver = tf.compat.v1.train.Saver({"classifier/weights": weights}, sharded=False)
                head_saver.save(session, os.path.join(out, "initial", "variables"), write_meta_graph=False,
                                write_state=False)
            losses = []
            gradient_sizes = {key(v): 0.0 for _, v in gradients}
            for step in range(steps):
                rows = [(step * batch + j) % count for j in range(batch)]
                value, _, values = session.run([loss, train_op, [g for g, _ in gradients]],
                                               {images: images_value[rows], labels: labels_value[rows]})
                losses.append(value)
                for (_, variable), g in zip(gradients, values):
                    gradient_sizes[key(variable)] = max(gradient_sizes[key(variable)], float(np.max(np.abs(g))))
            with open(os.path.join(out, "gradients.json"), "w") as f:
                json.dump(gradient_sizes, f, indent=0, sort_keys=True)
            saver.save(session, os.path.join(out, "final", "variables"), write_meta_graph=False, write_state=False)
    np.save(os.path.join(out, "losses.npy"), np.array(losses, dtype=np.float32))
    print("%s: losses %s, %d variables saved, %d update ops, %d regularization losses" % (
        os.path.basename(out), ["%.6f" % x for x in losses], len(saved), len(update_ops), len(regularization)))
    return {"update_ops": len(update_ops), "regularization_losses": len(regularization),
            "losses": [float(x) for x in losses]}


REDUCED = dict(batch=4, classes=3, examples=10, image_size=40, steps=4)
CONFIGS = [
    dict(name="momentum_slim_v1", style="slim_v1_small", optimizer="momentum", learning_rate=0.05),
    dict(name="momentum_slim_v3", style="slim_v3_small", optimizer="momentum", learning_rate=0.05),
    dict(name="momentum_keras", style="keras_small", optimizer="momentum", learning_rate=0.05),
    dict(name="sgd_slim_v1", style="slim_v1_small", optimizer="sgd", learning_rate=0.1),
    # Adam divides by sqrt(v) + epsilon: an element whose gradient is rounding noise (a few elements of
    # some batch-norm offsets here) takes a step of arbitrary sign and up to full size at the default 1e-8,
    # in TF as in any reimplementation. On NASNet, Adam is compared at epsilon 1e-4; tiny_slim (no such
    # elements) uses the default.
    dict(name="adam_slim_v1", style="slim_v1_small", optimizer="adam", learning_rate=0.001, epsilon=1e-4),
    dict(name="rmsprop_slim_v1", style="slim_v1_small", optimizer="rmsprop", learning_rate=0.01),
    dict(name="decay_smoothing_slim_v1", style="slim_v1_small", optimizer="momentum", learning_rate=0.05,
         decay_steps=2, decay_rate=0.5, label_smoothing=0.1),
    dict(name="dropout_slim_v1", style="slim_v1_small", optimizer="momentum", learning_rate=0.05,
         dropout_rate=0.2, dropout_seed=5),
    dict(name="head_only_slim_v3", style="slim_v3_small", optimizer="momentum", learning_rate=0.05,
         train_body=False, head_init="glorot", head_seed=3),
    dict(name="momentum_tiny", style="tiny_slim", optimizer="momentum", learning_rate=0.05, image_size=24),
    dict(name="adam_tiny", style="tiny_slim", optimizer="adam", learning_rate=0.01, image_size=24),
]


def module_folder(config):
    if config.get("module"):
        return config["module"]
    if config["style"] == "tiny_slim":
        return os.path.join(HERE, "tiny_slim", "module")
    return os.path.join(HERE, "..", "nasnet", config["style"], "module")


def run_with_spread(config, out):
    """Runs the loop here (oneDNN) and in a second process on Eigen; writes spread.json."""
    result = run(config, module_folder(config), out)
    eigen_out = out + ".eigen"
    env = dict(os.environ, TF_ENABLE_ONEDNN_OPTS="0")
    subprocess.run([sys.executable, os.path.abspath(__file__), "--eigen-config", json.dumps(config),
                    "--out", eigen_out], env=env, check=True)
    spreads = spread(out, eigen_out)
    shutil.rmtree(eigen_out)
    with open(os.path.join(out, "spread.json"), "w") as f:
        json.dump(spreads, f, indent=0, sort_keys=True)
    result["largest_spread"] = max(spreads.values())
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--module", help="one module folder (test-full) instead of the reduced fixtures")
    parser.add_argument("--out", default=HERE)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--only", help="regenerate one configuration of the committed manifest")
    parser.add_argument("--eigen-config", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.eigen_config:
        config = json.loads(args.eigen_config)
        run(config, module_folder(config), args.out)
        return
    manifest = {"versions": {"tensorflow": tf.__version__, "tensorflow_hub": hub.__version__,
                             "numpy": np.__version__}}
    if args.module:
        config = dict(name="momentum_full", optimizer="momentum", learning_rate=0.05, batch=args.batch,
                      classes=5, examples=2 * args.batch + 3, image_size=224, steps=args.steps,
                      module=os.path.abspath(args.module))
        config.update(run_with_spread(config, os.path.join(args.out, config["name"])))
        manifest["configurations"] = [config]
    elif args.only:
        with open(os.path.join(args.out, "manifest.json")) as f:
            manifest = json.load(f)
        base = next(c for c in CONFIGS if c["name"] == args.only)
        config = dict(REDUCED, **base)
        config.update(run_with_spread(config, os.path.join(args.out, config["name"])))
        manifest["configurations"] = [config if c["name"] == args.only else c for c in manifest["configurations"]]
    else:
        make_tiny_module(os.path.join(HERE, "tiny_slim", "module"))
        manifest["configurations"] = []
        for base in CONFIGS:
            config = dict(REDUCED, **base)
            config.update(run_with_spread(config, os.path.join(args.out, config["name"])))
            manifest["configurations"].append(config)
    manifest["command"] = "make_training.py" if args.only else " ".join(["make_training.py"] + sys.argv[1:])
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
