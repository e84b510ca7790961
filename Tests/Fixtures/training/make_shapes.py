#!/usr/bin/env python3
"""A learnable synthetic image-classification set in make_image_classifier's layout, for `tfhub finetune`.

Usage: make_shapes.py OUT_DIR [--per-class 60] [--size 48] [--seed 7] [--jpeg-broken]

Writes OUT_DIR/<class>/<class>_NNN.png: four classes, each a shape of its own colour family drawn at a
random position and size on a noisy background of random grey level:
  red_disc, green_square, blue_triangle, yellow_bar (hue, brightness, position and size jittered).
PNG files are written with the standard library only (zlib + struct), so the test needs no imaging
package. With --jpeg-broken it also writes a file with a JPEG signature and garbage after it, which a
reader must skip and count.

Versions: CPython 3.11 standard library only.
"""
import argparse
import os
import random
import struct
import zlib

CLASSES = ["blue_triangle", "green_square", "red_disc", "yellow_bar"]
COLOURS = {"red_disc": (210, 40, 40), "green_square": (40, 180, 60), "blue_triangle": (50, 70, 220),
           "yellow_bar": (220, 200, 40)}


def png(path, width, height, pixels):
    """pixels: rows of (r, g, b) tuples."""
    raw = b"".join(b"\x00" + bytes(c for p in row for c in p) for row in pixels)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))


def inside(shape, x, y, cx, cy, r):
    if shape == "red_disc":
        return (x - cx) ** 2 + (y - cy) ** 2 <= r * r
    if shape == "green_square":
        return abs(x - cx) <= r * 0.8 and abs(y - cy) <= r * 0.8
    if shape == "blue_triangle":
        return cy - r <= y <= cy + r and abs(x - cx) <= (y - (cy - r)) / 2
    return abs(x - cx) <= r and abs(y - cy) <= r * 0.3  # yellow_bar


def image(shape, size, rng):
    grey = rng.randint(60, 190)
    base = COLOURS[shape]
    colour = tuple(max(0, min(255, c + rng.randint(-30, 30))) for c in base)
    r = rng.uniform(size * 0.18, size * 0.32)
    cx, cy = rng.uniform(r, size - r), rng.uniform(r, size - r)
    rows = []
    for y in range(size):
        row = []
        for x in range(size):
            if inside(shape, x + 0.5, y + 0.5, cx, cy, r):
                row.append(colour)
            else:
                n = rng.randint(-25, 25)
                row.append((max(0, min(255, grey + n)),) * 3)
        rows.append(row)
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out")
    p.add_argument("--per-class", type=int, default=60)
    p.add_argument("--size", type=int, default=48)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--jpeg-broken", action="store_true")
    args = p.parse_args()
    rng = random.Random(args.seed)
    for shape in CLASSES:
        folder = os.path.join(args.out, shape)
        os.makedirs(folder, exist_ok=True)
        for n in range(args.per_class):
            png(os.path.join(folder, "%s_%03d.png" % (shape, n)), args.size, args.size, image(shape, args.size, rng))
    if args.jpeg_broken:
        with open(os.path.join(args.out, CLASSES[0], "broken.jpg"), "wb") as f:
            f.write(b"\xff\xd8\xff\xe0" + bytes(rng.randrange(256) for _ in range(200)))


if __name__ == "__main__":
    main()
