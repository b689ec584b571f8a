#!/usr/bin/env python3
"""One summary table of a scripts/device/gpu-all run: tests, validation, build times, benchmarks.

    python3 bench/summarize.py WORK_DIR [WORK_DIR ...] [--markdown FILE] [--json FILE]

WORK_DIR is gpu-all's work folder (or gpu-all-results.tar.gz unpacked): steps.tsv, gpu.txt,
logs/<step>.log and json/{build,validate,bench,peers}_*.json. With several folders, a file or
step found in a later one replaces the earlier one's (pieces of one run made by separate
commands). Prints Markdown (also written to --markdown) and writes everything it read to --json.
A missing result (its step failed or never ran) is shown as such, with the step's exit status
and the last line of its log. Uses only the standard library.
"""
import argparse
import glob
import json
import os
import re
import sys

PRECISIONS = ("fp32", "fp16", "int8")
MODEL_ORDER = ("resnet50", "mobilenetv3_large", "yolov8n")
PRECISION_RE = "|".join(PRECISIONS)
BUILD_FILE = re.compile(rf"^build_(.+)_({PRECISION_RE})_(cold|warm)\.json$")
VALIDATE_FILE = re.compile(rf"^validate_(.+)_({PRECISION_RE})\.json$")
BENCH_FILE = re.compile(rf"^bench_(.+)_({PRECISION_RE})_b(\d+)\.json$")
PEERS_FILE = re.compile(r"^peers_(.+)\.json$")
STEP_NAME = re.compile(rf"^(build|validate|bench)-(.+)-({PRECISION_RE})(?:-(cold|warm|b\d+))?$")
PEER_NAMES = ("eager", "compile")


class RunFiles:
    """The files of one or more work folders, later folders taking precedence by relative path."""

    def __init__(self, dirs):
        self.dirs = dirs
        self.json = {}   # file name -> path (json/)
        self.logs = {}   # step name -> path (logs/)
        self.steps = {}  # step name -> {"exit": str, "seconds": float or None}
        self.gpu_lines = []
        for d in dirs:
            for path in sorted(glob.glob(os.path.join(d, "json", "*.json"))):
                self.json[os.path.basename(path)] = path
            for path in sorted(glob.glob(os.path.join(d, "logs", "*.log"))):
                self.logs[os.path.basename(path)[:-4]] = path
            self._read_steps(os.path.join(d, "steps.tsv"))
            gpu = read_text(os.path.join(d, "gpu.txt"))
            if gpu and gpu.strip():
                self.gpu_lines = [line.strip() for line in gpu.splitlines() if line.strip()]

    def _read_steps(self, path):
        text = read_text(path)
        for line in (text or "").splitlines():
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 2 or not fields[0]:
                continue
            seconds = None
            if len(fields) > 2:
                try:
                    seconds = float(fields[2])
                except ValueError:
                    pass
            self.steps[fields[0]] = {"exit": fields[1], "seconds": seconds}

    def load_json(self, name):
        """(data, None) or (None, reason)."""
        path = self.json.get(name)
        if path is None:
            return None, "missing"
        try:
            with open(path) as f:
                return json.load(f), None
        except (OSError, ValueError) as err:
            return None, f"unreadable ({err})"

    def log_text(self, step):
        path = self.logs.get(step)
        return read_text(path) if path else None

    def step_note(self, step):
        """Why a result is missing: the step's exit status and the last line of its log."""
        info = self.steps.get(step)
        if info is None:
            return "not run"
        note = f"step {step} exit {info['exit']}"
        last = last_line(self.log_text(step))
        return f"{note}: {last}" if last else note


