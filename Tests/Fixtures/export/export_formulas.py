"""The deterministic values the Swift export tests (Tests/TrainingTests/ExportFixtures.swift) and the
TensorFlow scripts here both build, bit for bit (float32 throughout, one rounding per operation)."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "nasnet"))
from oracle_hub import formula_inputs, import_hub, versions  # noqa: E402,F401

CLASS_COUNT = 5
IMAGE_SIZE = 40
BATCH = 2
STYLES = ["slim_v1_small", "slim_v3_small"]
FIXTURES = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def unit(count, seed):
    """((i * 2654435761 + seed * 40503 + 12345) mod 2^32 >> 8) / 2^24 * 2 - 1 for i in [0, count)."""
    i = np.arange(count, dtype=np.uint64)
    h = (i * np.uint64(2654435761) + np.uint64(seed * 40503) + np.uint64(12345)) % np.uint64(2**32)
    return (h >> np.uint64(8)).astype(np.float32) / np.float32(16777216) * np.float32(2) - np.float32(1)


def perturbed(values):
    """{key: float32 array} -> every array scaled by 1 + 0.1 * unit(i, j), j the key's sorted index."""
    result = {}
    for j, key in enumerate(sorted(values)):
        value = np.asarray(values[key])
        if value.dtype != np.float32:
            continue
        u = unit(value.size, j).reshape(value.shape)
        result[key] = value * (np.float32(1) + np.float32(0.1) * u)
    return result


def head(features):
    weights = (np.float32(0.1) * unit(features * CLASS_COUNT, 100001)).reshape(features, CLASS_COUNT)
    biases = np.float32(0.5) * unit(CLASS_COUNT, 100002)
    return weights, biases


def images():
    return formula_inputs(BATCH, IMAGE_SIZE, IMAGE_SIZE)
