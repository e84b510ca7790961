#!/usr/bin/env python3
"""Writes N photographic 640x480 JPEGs for the `tfhub embed` benchmark (scripts/bench-embed).

Usage: make_embed_images.py OUT_DIR [--count 128] [--width 640] [--height 480] [--quality 90]

Each image is a random crop of one of Modules/sample-images (scikit-image's sample photographs),
resized bilinearly to WIDTH x HEIGHT, randomly mirrored, with Gaussian noise of sigma 3/255 added
(the samples are small, and upscaled photographs without noise compress and decode unlike camera
images), encoded as baseline JPEG (4:2:0, QUALITY). Seeded, so every run writes the same files.
Needs TensorFlow (the oracle venv: .venv-oracle/bin/python; tensorflow-cpu 2.21.0, numpy 2.4.6).
"""
import argparse
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out_dir")
    p.add_argument("--count", type=int, default=128)
    p.add_argument("--width", type=int, default=640)
    p.add_argument("--height", type=int, default=480)
    p.add_argument("--quality", type=int, default=90)
    args = p.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import numpy as np
    import tensorflow as tf

    folder = os.path.join(ROOT, "Modules", "sample-images")
    sources = []
    for name in sorted(os.listdir(folder)):
        if name.endswith((".jpg", ".png")):
            data = tf.io.read_file(os.path.join(folder, name))
            sources.append(tf.image.convert_image_dtype(tf.io.decode_image(data, channels=3), tf.float32).numpy())
    rng = np.random.default_rng(2026)
    os.makedirs(args.out_dir, exist_ok=True)
    total = 0
    for i in range(args.count):
        image = sources[i % len(sources)]
        h, w, _ = image.shape
        # A crop with the output's aspect ratio, 60-100 % of the largest that fits.
        aspect = args.width / args.height
        ch = min(h, int(w / aspect))
        scale = rng.uniform(0.6, 1.0)
        ch = max(8, int(ch * scale))
        cw = min(w, int(ch * aspect))
        y = int(rng.integers(0, h - ch + 1))
        x = int(rng.integers(0, w - cw + 1))
        crop = image[y:y + ch, x:x + cw]
        out = tf.image.resize(crop, [args.height, args.width], method="bilinear").numpy()
        if rng.random() < 0.5:
            out = out[:, ::-1]
        out = np.clip(out + rng.normal(0, 3 / 255, out.shape), 0, 1)
        pixels = tf.convert_to_tensor(np.round(out * 255).astype(np.uint8))
        jpeg = tf.io.encode_jpeg(pixels, quality=args.quality, chroma_downsampling=True).numpy()
        with open(os.path.join(args.out_dir, "img%04d.jpg" % i), "wb") as f:
            f.write(jpeg)
        total += len(jpeg)
    print("wrote %d JPEGs of %dx%d to %s (%.0f KB each on average)" % (
        args.count, args.width, args.height, args.out_dir, total / args.count / 1024), file=sys.stderr)


if __name__ == "__main__":
    main()
