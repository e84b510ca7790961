"""Sample images made with Pillow and what TensorFlow makes of them.

For each image: TF's `decode_image(channels=3)` (16-bit PNGs: `decode_png(dtype=uint16)`) +
`convert_image_dtype(float32)` -> `<name>.decoded.npy`, and `tf.image.resize(.., [13, 17], "bilinear")`
of that -> `<name>.resized.npy`. Corrupt/truncated files are listed in the manifest as expected failures.

Versions: TensorFlow 2.21.0 (tensorflow-cpu), Pillow and numpy as in Tests/Fixtures/oracle-requirements.txt.
Regenerate: .venv-oracle/bin/python Tests/Fixtures/images/make_images.py
"""
import io, json, os
import numpy as np
from PIL import Image
import tensorflow as tf

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(7)

def smooth(h, w, c):
    y, x = np.mgrid[0:h, 0:w]
    planes = [127 + 120 * np.sin(x / (5 + k) + y / (7 + 2 * k) + k) for k in range(c)]
    noise = rng.integers(-6, 7, size=(h, w, c))
    return np.clip(np.stack(planes, -1) + noise, 0, 255).astype(np.uint8)

files = {}
def save(name, img, **kw):
    buf = io.BytesIO(); img.save(buf, **kw); files[name] = buf.getvalue()

save("rgb.jpg", Image.fromarray(smooth(40, 56, 3)), format="JPEG", quality=90)
save("rgb_420_progressive.jpg", Image.fromarray(smooth(33, 29, 3)), format="JPEG", quality=75, progressive=True)
save("gray.jpg", Image.fromarray(smooth(24, 31, 1)[:, :, 0], mode="L"), format="JPEG", quality=85)
save("rgb.png", Image.fromarray(smooth(21, 18, 3)), format="PNG")
save("gray.png", Image.fromarray(smooth(15, 20, 1)[:, :, 0], mode="L"), format="PNG")
rgba = np.concatenate([smooth(19, 23, 3), rng.integers(0, 256, size=(19, 23, 1), dtype=np.uint8)], -1)
save("rgba.png", Image.fromarray(rgba, mode="RGBA"), format="PNG")
save("palette.png", Image.fromarray(smooth(16, 16, 3)).convert("P", palette=Image.ADAPTIVE, colors=32), format="PNG")
g16 = (smooth(14, 11, 1)[:, :, 0].astype(np.uint16) * 257 + rng.integers(0, 200, size=(14, 11))).astype(np.uint16)
save("gray16.png", Image.fromarray(g16.astype("<u2")), format="PNG")
corrupt = bytearray(files["rgb.jpg"]); corrupt[200:260] = b"\xff" * 60
files["corrupt.jpg"] = bytes(corrupt)
files["truncated.jpg"] = files["rgb.jpg"][: len(files["rgb.jpg"]) // 3]
files["truncated.png"] = files["rgb.png"][: len(files["rgb.png"]) // 2]
files["not_an_image.png"] = b"this is text, not a picture\n"

manifest = {}
for name, data in files.items():
    with open(os.path.join(here, name), "wb") as f:
        f.write(data)
    entry = {"file": name}
    try:
        if name.endswith("16.png"):
            img = tf.io.decode_png(data, channels=3, dtype=tf.uint16)
        else:
            img = tf.io.decode_image(data, channels=3, expand_animations=False)
        img = tf.image.convert_image_dtype(img, tf.float32)
        resized = tf.image.resize(img, [13, 17], method="bilinear")
        base = name.replace(".", "_")
        np.save(os.path.join(here, base + ".decoded.npy"), img.numpy())
        np.save(os.path.join(here, base + ".resized.npy"), resized.numpy())
        entry.update(ok=True, decoded=base + ".decoded.npy", resized=base + ".resized.npy")
    except Exception as e:  # TF refuses it: we must refuse it too
        entry.update(ok=False, tf_error=type(e).__name__)
    manifest[name] = entry
with open(os.path.join(here, "manifest.json"), "w") as f:
    json.dump({"tensorflow": tf.__version__, "images": manifest}, f, indent=1)
print(json.dumps(manifest, indent=1))
