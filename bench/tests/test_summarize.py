"""bench/summarize.py on fabricated gpu-all work folders (made in a temp dir, never committed).

Run: python3 -m unittest discover -s bench/tests
"""
import io
import json
import os
import sys
import tempfile
import unittest
from contextlib import redirect_stderr, redirect_stdout

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import summarize  # noqa: E402

GTEST_OK = """[==========] Running 412 tests from 61 test suites.
[==========] 412 tests from 61 test suites ran. (5123 ms total)
[  PASSED  ] 412 tests.
"""
GTEST_FAILED = """[ RUN      ] CudaConv.Fp16
[  FAILED  ] CudaConv.Fp16 (3 ms)
[==========] 40 tests from 9 test suites ran. (812 ms total)
[  PASSED  ] 38 tests.
[  SKIPPED ] 1 test, listed below:
[  FAILED  ] 1 test, listed below:
[  FAILED  ] CudaConv.Fp16
"""
CONFORMANCE = """suite              test                                                    result      detail
node               test_abs                                                passed

suite               passed  failed unsupported  excluded
node                   700       0         200         5
pytorch-converted      148       0          19         0
TOTAL                  848       0         219         5
"""
CONFORMANCE_GPU_FAILED = CONFORMANCE.replace("TOTAL                  848       0", "TOTAL                  840       8")


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def write_json(path, data):
    write(path, json.dumps(data))


def bench_json(model, precision, batch, median):
    return {"model": model, "precision": precision, "batch": batch, "median_ms": median, "p90_ms": median * 1.1,
            "p99_ms": median * 1.2, "max_ms": median * 2, "mean_ms": median * 1.05,
            "throughput_ips": batch * 1000 / (median * 1.05), "gpu_memory_bytes": 1 << 28, "cuda_graph": True}


def build_json(model, precision, seconds, tactics, hits):
    return {"model": model, "precision": precision, "build_seconds": seconds, "layers": 57, "tactics_timed": tactics,
            "timing_cache_hits": hits, "peak_activation_bytes": 12 << 20, "naive_activation_bytes": 80 << 20,
            "weights_bytes": 50 << 20}


def make_full_run(root):
    """A run where resnet50 has everything, yolov8n's FP16 validate and FP32 warm build failed."""
    steps = [("build", "0", "95.1"), ("unit", "0", "12.0"), ("conformance-cpu", "0", "40.2"),
             ("conformance-gpu", "1", "45.0"), ("gpu-tests", "1", "3.1")]
    for model in ("resnet50", "yolov8n"):
        for p in ("fp32", "fp16"):
            steps += [(f"build-{model}-{p}-cold", "0", "20"), (f"build-{model}-{p}-warm", "0", "2"),
                      (f"validate-{model}-{p}", "0", "5")]
            steps += [(f"bench-{model}-{p}-b{b}", "0", "3") for b in (1, 32)]
            write_json(f"{root}/json/build_{model}_{p}_cold.json", build_json(model, p, 20.5, 300, 0))
            if not (model == "yolov8n" and p == "fp32"):
                write_json(f"{root}/json/build_{model}_{p}_warm.json", build_json(model, p, 1.5, 0, 300))
            for b, median in ((1, 1.0), (32, 8.0)):
                write_json(f"{root}/json/bench_{model}_{p}_b{b}.json", bench_json(model, p, b, median))
            if not (model == "yolov8n" and p == "fp16"):
                write_json(f"{root}/json/validate_{model}_{p}.json", {
                    "model": model, "precision": p, "reference": "cpu", "pass": True,
                    "outputs": [{"name": "output", "max_abs": 1e-3, "max_rel": 2e-3, "cosine": 0.99999, "pass": True}]})
    steps = [s if s[0] != "validate-yolov8n-fp16" else ("validate-yolov8n-fp16", "3", "4") for s in steps]
    steps = [s if s[0] != "build-yolov8n-fp32-warm" else ("build-yolov8n-fp32-warm", "1", "4") for s in steps]
    steps.append(("peers-resnet50", "0", "200"))
    write(f"{root}/steps.tsv", "".join("\t".join(s) + "\n" for s in steps))
    write(f"{root}/gpu.txt", "NVIDIA H100 80GB HBM3, 580.159.04, 81559 MiB\n")
    write(f"{root}/logs/unit.log", GTEST_OK)
    write(f"{root}/logs/conformance-cpu.log", CONFORMANCE)
    write(f"{root}/logs/conformance-gpu.log", CONFORMANCE_GPU_FAILED)
    write(f"{root}/logs/gpu-tests.log", GTEST_FAILED)
    write(f"{root}/logs/validate-yolov8n-fp16.log", "loading plan\nerror: output 'output0': NaN at index 17\n")
    write(f"{root}/logs/build-yolov8n-fp32-warm.log", "error: timing cache 'x' is corrupt\n")
    write_json(f"{root}/json/peers_resnet50.json", [
        {"model": "resnet50", "batch": 1, "peer": "eager", "median_ms": 2.0, "p90_ms": 2.1, "p99_ms": 2.5,
         "max_ms": 3.0, "throughput_ips": 490.0, "gpu": "NVIDIA H100 80GB HBM3"},
        {"model": "resnet50", "batch": 1, "peer": "compile", "median_ms": 0.5, "p90_ms": 0.6, "p99_ms": 0.7,
         "max_ms": 1.0, "throughput_ips": 1900.0},
        {"model": "resnet50", "batch": 32, "peer": "eager", "median_ms": 16.0, "p90_ms": 17, "p99_ms": 18,
         "max_ms": 19, "throughput_ips": 2000.0},
        {"model": "resnet50", "batch": 32, "peer": "compile", "error": "BackendCompilerFailed: | boom"},
    ])


