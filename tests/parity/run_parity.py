#!/usr/bin/python3
"""Whole-model parity between fovea's CPU executor and ONNX Runtime (CPU, npm onnxruntime-node).

For each model: one seeded random input (uniform [0, 1)), run through `fovea infer` and through
ONNX Runtime, every output compared. The error reported is the normalized max error

    err = max_i |fovea_i - ort_i| / max_i |ort_i|

(the largest absolute difference relative to the output's largest magnitude; elementwise relative
error is meaningless near zero). A model passes when err <= 1e-4 for every output.
Every intermediate tensor is compared the same way (the model is rewritten so that every node
output with a known type is also a graph output), so a mistake in an early layer cannot hide
behind a final output that barely depends on it.
With --iterations N both runtimes also report median / p99 latency over N runs (a benchmark).
Run with Debian's python (/usr/bin/python3, numpy from python3-numpy).
"""
import argparse
import os
import re
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OCR = os.path.join(HERE, "node_modules", "@gutenye", "ocr-models", "assets")

MODELS = {
    # name: (path, {input: shape}, input kind)
    "demo_detector": (os.path.join(ROOT, "models", "demo", "detector.onnx"), {"images": (1, 3, 640, 640)}, "uniform"),
    "resnet_small": (os.path.join(ROOT, "models", "resnet_small.onnx"), {"images": (1, 3, 224, 224)}, "uniform"),
    "mobilenetv3_small": (os.path.join(ROOT, "models", "mobilenetv3_small.onnx"), {"images": (1, 3, 224, 224)}, "uniform"),
    # A text detector on noise outputs probabilities near 1e-5, where ONNX Runtime's approximate
    # Sigmoid (absolute error ~1e-7) dominates; a document-like page gives real text probabilities.
    "ppocrv4_det": (os.path.join(OCR, "ch_PP-OCRv4_det_infer.onnx"), {"x": (1, 3, 480, 640)}, "document"),
}
TOLERANCE = 1e-4


def document_image(shape, rng):
    """A synthetic page: rows of dark glyph-like blocks on a light background, normalized the way
    PaddleOCR normalizes (ImageNet mean/std)."""
    _, _, h, w = shape
    img = np.full((h, w, 3), 235, np.float32) + rng.normal(0, 4, (h, w, 3)).astype(np.float32)
    for line in range((h - 30) // 55):
        y, x = 30 + line * 55, 20 + int(rng.integers(0, 40))
        while x < w - 60:
            gw, gh = int(rng.integers(8, 18)), int(rng.integers(18, 28))
            img[y:y + gh, x:x + gw] = 30
            if rng.random() < 0.5:
                img[y + 3:y + gh - 3, x + 2:x + gw - 2] = 235
            x += gw + int(rng.integers(2, 6)) + (int(rng.integers(20, 60)) if rng.random() < 0.08 else 0)
    img = np.clip(img, 0, 255) / 255.0
    mean, std = np.array([0.485, 0.456, 0.406]), np.array([0.229, 0.224, 0.225])
    return ((img - mean) / std).transpose(2, 0, 1)[None].astype(np.float32)


def expose_intermediates(path, out_path):
    """Writes a copy of the model whose graph outputs include every typed intermediate tensor."""
    import onnx
    model = onnx.load(path)
    inferred = onnx.shape_inference.infer_shapes(model)
    typed = {v.name: v for v in inferred.graph.value_info}
    existing = {o.name for o in model.graph.output}
    constants = {o for n in model.graph.node if n.op_type == "Constant" for o in n.output}
    added = 0
    for node in model.graph.node:
        for name in node.output:
            if name in typed and name not in existing and name not in constants:
                model.graph.output.append(typed[name])
                existing.add(name)
                added += 1
    onnx.save(model, out_path)
    return added


def safe(name):
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stdout[-3000:]}")
    return p.stdout


