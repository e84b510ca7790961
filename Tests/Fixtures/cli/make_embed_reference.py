"""TensorFlow's image pipeline on the Pillow-made images of Tests/Fixtures/images, through a reduced
NASNet-A hub module: what `tfhub embed` must reproduce.

Per readable image: `tf.io.decode_image(channels=3)` (16-bit PNGs: `decode_png(dtype=uint16)`),
`tf.image.convert_image_dtype(tf.float32)`, `tf.image.resize(size, "bilinear")` to the module's
expected size, then the module's `image_feature_vector` signature (`default` output), one image at a
time. Writes `embed_reference.npy` ([images, features]) and `embed_reference.files.txt` (one file name
per row, in sorted order); unreadable images are left out, as the CLI skips them.

Versions: tensorflow-cpu 2.21.0, tensorflow-hub 0.15.0 (Tests/Fixtures/oracle-requirements.txt).
Regenerate: .venv-oracle/bin/python Tests/Fixtures/cli/make_embed_reference.py
"""
import os, sys
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "nasnet"))
import oracle_hub  # noqa: E402

tf, hub = oracle_hub.import_hub()
v1 = tf.compat.v1
module_dir = os.path.join(here, "..", "nasnet", "slim_v1_small", "module")
images_dir = os.path.join(here, "..", "images")
names = sorted(n for n in os.listdir(images_dir) if n.lower().endswith((".jpg", ".jpeg", ".png")))

rows, kept = [], []
graph = tf.Graph()
with graph.as_default():
    module = hub.Module(module_dir)
    height, width = hub.get_expected_image_size(module)
    data = v1.placeholder(tf.string, [])
    is16 = v1.placeholder(tf.bool, [])
    decoded = tf.cond(is16,
                      lambda: tf.image.convert_image_dtype(tf.io.decode_png(data, channels=3, dtype=tf.uint16), tf.float32),
                      lambda: tf.image.convert_image_dtype(tf.io.decode_image(data, channels=3, expand_animations=False), tf.float32))
    resized = tf.image.resize(decoded, [height, width], method="bilinear")
    features = module(dict(images=resized[None]), signature="image_feature_vector", as_dict=True)["default"]
    with v1.Session() as session:
        session.run(v1.global_variables_initializer())
        for name in names:
            with open(os.path.join(images_dir, name), "rb") as f:
                raw = f.read()
            try:
                value = session.run(features, {data: raw, is16: name.endswith("16.png")})
            except tf.errors.InvalidArgumentError:
                continue
            rows.append(value[0])
            kept.append(name)
np.save(os.path.join(here, "embed_reference.npy"), np.stack(rows).astype(np.float32))
with open(os.path.join(here, "embed_reference.files.txt"), "w") as f:
    f.write("".join(n + "\n" for n in kept))
print(kept, np.stack(rows).shape)