class ParserTest(unittest.TestCase):
    def test_gtest_counts(self):
        self.assertEqual(summarize.gtest_counts(GTEST_OK), {"passed": 412, "failed": 0})
        self.assertEqual(summarize.gtest_counts(GTEST_FAILED), {"passed": 38, "failed": 1, "skipped": 1})
        self.assertIsNone(summarize.gtest_counts("Segmentation fault\n"))
        self.assertIsNone(summarize.gtest_counts(None))

    def test_conformance_counts_reads_total_row(self):
        self.assertEqual(summarize.conformance_counts(CONFORMANCE),
                         {"passed": 848, "failed": 0, "unsupported": 219, "excluded": 5})
        self.assertEqual(summarize.conformance_counts(CONFORMANCE_GPU_FAILED)["failed"], 8)

    def test_conformance_counts_falls_back_to_a_summary_line(self):
        self.assertEqual(summarize.conformance_counts("done: 12 passed, 1 failed, 3 unsupported\n"),
                         {"passed": 12, "failed": 1, "unsupported": 3})
        self.assertIsNone(summarize.conformance_counts("error: no suite folder\n"))


class SummaryTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def test_full_run(self):
        make_full_run(self.root)
        s = summarize.summarize([self.root])
        self.assertEqual(s["gpu"], "NVIDIA H100 80GB HBM3, 580.159.04, 81559 MiB")
        self.assertEqual(s["models"], ["resnet50", "yolov8n"])
        tests = {t["step"]: t for t in s["tests"]}
        self.assertEqual(tests["unit"]["status"], "ok")
        self.assertEqual(tests["conformance-cpu"]["status"], "ok")
        self.assertEqual(tests["conformance-gpu"]["status"], "FAILED")
        self.assertEqual(tests["gpu-tests"]["counts"]["failed"], 1)
        self.assertIn("validate-yolov8n-fp16", s["failed_steps"])

        missing = [v for v in s["validate"] if v["model"] == "yolov8n" and v["precision"] == "fp16"][0]
        self.assertIsNone(missing["pass"])
        self.assertIn("exit 3", missing["note"])
        self.assertIn("NaN at index 17", missing["note"])

        build = [b for b in s["builds"] if b["model"] == "yolov8n" and b["precision"] == "fp32"][0]
        self.assertIsNone(build["warm"])
        self.assertIn("timing cache 'x' is corrupt", build["note"])

        rows = {(r["model"], r["batch"]): r for r in s["bench"]}
        self.assertAlmostEqual(rows[("resnet50", 1)]["ratio_eager"], 0.5)
        self.assertAlmostEqual(rows[("resnet50", 1)]["ratio_compile"], 2.0)
        self.assertAlmostEqual(rows[("resnet50", 32)]["ratio_eager"], 0.5)
        self.assertNotIn("ratio_compile", rows[("resnet50", 32)])
        self.assertIsNone(rows[("yolov8n", 1)]["eager"])

        md = summarize.render_markdown(s)
        self.assertIn("| resnet50 | 1 | 1.000 | 1.200 |", md)
        self.assertIn("| 2.000 / 2.500 | 0.50 | 0.500 / 0.700 | 2.00 |", md)
        self.assertIn("FAILED", md)
        self.assertIn("BackendCompilerFailed: \\| boom", md)  # table cell separators escaped
        self.assertIn("| yolov8n | 1 | 1.000 | 1.200 | 952 | 1.000 | not run | — | not run | — |", md)
        self.assertIn("| CPU conformance | ok | 848 passed, 0 failed, 219 unsupported, 5 excluded | 0 | 40.2 |", md)
        self.assertIn("| resnet50 | fp16 | 20.50 | 1.50 | 57 | 300 / 0 | 300 | 50.0 | 12.0 / 80.0 |  |", md)

    def test_empty_folder_says_not_run(self):
        s = summarize.summarize([self.root])
        self.assertEqual([t["status"] for t in s["tests"]], ["not run"] * 4)
        md = summarize.render_markdown(s)
        self.assertIn("Steps: 0 ok, 0 failed.", md)
        self.assertIn("not run", md)
        self.assertIn("unknown", s["gpu"])

    def test_missing_gpu_test_binary(self):
        write(f"{self.root}/steps.tsv", "gpu-tests\tmissing\t0\n")
        write(f"{self.root}/logs/gpu-tests.log", "gpu-tests: build-device/tests/fovea_gpu_tests does not exist\n")
        tests = {t["step"]: t for t in summarize.summarize([self.root])["tests"]}
        self.assertEqual(tests["gpu-tests"]["status"], "not built")
        self.assertEqual(summarize.summarize([self.root])["failed_steps"], [])

    def test_unreadable_json_is_reported_not_raised(self):
        write(f"{self.root}/steps.tsv", "bench-resnet50-fp16-b1\t0\t1.0\n")
        write(f"{self.root}/json/bench_resnet50_fp16_b1.json", "{truncated")
        s = summarize.summarize([self.root])
        self.assertIn("unreadable", s["bench"][0]["fovea_fp16_note"])
        summarize.render_markdown(s)

    def test_failed_peer_step_is_explained(self):
        write(f"{self.root}/steps.tsv", "bench-yolov8n-fp16-b1\t0\t2\npeers-yolov8n\t124\t480\n")
        write_json(f"{self.root}/json/bench_yolov8n_fp16_b1.json", bench_json("yolov8n", "fp16", 1, 4.0))
        write(f"{self.root}/logs/peers-yolov8n.log", "yolov8n batch=1 compile: running\n")
        md = summarize.render_markdown(summarize.summarize([self.root]))
        self.assertIn("| missing | — | missing | — |", md)
        self.assertIn("- yolov8n batch 1 compile: no row: step peers-yolov8n exit 124: yolov8n batch=1 compile: running", md)

    def test_later_folder_takes_precedence(self):
        first, second = os.path.join(self.root, "a"), os.path.join(self.root, "b")
        write(f"{first}/steps.tsv", "unit\t1\t3\nbench-yolov8n-fp16-b1\t0\t2\n")
        write(f"{first}/logs/unit.log", GTEST_FAILED)
        write_json(f"{first}/json/bench_yolov8n_fp16_b1.json", bench_json("yolov8n", "fp16", 1, 4.0))
        write(f"{second}/steps.tsv", "unit\t0\t3\n")
        write(f"{second}/logs/unit.log", GTEST_OK)
        s = summarize.summarize([first, second])
        self.assertEqual(s["tests"][0]["status"], "ok")
        self.assertEqual(s["bench"][0]["fovea_fp16"]["median_ms"], 4.0)

    def test_main_writes_markdown_and_json(self):
        make_full_run(self.root)
        md_path, json_path = os.path.join(self.root, "s.md"), os.path.join(self.root, "s.json")
        with redirect_stdout(io.StringIO()) as stdout:
            self.assertEqual(summarize.main([self.root, "--markdown", md_path, "--json", json_path]), 0)
        with open(md_path) as f:
            self.assertEqual(f.read().strip(), stdout.getvalue().strip())
        with open(json_path) as f:
            self.assertEqual(json.load(f)["models"], ["resnet50", "yolov8n"])

    def test_main_rejects_a_missing_folder(self):
        with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()) as stderr:
            self.assertEqual(summarize.main([os.path.join(self.root, "nope")]), 2)
        self.assertIn("is not a folder", stderr.getvalue())


if __name__ == "__main__":
    unittest.main()
