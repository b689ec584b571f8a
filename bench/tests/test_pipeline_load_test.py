"""bench/pipeline_load_test.py against a stand-in `fovea run` (no GPU): the pipeline YAML it writes,
how it reads the run's JSON summary, the "held" rule, the soak with memory samples, and
bench/summarize.py's table of the result.

Run: python3 -m unittest discover -s bench/tests
"""
import io
import json
import os
import re
import stat
import sys
import tempfile
import unittest
from contextlib import redirect_stdout

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import pipeline_load_test  # noqa: E402
import summarize  # noqa: E402

# A stand-in for `fovea run CONFIG --duration S --no-progress`: reads `streams` and `summary_path`
# from the YAML, stays alive for S seconds (so memory can be sampled) and writes a summary whose
# p99 grows with the camera count (past 33 ms above 200 cameras); 300+ cameras also drop frames.
FAKE_FOVEA = r'''#!/usr/bin/env python3
import json, re, sys, time
args = sys.argv[1:]
assert args[0] == "run" and "--no-progress" in args, args
text = open(args[1]).read()
streams = int(re.search(r"streams: (\d+)", text).group(1))
summary = re.search(r"summary_path: (\S+)", text).group(1)
assert "device: gpu" in text and "precision: fp16" in text and "policy: keep_latest" in text
duration = float(args[args.index("--duration") + 1])
time.sleep(duration)
frames = streams * 30
dropped = 5 if streams >= 300 else 0
lat = {"count": frames, "p50_ms": 10.0, "p90_ms": 12.0, "p99_ms": 10.0 + streams / 10.0, "max_ms": 40.0,
       "min_ms": 5.0, "mean_ms": 10.5}
empty = {"count": 0, "p50_ms": 0, "p90_ms": 0, "p99_ms": 0, "max_ms": 0, "min_ms": 0, "mean_ms": 0}
json.dump({"uptime_s": 1.0,
           "sources": [{"name": "cam_%d" % i, "frames": 30} for i in range(streams)],
           "models": [{"name": "detector", "description": "fake", "mean_batch_size": 16.0, "deadline_misses": 3,
                       "stages": {"end_to_end": lat, "infer": empty}}],
           "lanes": [{"processed": frames - dropped, "dropped": {"queue_full": dropped, "shutdown": 0}}],
           "gpus": [{"utilization_percent": 50.0}]}, open(summary, "w"))
'''


class PipelineLoadTestTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.fake = os.path.join(self.dir, "fovea")
        with open(self.fake, "w") as f:
            f.write(FAKE_FOVEA)
        os.chmod(self.fake, os.stat(self.fake).st_mode | stat.S_IEXEC)

    def tearDown(self):
        self.tmp.cleanup()

    def run_tool(self, *args):
        out = io.StringIO()
        with redirect_stdout(out):
            rc = pipeline_load_test.main(["--fovea", self.fake, "--out", os.path.join(self.dir, "out"),
                                          "--engine-cache", os.path.join(self.dir, "engines"), *args])
        return rc, out.getvalue()

    def test_sweep_finds_the_largest_k_held_and_soaks_there(self):
        results_json = os.path.join(self.dir, "load_test.json")
        rc, out = self.run_tool("--cams", "64", "160", "300", "--duration", "0.05", "--soak", "0.6",
                                "--sample", "0.05", "--json", results_json)
        self.assertEqual(rc, 0)
        with open(results_json) as f:
            results = json.load(f)
        held = {r["cams"]: r["held"] for r in results["sweep"]}
        # 64: p99 16.4; 160: p99 26 ms; 300: p99 40 ms and drops.
        self.assertEqual(held, {64: True, 160: True, 300: False})
        self.assertEqual(results["largest_held"], 160)
        k300 = results["sweep"][2]
        self.assertEqual((k300["dropped_total"], k300["drops"]["queue_full"]), (5, 5))
        self.assertAlmostEqual(k300["e2e_p99_ms"], 40.0)
        self.assertEqual(k300["frames_in"], 300 * 30)
        soak = results["soak"]
        self.assertEqual(soak["cams"], 160)
        self.assertGreaterEqual(len(soak["samples"]), 4)
        self.assertIsNotNone(soak["rss_trend"], soak["samples"])
        self.assertIn("largest K held (p99 <= 33 ms, no drops): 160", out)
        with open(os.path.join(self.dir, "out", "pipeline_k64.yaml")) as f:
            self.assertRegex(f.read(), r"width: 1920\n    height: 1080")

        # summarize.py renders it from a gpu-all work folder's json/.
        work = os.path.join(self.dir, "work")
        os.makedirs(os.path.join(work, "json"))
        os.replace(results_json, os.path.join(work, "json", "load_test.json"))
        text = "\n".join(summarize.render_load(summarize.summarize([work])))
        self.assertIn("| 160 | 0 | 4800 |", text)
        self.assertIn("Largest K held (p99 <= deadline, no drops): 160", text)
        self.assertIn("| 300 |", text)
        self.assertTrue(re.search(r"\| 300 \|.*\| 5 \| 3 \| 50 \| no \|", text), text)
        self.assertIn("Soak:", text)

    def test_a_failing_run_is_reported_not_fatal(self):
        with open(self.fake, "w") as f:
            f.write("#!/bin/sh\nexit 3\n")
        os.chmod(self.fake, 0o755)
        rc, out = self.run_tool("--cams", "8", "--duration", "0.05")
        self.assertEqual(rc, 0)
        self.assertIn("error: fovea run exited 3", out)
        self.assertIn("largest K held (p99 <= 33 ms, no drops): 0", out)


if __name__ == "__main__":
    unittest.main()
