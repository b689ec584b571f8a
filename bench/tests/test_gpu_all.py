"""scripts/device/gpu-all's wiring, run here with a stand-in fovea CLI (no GPU needed).

The stand-in records its arguments and writes the JSON that the real commands write, so the
test checks the flags each step passes, the file names summarize.py reads, the timing cache
being fresh for the cold build and reused for the warm one, and what lands in $OUT.
Run: python3 -m unittest discover -s bench/tests
"""
import json
import os
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile
import unittest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(REPO_ROOT, "scripts", "device", "gpu-all")

FAKE_FOVEA = r'''#!PYTHON
import json, os, sys
args = sys.argv[1:]
with open(os.environ["FAKE_FOVEA_LOG"], "a") as f:
    f.write(json.dumps(args) + "\n")
def opt(name):
    return args[args.index(name) + 1]
command = args[0]
if command == "build":
    cache = opt("--timingCacheFile")
    warm = os.path.exists(cache)
    open(cache, "w").write("{}")
    open(opt("-o"), "w").write("plan")
    data = {"model": args[1], "precision": "fp16" if "--fp16" in args else "fp32",
            "build_seconds": 0.5 if warm else 9.0, "layers": 10, "tactics_timed": 0 if warm else 40,
            "timing_cache_hits": 40 if warm else 0, "peak_activation_bytes": 1 << 20,
            "naive_activation_bytes": 4 << 20, "weights_bytes": 2 << 20}
elif command == "validate":
    if "yolov8n" in args[1] and "fp16" in opt("--plan"):
        sys.exit("error: output 'output0' differs")
    data = {"model": args[1], "precision": "fp32", "reference": opt("--reference"), "pass": True,
            "outputs": [{"name": "output", "max_abs": 1e-4, "max_rel": 1e-3, "cosine": 0.9999, "pass": True}]}
elif command == "bench":
    batch = int(opt("--batch"))
    data = {"model": args[1], "precision": "fp16", "batch": batch, "median_ms": 1.0 * batch, "p90_ms": 1.1,
            "p99_ms": 1.2, "max_ms": 2.0, "mean_ms": 1.0 * batch, "throughput_ips": 1000.0,
            "gpu_memory_bytes": 1, "cuda_graph": "--useCudaGraph" in args}
elif command == "devices":
    print("no CUDA device (stand-in)")
    sys.exit(0)
else:
    sys.exit("unknown command " + command)
if "--json" in args:  # profile runs (--dumpProfile) print instead
    json.dump(data, open(opt("--json"), "w"))
'''


