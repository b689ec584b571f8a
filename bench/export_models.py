"""Builds the benchmark models with deterministic random weights and exports them to ONNX.

Run on the GPU machine (it has PyTorch, torchvision, onnx and onnxruntime):
    python3 bench/export_models.py --out DIR [--models resnet50 mobilenetv3_large yolov8n]

For each model it writes, into DIR:
  <name>.onnx   opset 17, dynamic batch dimension "batch", BatchNormalization nodes kept
                (TrainingMode.PRESERVE) so that fovea's own BatchNorm folding is exercised;
  <name>.pt     the state_dict, so that bench/torch_peers.py runs the very same weights;
and one models.json describing them (input name and shape, output names, sizes, the ONNX
Runtime check below).

Weights are random but deterministic (torch.manual_seed per model). BatchNorm affine weights
are randomized by models/export/parity_models.py's randomize_batchnorm, then the running
statistics are set from the real batch statistics of random inputs (train-mode passes with
cumulative averaging): non-trivial values that keep activations well scaled, so that an FP16
engine can be compared with an FP32 reference meaningfully.

After export, ONNX Runtime (CPU) runs each file on a batch of 2 and its outputs are compared
with PyTorch's FP32 outputs; a mismatch makes the script exit with status 1.
"""
import argparse
import json
import os
import sys
import time
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO_ROOT, "models", "export"))
import parity_models  # noqa: E402  (the project's YOLOv8n definition and BatchNorm randomizer)


@dataclass(frozen=True)
class ModelSpec:
    name: str
    input_name: str
    output_name: str
    image_size: int
    seed: int


MODEL_SPECS = {
    "resnet50": ModelSpec("resnet50", "input", "output", 224, 50),
    "mobilenetv3_large": ModelSpec("mobilenetv3_large", "input", "output", 224, 3),
    "yolov8n": ModelSpec("yolov8n", "images", "output0", 640, 8),
}

# Export tolerance against PyTorch FP32 (both in FP32 on the CPU; differences are summation order).
EXPORT_ABS_TOLERANCE = 1e-3
EXPORT_REL_TOLERANCE = 1e-3


def build_architecture(name):
    """The module for `name`, with framework-default initialization (weights come later)."""
    if name == "resnet50":
        import torchvision
        return torchvision.models.resnet50(weights=None)
    if name == "mobilenetv3_large":
        import torchvision
        return torchvision.models.mobilenet_v3_large(weights=None)
    if name == "yolov8n":
        return parity_models.YOLOv8n()
    raise ValueError(f"unknown model '{name}' (known: {', '.join(MODEL_SPECS)})")


def input_shape(spec, batch):
    return (batch, 3, spec.image_size, spec.image_size)


@torch.no_grad()
def calibrate_batchnorm_statistics(model, spec, gen, batches=2, batch_size=4):
    """Sets every BatchNorm's running mean/var to the average statistics of random inputs."""
    bns = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    saved_momentum = [bn.momentum for bn in bns]
    for bn in bns:
        bn.reset_running_stats()
        bn.momentum = None  # cumulative moving average over the calibration batches
    model.train()
    for _ in range(batches):
        model(torch.randn(*input_shape(spec, batch_size), generator=gen))
    for bn, momentum in zip(bns, saved_momentum):
        bn.momentum = momentum
    model.eval()


def make_model_with_weights(name):
    """The model with this benchmark's deterministic weights, in eval mode, on the CPU, FP32."""
    spec = MODEL_SPECS[name]
    torch.manual_seed(spec.seed)
    gen = torch.Generator().manual_seed(spec.seed)
    model = build_architecture(name)
    parity_models.randomize_batchnorm(model, gen)
    calibrate_batchnorm_statistics(model, spec, gen)
    return model.eval()


def load_model(name, weights_dir):
    """The architecture with the state_dict that export wrote to weights_dir/<name>.pt, eval mode."""
    path = os.path.join(weights_dir, f"{name}.pt")
    model = build_architecture(name)
    state = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(state)
    return model.eval()


