#!/usr/bin/python3
"""Exports the trained demo detector to ONNX exactly like the parity export: EMA weights, eval
mode (BatchNorm folded into the convolutions by the exporter), opset 17, input `images`
[batch, 3, 640, 640] with a dynamic batch, output `output0` [batch, 4 + 8, 8400]: cx, cy, w, h in
input pixels and sigmoided class scores. Input: RGB / 255, letterboxed (pad 114, centered).

    export_detector.py --checkpoint last.pt --out detector.onnx [--verify IMAGE]

--verify runs one image (letterboxed like fovea's encoder) through PyTorch and, when it is
installed, ONNX Runtime, and prints the largest output difference.
"""
import argparse
import os
import sys

import numpy as np
import torch
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "export"))
from letterbox import letterbox  # noqa: E402
from object_sprites import CLASS_NAMES  # noqa: E402
from parity_models import YOLOv8n, export  # noqa: E402


def load_detector(checkpoint):
    ckpt = torch.load(checkpoint, map_location="cpu")
    model = YOLOv8n(ckpt.get("nc", len(CLASS_NAMES)))
    model.load_state_dict(ckpt["ema"])
    model.detect.export = True
    return model.eval(), ckpt


def image_input(path, size=640):
    with Image.open(path) as im:
        net, _ = letterbox(np.asarray(im.convert("RGB")), size)
    return net.transpose(2, 0, 1)[None].astype(np.float32) / 255.0


def verify(model, onnx_path, x):
    """Prints PyTorch vs ONNX Runtime on one input; returns the max abs difference (None without ORT)."""
    with torch.no_grad():
        ref = model(torch.from_numpy(x)).numpy()
    scores = ref[0, 4:]
    best = scores.max(0)
    top = np.argsort(-best)[:5]
    print(f"PyTorch: output0 {list(ref.shape)}, {int((best > 0.25).sum())} anchors score > 0.25; top: "
          + ", ".join(f"{CLASS_NAMES[int(scores[:, a].argmax())]} {best[a]:.2f}" for a in top))
    try:
        import onnxruntime as ort
    except ImportError:
        print("onnxruntime not installed: ONNX Runtime comparison skipped")
        return None
    sess = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    out = sess.run(["output0"], {"images": x})[0]
    diff = float(np.abs(out - ref).max())
    print(f"ONNX Runtime vs PyTorch: max abs diff {diff:.3e} (boxes up to {np.abs(ref[:, :4]).max():.0f} px), "
          f"scores max abs diff {float(np.abs(out[:, 4:] - ref[:, 4:]).max()):.3e}")
    return diff


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--verify", default="", help="an image file to compare PyTorch and ONNX Runtime on")
    ap.add_argument("--max-diff", type=float, default=1e-2,
                    help="exit 1 if ONNX Runtime differs from PyTorch by more (input pixels / scores)")
    args = ap.parse_args()
    model, ckpt = load_detector(args.checkpoint)
    print(f"{args.checkpoint}: step {ckpt.get('step')}, {ckpt.get('train_seconds', 0):.0f} s trained")
    export(model, (1, 3, 640, 640), args.out, True)
    if args.verify:
        diff = verify(model, args.out, image_input(args.verify))
        if diff is not None and diff > args.max_diff:
            print(f"error: ONNX Runtime and PyTorch differ by {diff:.3e} > {args.max_diff}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