def latency(text, pattern):
    m = re.search(pattern, text)
    return (float(m.group(1)), float(m.group(2))) if m else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fovea", required=True, help="path to the fovea binary")
    ap.add_argument("--work", required=True, help="scratch folder")
    ap.add_argument("--models", nargs="*", default=list(MODELS))
    ap.add_argument("--iterations", type=int, default=0, help="also time N runs of each")
    ap.add_argument("--no-intermediates", dest="intermediates", action="store_false",
                    help="compare only the models' outputs")
    args = ap.parse_args()

    rng = np.random.default_rng(2026)
    rows, failed = [], False
    for name in args.models:
        path, inputs, kind = MODELS[name]
        if not os.path.exists(path):
            print(f"{name}: model file {path} missing (run scripts/setup)", file=sys.stderr)
            failed = True
            continue
        work = os.path.join(args.work, name)
        os.makedirs(work, exist_ok=True)
        feeds = []
        for input_name, shape in inputs.items():
            f = os.path.join(work, f"input_{safe(input_name)}.npy")
            data = document_image(shape, rng) if kind == "document" else rng.random(shape, dtype=np.float32)
            np.save(f, data)
            feeds.append(f"{input_name}={f}")
        iters = [] if args.iterations <= 0 else ["--iterations", str(args.iterations)]
        if args.intermediates:
            all_path = os.path.join(work, "all_tensors.onnx")
            added = expose_intermediates(path, all_path)
            run([args.fovea, "infer", all_path, *sum((["--input", s] for s in feeds), []),
                 "--output-dir", os.path.join(work, "fovea_all")])
            run(["node", os.path.join(HERE, "ort_run.js"), all_path, os.path.join(work, "ort_all"), *feeds])
            worst, worst_name, bad = 0.0, "", []
            for out in os.listdir(os.path.join(work, "ort_all")):
                ref = np.load(os.path.join(work, "ort_all", out)).astype(np.float64)
                got = np.load(os.path.join(work, "fovea_all", out)).astype(np.float64)
                if got.shape != ref.shape:
                    bad.append(f"{out}: shape {got.shape} != {ref.shape}")
                    continue
                if ref.size == 0:
                    continue
                err = float(np.max(np.abs(got - ref))) / max(float(np.max(np.abs(ref))), 1e-30)
                if err > worst or np.isnan(err):
                    worst, worst_name = err, out
                if not err <= TOLERANCE:
                    bad.append(f"{out}: {err:.2e}")
            failed |= bool(bad)
            rows.append((name, f"{added} intermediates", "ok" if not bad else "FAIL", worst))
            if bad:
                print(f"{name}: intermediate mismatches: " + "; ".join(bad[:10]), file=sys.stderr)
        fovea_out = run([args.fovea, "infer", path, *sum((["--input", s] for s in feeds), []),
                         "--output-dir", os.path.join(work, "fovea"), *iters, *(["--warmUp", "1"] if iters else [])])
        ort_out = run(["node", os.path.join(HERE, "ort_run.js"), path, os.path.join(work, "ort"), *feeds,
                       "--iterations", str(max(args.iterations, 1))])
        for out in sorted(os.listdir(os.path.join(work, "ort"))):
            ref = np.load(os.path.join(work, "ort", out))
            got_path = os.path.join(work, "fovea", out)
            if not os.path.exists(got_path):
                rows.append((name, out, "missing", None))
                failed = True
                continue
            got = np.load(got_path)
            if got.shape != ref.shape:
                rows.append((name, out, f"shape {got.shape} != {ref.shape}", None))
                failed = True
                continue
            denom = max(float(np.max(np.abs(ref.astype(np.float64)))), 1e-30)
            err = float(np.max(np.abs(got.astype(np.float64) - ref.astype(np.float64)))) / denom
            ok = err <= TOLERANCE and not np.isnan(got).any()
            failed |= not ok
            rows.append((name, out, "ok" if ok else "FAIL", err))
        if args.iterations > 0:
            f_lat = latency(fovea_out, r"median\s*[=:]?\s*([\d.]+)\s*ms.*?p99\s*[=:]?\s*([\d.]+)")
            o_lat = latency(ort_out, r"ort_latency_ms ([\d.]+) ([\d.]+)")
            rows.append((name, "latency", f"fovea median/p99 {f_lat} ms | onnxruntime {o_lat} ms", None))

    print(f"{'model':<20} {'output':<28} {'status':<10} max|d|/max|ref|")
    for model, out, status, err in rows:
        print(f"{model:<20} {out:<28} {status:<10} {'' if err is None else f'{err:.2e}'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
