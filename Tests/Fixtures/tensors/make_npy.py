"""Writes .npy files with NumPy (the format's reference implementation) and a JSON of their values.

Generated with numpy 2.4.6 (CPython 3.11). Regenerate: python3 Tests/Fixtures/tensors/make_npy.py
"""
import json, os
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
cases = {
    "f32_2x3": np.array([[1.5, -2.0, 3.25], [0.0, 1e-7, -1e30]], dtype=np.float32),
    "f64_vec": np.array([1.0, -0.5, 2.0 ** -40], dtype=np.float64),
    "i32_scalar": np.array(-7, dtype=np.int32),
    "i64_2x2": np.array([[2**40, -1], [0, 5]], dtype=np.int64),
    "u8_4": np.array([0, 1, 254, 255], dtype=np.uint8),
    "bool_3": np.array([True, False, True]),
    "f32_empty": np.zeros((0, 3), dtype=np.float32),
    "i16_1x1x2": np.array([[[-32768, 32767]]], dtype=np.int16),
}
manifest = {}
for name, arr in cases.items():
    np.save(os.path.join(here, name + ".npy"), arr)
    manifest[name] = {"dtype": str(arr.dtype), "shape": list(arr.shape),
                      "values": [float(v) if arr.dtype.kind == "f" else int(v) for v in arr.reshape(-1)]}
with open(os.path.join(here, "npy_manifest.json"), "w") as f:
    json.dump(manifest, f, indent=1)