def read_text(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return None


def last_line(text, width=140):
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines:
        return ""
    line = lines[-1]
    return line if len(line) <= width else line[: width - 3] + "..."


# ---------------------------------------------------------------- test results

def gtest_counts(text):
    """{'passed', 'failed'} from a googletest log (brief or not), or None if it has no summary."""
    if not text:
        return None
    ran = re.search(r"\[=+\]\s+(\d+) tests? from .* ran", text)
    passed = re.search(r"\[\s+PASSED\s+\]\s+(\d+) tests?", text)
    failed = re.search(r"\[\s+FAILED\s+\]\s+(\d+) tests?, listed below", text)
    skipped = re.search(r"\[\s+SKIPPED\s+\]\s+(\d+) tests?", text)
    if not (ran or passed or failed):
        return None
    counts = {"passed": int(passed.group(1)) if passed else 0, "failed": int(failed.group(1)) if failed else 0}
    if skipped:
        counts["skipped"] = int(skipped.group(1))
    return counts


def conformance_counts(text):
    """The TOTAL row under the 'suite passed failed unsupported excluded' header, else 'N passed'."""
    if not text:
        return None
    lines = text.splitlines()
    for i, line in enumerate(lines):
        header = line.split()
        if "passed" in header and "failed" in header and "unsupported" in header:
            columns = header[1:]  # first column is "suite"
            for row in lines[i + 1:]:
                fields = row.split()
                if fields and fields[0] == "TOTAL" and len(fields) == len(columns) + 1:
                    try:
                        return {c: int(v) for c, v in zip(columns, fields[1:])}
                    except ValueError:
                        break
    counts = {}
    for key in ("passed", "failed", "unsupported", "excluded"):
        m = re.search(rf"(\d+)\s+{key}", text)
        if m:
            counts[key] = int(m.group(1))
    return counts if "passed" in counts else None


TEST_STEPS = (("unit tests", "unit", gtest_counts), ("CPU conformance", "conformance-cpu", conformance_counts),
              ("GPU conformance", "conformance-gpu", conformance_counts), ("GPU tests", "gpu-tests", gtest_counts))


def test_results(files):
    rows = []
    for title, step, parse in TEST_STEPS:
        info = files.steps.get(step)
        text = files.log_text(step)
        counts = parse(text)
        row = {"test": title, "step": step, "counts": counts, "exit": info["exit"] if info else None,
               "seconds": info["seconds"] if info else None}
        if info is None and text is None:
            row["status"] = "not run"
        elif info is not None and info["exit"] == "missing":
            row["status"] = "not built"
        elif counts is None:
            row["status"] = "FAILED (no summary in log)" if not info or info["exit"] != "0" else "ok (no summary in log)"
        elif counts.get("failed", 0) > 0 or (info is not None and info["exit"] != "0"):
            row["status"] = "FAILED"
        else:
            row["status"] = "ok"
        rows.append(row)
    return rows


# ---------------------------------------------------------------- fovea results

def model_sort_key(name):
    return (MODEL_ORDER.index(name) if name in MODEL_ORDER else len(MODEL_ORDER), name)


def discover_runs(files):
    """Models, (model, precision) pairs and (model, batch) pairs seen in files or in steps.tsv."""
    models, pairs, batches = set(), set(), set()
    for name in files.json:
        for pattern in (BUILD_FILE, VALIDATE_FILE, BENCH_FILE):
            m = pattern.match(name)
            if m:
                models.add(m.group(1))
                pairs.add((m.group(1), m.group(2)))
                if pattern is BENCH_FILE:
                    batches.add((m.group(1), int(m.group(3))))
        m = PEERS_FILE.match(name)
        if m:
            models.add(m.group(1))
    for step in files.steps:
        m = STEP_NAME.match(step)
        if m:
            models.add(m.group(2))
            pairs.add((m.group(2), m.group(3)))
            if m.group(4) and m.group(4).startswith("b"):
                batches.add((m.group(2), int(m.group(4)[1:])))
    pair_key = lambda p: (model_sort_key(p[0]), PRECISIONS.index(p[1]))  # noqa: E731
    return sorted(models, key=model_sort_key), sorted(pairs, key=pair_key), batches


def validate_results(files, pairs):
    rows = []
    for model, precision in pairs:
        data, err = files.load_json(f"validate_{model}_{precision}.json")
        step = f"validate-{model}-{precision}"
        if data is None:
            rows.append({"model": model, "precision": precision, "output": None, "pass": None,
                         "note": f"{err}: {files.step_note(step)}"})
            continue
        outputs = data.get("outputs") or []
        if not outputs:
            rows.append({"model": model, "precision": precision, "output": None, "pass": data.get("pass"),
                         "note": "no outputs in validate JSON"})
        for out in outputs:
            rows.append({"model": model, "precision": precision, "output": out.get("name"),
                         "max_abs": out.get("max_abs"), "max_rel": out.get("max_rel"), "cosine": out.get("cosine"),
                         "pass": out.get("pass"), "overall_pass": data.get("pass"),
                         "reference": data.get("reference")})
    return rows


def build_results(files, pairs):
    rows = []
    for model, precision in pairs:
        row = {"model": model, "precision": precision}
        notes = []
        for kind in ("cold", "warm"):
            data, err = files.load_json(f"build_{model}_{precision}_{kind}.json")
            if data is None:
                row[kind] = None
                notes.append(f"{kind} {err}: {files.step_note(f'build-{model}-{precision}-{kind}')}")
            else:
                row[kind] = data
        if notes:
            row["note"] = "; ".join(notes)
        rows.append(row)
    return rows


def peer_rows(files):
    rows = []
    for name in sorted(files.json):
        if PEERS_FILE.match(name):
            data, _ = files.load_json(name)
            if isinstance(data, list):
                rows.extend(r for r in data if isinstance(r, dict))
    return rows


def bench_results(files, batches, peers):
    """One row per (model, batch): fovea FP16 (and FP32) next to each peer, ratio = fovea / peer."""
    keys = set(batches) | {(p.get("model"), p.get("batch")) for p in peers if p.get("model") and p.get("batch")}
    rows = []
    for model, batch in sorted(keys, key=lambda k: (model_sort_key(k[0]), k[1])):
        row = {"model": model, "batch": batch}
        for precision in ("fp16", "fp32"):
            data, err = files.load_json(f"bench_{model}_{precision}_b{batch}.json")
            row[f"fovea_{precision}"] = data
            if data is None and (model, batch) in batches:
                row[f"fovea_{precision}_note"] = f"{err}: {files.step_note(f'bench-{model}-{precision}-b{batch}')}"
        for peer in PEER_NAMES:
            match = [p for p in peers if p.get("model") == model and p.get("batch") == batch and p.get("peer") == peer]
            row[peer] = match[-1] if match else None
            if not match and f"peers-{model}" in files.steps:
                row[f"{peer}_note"] = f"no row: {files.step_note(f'peers-{model}')}"
            fovea = row["fovea_fp16"]
            if (match and "error" not in match[-1] and fovea and fovea.get("median_ms")
                    and match[-1].get("median_ms")):
                row[f"ratio_{peer}"] = fovea["median_ms"] / match[-1]["median_ms"]
        rows.append(row)
    return rows


def gpu_name(files, peers):
    if files.gpu_lines and "failed" not in files.gpu_lines[0]:
        return files.gpu_lines[0]
    for p in peers:
        if p.get("gpu"):
            return p["gpu"]
    return f"unknown ({files.gpu_lines[0] if files.gpu_lines else 'no gpu.txt'}, no peer rows)"


def summarize(dirs):
    files = RunFiles(dirs)
    models, pairs, batches = discover_runs(files)
    peers = peer_rows(files)
    bench = bench_results(files, batches, peers)
    # "missing": a test binary that this build does not have (shown as "not built", not a failure).
    failed_steps = sorted(name for name, info in files.steps.items() if info["exit"] not in ("0", "missing"))
    return {"gpu": gpu_name(files, peers), "work_dirs": dirs, "models": models,
            "steps": files.steps, "failed_steps": failed_steps, "tests": test_results(files),
            "validate": validate_results(files, pairs), "builds": build_results(files, pairs),
            "bench": bench, "peers": peers, "vision": vision_results(files), "load": load_results(files)}


def load_results(files):
    """bench/pipeline_load_test.py's results: the camera sweep and the soak (None when not run)."""
    data, why = files.load_json("load_test.json")
    if data is None:
        return None if why == "missing" else {"note": why}
    return {"sweep": data.get("sweep", []), "largest_held": data.get("largest_held"), "soak": data.get("soak")}


def vision_results(files):
    """The demo detector on the GPU: eval (mAP) per precision and the frame path end to end."""
    evals = []
    for p in ("fp32", "fp16"):
        data, why = files.load_json(f"eval_demo_gpu_{p}.json")
        if data is None:
            if why != "missing":
                evals.append({"precision": p, "note": why})
            continue
        evals.append({"precision": p, "model": data.get("model"), "images": data.get("images_evaluated"),
                      "map50": data.get("map50"), "map50_95": data.get("map50_95"),
                      "images_per_s": (data.get("timing") or {}).get("images_per_s")})
    frame = {}
    for key, name in (("fovea", "frame_bench_fovea.json"), ("fovea_pinned", "frame_bench_fovea_pinned.json")):
        fovea, _ = files.load_json(name)
        if fovea:
            frame[key] = {k: fovea.get(k) for k in ("upload", "encode", "infer", "decode_nms", "download",
                                                   "end_to_end", "detections", "frame", "description")}
    torch_peer, _ = files.load_json("frame_bench_torch.json")
    if torch_peer:
        frame["torch"] = torch_peer.get("rows", [])
    return {"eval": evals, "frame": frame}


# ---------------------------------------------------------------- Markdown

def cell(value, fmt=None, missing="—"):
    if value is None:
        return missing
    if isinstance(value, bool):
        return "pass" if value else "FAIL"
    if fmt and isinstance(value, (int, float)):
        return format(value, fmt)
    return str(value).replace("|", "\\|").replace("\n", " ")


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return lines


def mib(value):
    return None if value is None else value / (1 << 20)


def render_tests(summary):
    rows = []
    for t in summary["tests"]:
        c = t["counts"] or {}
        counts = ", ".join(f"{v} {k}" for k, v in c.items()) if c else "—"
        rows.append([t["test"], t["status"], counts, cell(t["exit"]), cell(t["seconds"], ".1f")])
    return ["## Tests", ""] + table(["suite", "result", "counts", "exit", "seconds"], rows)


def render_validate(summary):
    rows = []
    for v in summary["validate"]:
        if v.get("output") is None:
            rows.append([v["model"], v["precision"], "—", "—", "—", "—", cell(v.get("pass"), missing="missing"),
                         cell(v.get("note"))])
        else:
            rows.append([v["model"], v["precision"], cell(v["output"]), cell(v.get("max_abs"), ".3g"),
                         cell(v.get("max_rel"), ".3g"), cell(v.get("cosine"), ".6f"), cell(v.get("pass")), ""])
    if not rows:
        rows.append(["—", "—", "—", "—", "—", "—", "not run", ""])
    return ["## Validation against the CPU executor", ""] + table(
        ["model", "precision", "output", "max abs", "max rel", "cosine", "result", "note"], rows)


def render_builds(summary):
    rows = []
    for b in summary["builds"]:
        cold, warm = b.get("cold") or {}, b.get("warm") or {}
        rows.append([b["model"], b["precision"], cell(cold.get("build_seconds"), ".2f"),
                     cell(warm.get("build_seconds"), ".2f"), cell(cold.get("layers") or warm.get("layers")),
                     f"{cell(cold.get('tactics_timed'))} / {cell(warm.get('tactics_timed'))}",
                     cell(warm.get("timing_cache_hits")),
                     cell(mib(cold.get("weights_bytes") or warm.get("weights_bytes")), ".1f"),
                     f"{cell(mib(cold.get('peak_activation_bytes')), '.1f')} / "
                     f"{cell(mib(cold.get('naive_activation_bytes')), '.1f')}",
                     cell(b.get("note"), missing="")])
    if not rows:
        rows.append(["—"] * 9 + ["not run"])
    return ["## Engine builds (batch 1:1:32)", ""] + table(
        ["model", "precision", "cold s", "warm s", "layers", "tactics timed cold / warm", "cache hits warm",
         "weights MiB", "peak / naive activations MiB", "note"], rows)


def render_bench(summary):
    rows, notes = [], []
    for r in summary["bench"]:
        f16, f32 = r.get("fovea_fp16") or {}, r.get("fovea_fp32") or {}
        row = [r["model"], str(r["batch"]), cell(f16.get("median_ms"), ".3f"), cell(f16.get("p99_ms"), ".3f"),
               cell(f16.get("throughput_ips"), ".0f"), cell(f32.get("median_ms"), ".3f")]
        for peer in PEER_NAMES:
            p = r.get(peer)
            if p is None and r.get(f"{peer}_note"):
                row += ["missing", "—"]
                notes.append(f"{r['model']} batch {r['batch']} {peer}: {r[f'{peer}_note']}")
            elif p is None:
                row += ["not run", "—"]
            elif "error" in p:
                row += ["FAILED", "—"]
                notes.append(f"{r['model']} batch {r['batch']} {peer}: {cell(p['error'])[:200]}")
            else:
                row += [f"{p['median_ms']:.3f} / {p['p99_ms']:.3f}", cell(r.get(f"ratio_{peer}"), ".2f")]
        rows.append(row)
        for precision in ("fp16", "fp32"):
            if r.get(f"fovea_{precision}_note"):
                notes.append(f"{r['model']} batch {r['batch']} fovea {precision}: {r[f'fovea_{precision}_note']}")
    if not rows:
        rows.append(["—"] * 9 + ["not run"])
    lines = ["## Latency (ms) and throughput (images/s)", "",
             "fovea: `fovea bench --useCudaGraph`; peers: FP16 channels-last, same weights. "
             "ratio = fovea FP16 median / peer median (below 1: fovea is faster).", ""]
    lines += table(["model", "batch", "fovea fp16 median", "fovea fp16 p99", "fovea fp16 img/s", "fovea fp32 median",
                    "eager median / p99", "ratio fovea/eager", "compile median / p99", "ratio fovea/compile"], rows)
    if notes:
        lines += [""] + [f"- {n}" for n in notes]
    return lines


def render_vision(summary):
    vision = summary.get("vision") or {}
    lines = []
    if vision.get("eval"):
        rows = [[e["precision"], cell(e.get("images")), cell(e.get("map50"), ".4f"), cell(e.get("map50_95"), ".4f"),
                 cell(e.get("images_per_s"), ".1f"), e.get("note", "")] for e in vision["eval"]]
        lines += ["## Demo detector on the held-out set (fovea eval --device gpu)", ""] + table(
            ["precision", "images", "mAP@0.5", "mAP@0.5:0.95", "images/s", "note"], rows) + [""]
    frame = vision.get("frame") or {}
    if frame:
        lines += ["## Frame path end to end (1920x1080 bgr8 in host memory -> detections on the host)", ""]
        rows = []
        for key, label in (("fovea", "fovea fp16 (pageable frame)"), ("fovea_pinned", "fovea fp16 (page-locked frame)")):
            f = frame.get(key)
            if not f:
                continue
            for stage in ("upload", "encode", "infer", "decode_nms", "download", "end_to_end"):
                st = f.get(stage) or {}
                rows.append([label, stage, cell(st.get("median_ms"), ".4f"), cell(st.get("p99_ms"), ".4f")])
        for r in frame.get("torch", []):
            for stage in ("upload", "encode+infer", "decode+download", "end_to_end"):
                st = r.get(stage) or {}
                rows.append([f"torch {r.get('peer')}", stage, cell(st.get("median_ms"), ".4f"),
                             cell(st.get("p99_ms"), ".4f")])
        lines += table(["runner", "stage", "median ms", "p99 ms"], rows)
    return lines


def load_row(r):
    if "error" in r:
        return [cell(r.get("cams")), cell(r.get("duration_s"), ".0f"), r["error"]] + [""] * 9
    gpus = r.get("gpus") or [{}]
    return [cell(r.get("cams")), cell(r.get("duration_s"), ".0f"), cell(r.get("fps_in"), ".0f"),
            cell(r.get("fps_out"), ".0f"), cell(r.get("e2e_p50_ms"), ".1f"), cell(r.get("e2e_p99_ms"), ".1f"),
            cell(r.get("e2e_max_ms"), ".1f"), cell(r.get("mean_batch"), ".1f"), cell(r.get("dropped_total")),
            cell(r.get("deadline_misses")), cell(gpus[0].get("utilization_percent"), ".0f"),
            "yes" if r.get("held") else "no"]


def render_load(summary):
    load = summary.get("load")
    if not load:
        return []
    lines = ["## Streaming pipeline load test (synthetic 1920x1080 cameras at 30 FPS, demo detector FP16)", ""]
    if load.get("note"):
        return lines + [f"load_test.json: {load['note']}"]
    header = ["cameras", "s", "FPS in", "FPS out", "e2e p50 ms", "e2e p99 ms", "max ms", "mean batch", "drops",
              "late", "GPU %", "held"]
    lines += table(header, [load_row(r) for r in load.get("sweep", [])])
    lines += ["", f"Largest K held (p99 <= deadline, no drops): {cell(load.get('largest_held'))}"]
    soak = load.get("soak")
    if soak:
        lines += ["", "Soak:", ""] + table(header, [load_row(soak)])
        for key, label in (("rss_trend", "host RSS"), ("gpu_trend", "GPU memory")):
            t = soak.get(key)
            if t:
                lines.append(f"- {label} after start-up: {t['early_mib']:.1f} -> {t['late_mib']:.1f} MiB "
                             f"(min {t['min_mib']:.1f}, max {t['max_mib']:.1f})")
    return lines


def render_markdown(summary):
    failed = summary["failed_steps"]
    lines = ["# fovea GPU run", "", f"GPU: {summary['gpu']}", "",
             f"Steps: {sum(1 for i in summary['steps'].values() if i['exit'] == '0')} ok, {len(failed)} failed"
             + (f" ({', '.join(failed)})" if failed else "") + ".", ""]
    for section in (render_tests, render_validate, render_builds, render_bench, render_vision, render_load):
        lines += section(summary) + [""]
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="+", help="gpu-all work folders (later ones take precedence)")
    ap.add_argument("--markdown", help="also write the Markdown here")
    ap.add_argument("--json", help="write everything read, as JSON, here")
    args = ap.parse_args(argv)
    missing = [d for d in args.dirs if not os.path.isdir(d)]
    if missing:
        print(f"summarize: '{missing[0]}' is not a folder", file=sys.stderr)
        return 2
    summary = summarize(args.dirs)
    text = render_markdown(summary)
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text + "\n")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(summary, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