@unittest.skipIf(shutil.which("bash") is None, "needs bash")
class GpuAllTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.fake = os.path.join(self.dir, "fovea")
        with open(self.fake, "w") as f:
            f.write(FAKE_FOVEA.replace("PYTHON", sys.executable))
        os.chmod(self.fake, os.stat(self.fake).st_mode | stat.S_IEXEC)
        self.calls = os.path.join(self.dir, "calls.jsonl")

    def tearDown(self):
        self.tmp.cleanup()

    def test_syntax(self):
        subprocess.run(["bash", "-n", SCRIPT], check=True)
        if shutil.which("shellcheck"):
            result = subprocess.run(["shellcheck", SCRIPT], capture_output=True, text=True)
            self.assertEqual(result.returncode, 0, result.stdout)

    def test_cudnn_root_links_a_wheel_without_unversioned_library(self):
        """PyTorch's cuDNN wheel layout: nvidia/cudnn/{include,lib}, lib/ holding only *.so.9."""
        wheel = os.path.join(self.dir, "site", "nvidia", "cudnn")
        for rel in ("__init__.py", "lib/libcudnn.so.9", "lib/libcudnn_ops.so.9"):
            os.makedirs(os.path.dirname(os.path.join(wheel, rel)), exist_ok=True)
            open(os.path.join(wheel, rel), "w").close()
        os.makedirs(os.path.join(wheel, "include"))
        with open(os.path.join(wheel, "include", "cudnn.h"), "w") as f:
            f.write("#define CUDNN_MAJOR 9\n")
        with open(SCRIPT) as f:
            text = f.read()
        function = text[text.index("cudnn_root() {"):text.index("\n}\n", text.index("cudnn_root() {")) + 3]
        env = dict(os.environ, PYTHONPATH=os.path.join(self.dir, "site"), work=self.dir,
                   PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
        result = subprocess.run(["bash", "-c", function + "cudnn_root"], env=env, capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stderr)
        root = result.stdout.strip()
        self.assertEqual(os.path.realpath(os.path.join(root, "include")), os.path.realpath(os.path.join(wheel, "include")))
        self.assertEqual(os.path.realpath(os.path.join(root, "lib", "libcudnn.so")),
                         os.path.realpath(os.path.join(wheel, "lib", "libcudnn.so.9")))
        self.assertTrue(os.path.islink(os.path.join(root, "lib", "libcudnn_ops.so.9")))

    def test_fovea_steps_with_a_stand_in_cli(self):
        out, work = os.path.join(self.dir, "out"), os.path.join(self.dir, "work")
        bin_dir = os.path.dirname(sys.executable)
        env = dict(os.environ, OUT=out, GPU_ALL_WORK=work, GPU_ALL_FOVEA=self.fake, FAKE_FOVEA_LOG=self.calls,
                   GPU_ALL_SKIP_BUILD="1", GPU_ALL_SKIP_TESTS="1", GPU_ALL_SKIP_EXPORT="1", GPU_ALL_SKIP_PEERS="1",
                   GPU_ALL_SKIP_VISION="1", GPU_ALL_SKIP_LOAD="1", GPU_ALL_MODELS="resnet50 yolov8n",
                   GPU_ALL_ITERATIONS="7",
                   PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""))  # summarize.py runs with python3
        for model in ("resnet50", "yolov8n"):  # as if exported earlier (else gpu-all exports them first)
            for ext in (".onnx", ".pt"):
                os.makedirs(os.path.join(work, "models"), exist_ok=True)
                open(os.path.join(work, "models", model + ext), "w").close()
        result = subprocess.run(["bash", SCRIPT], env=env, capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertNotIn("exporting despite", result.stdout)
        self.assertIn("validate-yolov8n-fp16", result.stdout)

        with open(self.calls) as f:
            calls = [json.loads(line) for line in f]
        builds = [c for c in calls if c[0] == "build"]
        # 2 models x 2 precisions x (cold, warm, and a plan tuned for batch 32)
        self.assertEqual(len(builds), 12)
        for c in builds:
            tuned32 = ".opt32." in c[c.index("-o") + 1]
            self.assertEqual(c[c.index("--batch") + 1], "1:32:32" if tuned32 else "1:1:32")
            self.assertEqual("--fp16" in c, ".fp16." in c[c.index("-o") + 1])
        benches = [c for c in calls if c[0] == "bench" and "--dumpProfile" not in c]
        profiles = [c for c in calls if c[0] == "bench" and "--dumpProfile" in c]
        self.assertEqual(len(profiles), 4)  # fp16 only: 2 models x 2 batches
        self.assertEqual(sorted(c[c.index("--batch") + 1] for c in benches), ["1"] * 4 + ["32"] * 4)
        for c in benches:
            self.assertIn("--useCudaGraph", c)
            self.assertEqual(c[c.index("--iterations") + 1], "7")
        validates = [c for c in calls if c[0] == "validate"]
        self.assertTrue(all(c[c.index("--reference") + 1] == "cpu" for c in validates))

        self.assertEqual(sorted(os.listdir(out)), ["gpu-all-results.tar.gz", "steps.tsv", "summary.json", "summary.md"])
        with open(os.path.join(out, "summary.json")) as f:
            summary = json.load(f)
        builds = {(b["model"], b["precision"]): b for b in summary["builds"]}
        cold, warm = builds[("resnet50", "fp16")]["cold"], builds[("resnet50", "fp16")]["warm"]
        self.assertEqual((cold["tactics_timed"], warm["timing_cache_hits"]), (40, 40))  # fresh cache, then reused
        self.assertEqual(summary["failed_steps"], ["validate-yolov8n-fp16"])
        failed = [v for v in summary["validate"] if v["model"] == "yolov8n" and v["precision"] == "fp16"][0]
        self.assertIn("output 'output0' differs", failed["note"])
        with tarfile.open(os.path.join(out, "gpu-all-results.tar.gz")) as tar:
            names = tar.getnames()
        self.assertIn("json/bench_yolov8n_fp16_b32.json", names)
        self.assertIn("logs/validate-yolov8n-fp16.log", names)

        # A second run (e.g. a later command) replaces its steps' entries instead of adding rows.
        subprocess.run(["bash", SCRIPT], env=env, capture_output=True, text=True, timeout=120, check=True)
        with open(os.path.join(out, "summary.json")) as f:
            summary = json.load(f)
        self.assertEqual(len(summary["bench"]), 4)
        self.assertEqual(summary["failed_steps"], ["validate-yolov8n-fp16"])


if __name__ == "__main__":
    unittest.main()