def export_onnx(model, spec, path):
    """Exports with the first exporter setting that works; returns which one it was."""
    example = torch.randn(*input_shape(spec, 1))
    names = dict(input_names=[spec.input_name], output_names=[spec.output_name])
    dynamic_axes = {spec.input_name: {0: "batch"}, spec.output_name: {0: "batch"}}
    torchscript = dict(opset_version=17, do_constant_folding=True, dynamic_axes=dynamic_axes, dynamo=False, **names)
    attempts = [
        # PRESERVE keeps BatchNormalization nodes (EVAL would fold them into the convolutions).
        ("torchscript, BatchNorm kept", dict(torchscript, training=torch.onnx.TrainingMode.PRESERVE)),
        ("torchscript, BatchNorm folded by the exporter", torchscript),
        ("dynamo", dict(opset_version=17, dynamo=True,
                        dynamic_shapes=({0: torch.export.Dim("batch", min=1, max=1024)},), **names)),
    ]
    for i, (label, kwargs) in enumerate(attempts):
        try:
            torch.onnx.export(model, (example,), path, **kwargs)
            return label
        except Exception as err:
            if i + 1 == len(attempts):
                raise
            print(f"  export ({label}) failed: {type(err).__name__}: {str(err)[:300]}; trying the next way",
                  flush=True)
    raise AssertionError("unreachable")


def onnx_op_counts(path):
    import onnx
    model = onnx.load(path)
    onnx.checker.check_model(model)
    counts = {}
    for node in model.graph.node:
        counts[node.op_type] = counts.get(node.op_type, 0) + 1
    return counts


@torch.no_grad()
def check_with_onnxruntime(model, spec, path, gen):
    """Max abs / rel difference between ONNX Runtime (CPU) and PyTorch FP32 on a batch of 2."""
    import numpy as np
    import onnxruntime as ort
    x = torch.randn(*input_shape(spec, 2), generator=gen)
    expected = model(x).numpy()
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    actual = session.run([spec.output_name], {spec.input_name: x.numpy()})[0]
    if actual.shape != expected.shape:
        return {"pass": False, "detail": f"shape {actual.shape} != PyTorch's {expected.shape}"}
    diff = np.abs(actual.astype(np.float64) - expected.astype(np.float64))
    max_abs = float(diff.max())
    max_rel = float((diff / (np.abs(expected) + 1e-6)).max())
    scale = float(np.abs(expected).max())
    ok = bool(max_abs <= EXPORT_ABS_TOLERANCE * max(1.0, scale) or max_rel <= EXPORT_REL_TOLERANCE)
    return {"pass": ok, "max_abs": max_abs, "max_rel": max_rel, "output_abs_max": scale}


def export_one(name, out_dir):
    spec = MODEL_SPECS[name]
    start = time.perf_counter()
    model = make_model_with_weights(name)
    weights_path = os.path.join(out_dir, f"{name}.pt")
    onnx_path = os.path.join(out_dir, f"{name}.onnx")
    torch.save(model.state_dict(), weights_path)
    exporter = export_onnx(model, spec, onnx_path)
    ops = onnx_op_counts(onnx_path)
    check = check_with_onnxruntime(model, spec, onnx_path, torch.Generator().manual_seed(1234))
    entry = dict(asdict(spec), onnx=onnx_path, weights=weights_path, exporter=exporter,
                 input_shape=list(input_shape(spec, 1)), onnx_bytes=os.path.getsize(onnx_path),
                 parameters=sum(p.numel() for p in model.parameters()),
                 batchnorm_nodes=ops.get("BatchNormalization", 0), onnx_nodes=sum(ops.values()),
                 ort_check=check, seconds=round(time.perf_counter() - start, 2))
    print(f"{name}: {entry['parameters'] / 1e6:.2f} M parameters, {entry['onnx_nodes']} nodes "
          f"({entry['batchnorm_nodes']} BatchNormalization), {entry['onnx_bytes'] / 1e6:.1f} MB, "
          f"ORT vs PyTorch max_abs={check.get('max_abs', float('nan')):.3g} "
          f"{'ok' if check['pass'] else 'MISMATCH ' + check.get('detail', '')}, {entry['seconds']} s", flush=True)
    return entry


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output folder")
    ap.add_argument("--models", nargs="+", default=list(MODEL_SPECS), choices=list(MODEL_SPECS))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    manifest_path = os.path.join(args.out, "models.json")
    manifest = {}
    if os.path.exists(manifest_path):  # keep entries of models exported by an earlier run
        with open(manifest_path) as f:
            manifest = json.load(f)
    failed = []
    for name in args.models:
        try:
            manifest[name] = export_one(name, args.out)
            if not manifest[name]["ort_check"]["pass"]:
                failed.append(name)
        except Exception as err:  # report and go on with the other models
            print(f"{name}: export FAILED: {type(err).__name__}: {err}", flush=True)
            manifest[name] = {"name": name, "error": f"{type(err).__name__}: {err}"}
            failed.append(name)
        with open(manifest_path, "w") as f:
            json.dump(manifest, f, indent=2)
    if failed:
        print(f"export: failed for {', '.join(failed)}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
