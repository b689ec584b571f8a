"""tools/reference/ort_reference.py: argument checks, input validation and output file names.

The development machines have no onnxruntime, so these tests put a small stand-in module named
`onnxruntime` in front of the import (an identity-plus-one model with two outputs); the real
package runs on the GPU machine. Needs numpy (use /usr/bin/python3 on the dev machines).
Run: python3 -m unittest discover -s bench/tests
"""
import io
import os
import sys
import tempfile
import types
import unittest
from contextlib import redirect_stderr, redirect_stdout

try:
    import numpy as np
except ImportError:  # pyenv python without numpy: the tests below are skipped
    np = None

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO_ROOT, "tools", "reference"))
import ort_reference  # noqa: E402


class _Info:
    def __init__(self, name, type_, shape):
        self.name, self.type, self.shape = name, type_, shape


class _FakeSession:
    """Input 'images' float32 [batch, 3]; outputs 'scores/0' = x + 1 and 'count' = int64 [batch]."""

    def __init__(self, path, sess_options=None, providers=None):
        with open(path, "rb") as f:
            if f.read(4) == b"bad!":
                raise RuntimeError("protobuf parsing failed")

    def get_inputs(self):
        return [_Info("images", "tensor(float)", ["batch", 3])]

    def get_outputs(self):
        return [_Info("scores/0", "tensor(float)", ["batch", 3]), _Info("count", "tensor(int64)", ["batch"])]

    def run(self, names, feeds):
        x = feeds["images"]
        return [x + 1, np.full((x.shape[0],), 3, np.int64)]


def _fake_onnxruntime():
    module = types.ModuleType("onnxruntime")
    module.InferenceSession = _FakeSession
    module.SessionOptions = lambda: types.SimpleNamespace(graph_optimization_level=None, intra_op_num_threads=0)
    module.GraphOptimizationLevel = types.SimpleNamespace(
        ORT_DISABLE_ALL=0, ORT_ENABLE_BASIC=1, ORT_ENABLE_EXTENDED=2, ORT_ENABLE_ALL=99)
    return module


class SanitizeTest(unittest.TestCase):
    def test_names_become_file_stems_like_fovea(self):
        self.assertEqual(ort_reference.sanitized_file_stem("output0"), "output0")
        self.assertEqual(ort_reference.sanitized_file_stem("/model/head/Conv_output:0"), "_model_head_Conv_output_0")
        self.assertEqual(ort_reference.sanitized_file_stem("a.b-c_d"), "a.b-c_d")
        self.assertEqual(ort_reference.sanitized_file_stem(""), "_")
        self.assertEqual(ort_reference.sanitized_file_stem("é x"), "__x")

    def test_input_specs(self):
        self.assertEqual(ort_reference.parse_input_specs(["a=x.npy", "b=dir/y=z.npy"]),
                         {"a": "x.npy", "b": "dir/y=z.npy"})
        for bad in (["a"], ["=x.npy"], ["a="], ["a=x.npy", "a=y.npy"]):
            with self.assertRaises(ort_reference.UsageError):
                ort_reference.parse_input_specs(bad)


@unittest.skipIf(np is None, "numpy is not installed in this python")
class RunTest(unittest.TestCase):
    def setUp(self):
        self.saved = sys.modules.get("onnxruntime")
        sys.modules["onnxruntime"] = _fake_onnxruntime()
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.model = os.path.join(self.dir, "m.onnx")
        with open(self.model, "wb") as f:
            f.write(b"onnx")
        self.input = os.path.join(self.dir, "x.npy")
        np.save(self.input, np.arange(6, dtype=np.float32).reshape(2, 3))

    def tearDown(self):
        if self.saved is None:
            del sys.modules["onnxruntime"]
        else:
            sys.modules["onnxruntime"] = self.saved
        self.tmp.cleanup()

    def run_tool(self, *args):
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = ort_reference.main(list(args))
        return code, out.getvalue(), err.getvalue()

    def test_writes_one_npy_per_output_with_sanitized_names(self):
        out_dir = os.path.join(self.dir, "out")
        code, stdout, _ = self.run_tool(self.model, "--input", f"images={self.input}", "--output-dir", out_dir)
        self.assertEqual(code, 0)
        self.assertEqual(sorted(os.listdir(out_dir)), ["count.npy", "scores_0.npy"])
        np.testing.assert_array_equal(np.load(os.path.join(out_dir, "scores_0.npy")),
                                      np.arange(6, dtype=np.float32).reshape(2, 3) + 1)
        self.assertEqual(np.load(os.path.join(out_dir, "count.npy")).dtype, np.int64)
        self.assertIn("output scores/0 [2, 3] float32", stdout)

    def expect_usage_error(self, message, *args):
        code, _, err = self.run_tool(self.model, *args, "--output-dir", os.path.join(self.dir, "out"))
        self.assertEqual(code, ort_reference.USAGE_ERROR, err)
        self.assertIn(message, err)

    def test_missing_and_unknown_inputs_are_named(self):
        self.expect_usage_error("model input 'images' has no --input")
        self.expect_usage_error("input 'other' is not an input of the model",
                                "--input", f"images={self.input}", "--input", f"other={self.input}")

    def test_bad_files_dtypes_and_shapes_are_named(self):
        self.expect_usage_error("cannot read", "--input", f"images={self.model}")
        self.expect_usage_error("cannot read", "--input", "images=/nonexistent.npy")
        wrong_type = os.path.join(self.dir, "f64.npy")
        np.save(wrong_type, np.zeros((2, 3)))
        self.expect_usage_error("holds float64, the model wants float32", "--input", f"images={wrong_type}")
        wrong_rank = os.path.join(self.dir, "rank.npy")
        np.save(wrong_rank, np.zeros((6,), np.float32))
        self.expect_usage_error("the model wants rank 2", "--input", f"images={wrong_rank}")
        wrong_dim = os.path.join(self.dir, "dim.npy")
        np.save(wrong_dim, np.zeros((2, 4), np.float32))
        self.expect_usage_error("has 4 on axis 1, the model wants 3", "--input", f"images={wrong_dim}")

    def test_missing_model_and_unloadable_model(self):
        code, _, err = self.run_tool(os.path.join(self.dir, "none.onnx"), "--output-dir", self.dir)
        self.assertEqual(code, ort_reference.USAGE_ERROR)
        self.assertIn("is not a file", err)
        with open(self.model, "wb") as f:
            f.write(b"bad!")
        code, _, err = self.run_tool(self.model, "--input", f"images={self.input}", "--output-dir", self.dir)
        self.assertEqual(code, ort_reference.RUNTIME_ERROR)
        self.assertIn("cannot load", err)


if __name__ == "__main__":
    unittest.main()
