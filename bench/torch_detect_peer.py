"""PyTorch peer for fovea's end-to-end detection benchmark (issue 4): one camera frame in host
memory -> detections on the host, on the GPU, with the same model and the same frame.

Run on the GPU machine:
    python3 bench/torch_detect_peer.py --onnx detector.onnx --image picture.jpg --json peer.json
        [--frame 1920x1080] [--nc 8] [--size 640] [--iterations 300] [--warmup 30] [--peers eager compile]

The model is the project's YOLOv8n architecture (models/export/parity_models.py). Its weights are
read from the ONNX file itself: BatchNorm is folded into the convolutions as the exporter does,
then the ONNX Conv initializers are assigned to the module's convolutions in execution order, and
the result is checked against ONNX Runtime on the same input before anything is timed.

Per iteration, as fovea's `bench --frame` does: upload the uint8 BGR frame from pinned memory,
encode on the GPU (BGR->RGB, bilinear letterbox to size x size with pad 114, /255, FP16,
channels-last), run the model, decode on the GPU (best class per anchor, confidence threshold,
torchvision batched_nms, max detections, boxes mapped back to frame pixels) and copy the
detections to the host. Stages are timed with CUDA events, end to end with the host clock after
the download (a synchronization). "compile" compiles encode + model with torch.compile
(reduce-overhead); decode stays eager (its sizes depend on the data).
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "models", "export"))
import parity_models  # noqa: E402


def percentile(sorted_samples, p):
    rank = math.ceil(p / 100.0 * len(sorted_samples))
    return sorted_samples[min(max(rank, 1), len(sorted_samples)) - 1]


def stats(samples):
    s = sorted(samples)
    return {"median_ms": percentile(s, 50), "p99_ms": percentile(s, 99), "max_ms": s[-1]}


def read_image_bgr(path, width, height):
    """The picture as a BGR frame of width x height, scaled by nearest neighbour exactly as
    `fovea bench --frame` scales it (source pixel floor(x * src_w / width))."""
    from PIL import Image
    rgb = np.asarray(Image.open(path).convert("RGB"))
    ys = (np.arange(height, dtype=np.int64) * rgb.shape[0]) // height
    xs = (np.arange(width, dtype=np.int64) * rgb.shape[1]) // width
    return np.ascontiguousarray(rgb[ys][:, xs, ::-1])


@torch.no_grad()
def fold_batchnorm(model):
    """Folds every parity_models.Conv's BatchNorm into its convolution, as the ONNX export did."""
    for m in model.modules():
        if isinstance(m, parity_models.Conv) and isinstance(getattr(m, "bn", None), nn.BatchNorm2d):
            conv, bn = m.conv, m.bn
            scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
            fused = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride,
                              conv.padding, conv.dilation, conv.groups, bias=True)
            fused.weight.copy_(conv.weight * scale.view(-1, 1, 1, 1))
            bias = conv.bias if conv.bias is not None else torch.zeros_like(bn.running_mean)
            fused.bias.copy_((bias - bn.running_mean) * scale + bn.bias)
            m.conv, m.bn = fused, nn.Identity()
    return model


@torch.no_grad()
def load_from_onnx(onnx_path, nc, size):
    import onnx
    from onnx import numpy_helper
    model = fold_batchnorm(parity_models.YOLOv8n(nc=nc).eval())
    order = []
    hooks = [m.register_forward_hook(lambda mod, i, o: order.append(mod))
             for m in model.modules() if isinstance(m, nn.Conv2d)]
    model(torch.zeros(1, 3, size, size))
    for h in hooks:
        h.remove()
    graph = onnx.load(onnx_path).graph
    inits = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    consts = {n.output[0]: numpy_helper.to_array(n.attribute[0].t) for n in graph.node if n.op_type == "Constant"}
    convs = [n for n in graph.node if n.op_type == "Conv"]
    if len(convs) != len(order):
        raise SystemExit(f"{onnx_path}: {len(convs)} Conv nodes, the module runs {len(order)} convolutions")
    for node, conv in zip(convs, order):
        w = inits.get(node.input[1], consts.get(node.input[1]))
        if w is None or tuple(w.shape) != tuple(conv.weight.shape):
            raise SystemExit(f"{onnx_path}: Conv '{node.name}' weight does not fit {tuple(conv.weight.shape)}")
        conv.weight.copy_(torch.from_numpy(np.array(w)))
        if len(node.input) > 2 and node.input[2]:
            b = inits.get(node.input[2], consts.get(node.input[2]))
            if conv.bias is None:
                conv.bias = nn.Parameter(torch.zeros(conv.out_channels))
            conv.bias.copy_(torch.from_numpy(np.array(b)))
        elif conv.bias is not None:
            conv.bias.zero_()
    return model


def check_with_onnxruntime(model, onnx_path, size):
    import onnxruntime as ort
    x = torch.rand(1, 3, size, size)
    with torch.no_grad():
        ref = model(x).numpy()
    sess = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    got = sess.run(None, {sess.get_inputs()[0].name: x.numpy()})[0]
    return float(np.abs(ref - got).max())


def letterbox_geometry(w, h, size):
    scale = min(size / w, size / h)
    nw, nh = int(round(w * scale)), int(round(h * scale))
    return nw, nh, (size - nw) // 2, (size - nh) // 2


def make_encoder(w, h, size):
    nw, nh, px, py = letterbox_geometry(w, h, size)

    def encode(frame_u8):  # [H, W, 3] uint8 BGR on the device
        x = frame_u8.flip(-1).permute(2, 0, 1).unsqueeze(0).float()
        x = F.interpolate(x, size=(nh, nw), mode="bilinear", align_corners=False, antialias=False)
        x = F.pad(x, (px, size - nw - px, py, size - nh - py), value=114.0)
        return (x / 255.0).half().contiguous(memory_format=torch.channels_last)
    return encode, (nw / w, nh / h, px, py)


def decode(out, geometry, w, h, conf, iou, max_det):
    import torchvision
    sx, sy, px, py = geometry
    p = out[0].float().transpose(0, 1)  # [N, 4+nc]
    scores, classes = p[:, 4:].max(1)
    keep = scores > conf
    b, scores, classes = p[keep, :4], scores[keep], classes[keep]
    boxes = torch.cat((b[:, :2] - b[:, 2:] / 2, b[:, :2] + b[:, 2:] / 2), 1)
    idx = torchvision.ops.batched_nms(boxes, scores, classes, iou)[:max_det]
    boxes = boxes[idx]
    boxes[:, 0::2] = ((boxes[:, 0::2] - px) / sx).clamp(0, w)
    boxes[:, 1::2] = ((boxes[:, 1::2] - py) / sy).clamp(0, h)
    return boxes, scores[idx], classes[idx]


@torch.inference_mode()
def run_peer(peer, model, frame, args, device):
    h, w = frame.shape[:2]
    encode, geometry = make_encoder(w, h, args.size)
    host = torch.from_numpy(frame).pin_memory()
    dev = torch.empty_like(host, device=device)
    forward = (lambda u8: model(encode(u8)))
    if peer == "compile":
        torch._dynamo.reset()
        forward = torch.compile(forward, mode="reduce-overhead")
    stages = {k: [] for k in ("upload", "encode+infer", "decode+download", "end_to_end")}
    count = 0
    for i in range(args.warmup + args.iterations):
        ev = [torch.cuda.Event(enable_timing=True) for _ in range(3)]
        t0 = time.perf_counter()
        ev[0].record()
        dev.copy_(host, non_blocking=True)
        ev[1].record()
        out = forward(dev)
        ev[2].record()
        boxes, scores, classes = decode(out, geometry, w, h, args.conf, args.iou, args.max_det)
        result = (boxes.cpu(), scores.cpu(), classes.cpu())  # synchronizes
        t1 = time.perf_counter()
        if i >= args.warmup:
            torch.cuda.synchronize()
            stages["upload"].append(ev[0].elapsed_time(ev[1]))
            stages["encode+infer"].append(ev[1].elapsed_time(ev[2]))
            stages["decode+download"].append((t1 - t0) * 1000.0 - ev[0].elapsed_time(ev[2]))
            stages["end_to_end"].append((t1 - t0) * 1000.0)
            count = len(result[0])
    row = {"peer": peer, "detections": count, "gpu": torch.cuda.get_device_name(device), "torch": torch.__version__,
           "frame": f"{w}x{h}", "size": args.size}
    row.update({k: stats(v) for k, v in stages.items()})
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--onnx", required=True)
    ap.add_argument("--image", required=True)
    ap.add_argument("--frame", default="1920x1080", help="frame size WxH the picture is scaled to")
    ap.add_argument("--json", required=True)
    ap.add_argument("--nc", type=int, default=8)
    ap.add_argument("--size", type=int, default=640)
    ap.add_argument("--conf", type=float, default=0.25)
    ap.add_argument("--iou", type=float, default=0.45)
    ap.add_argument("--max-det", type=int, default=300)
    ap.add_argument("--iterations", type=int, default=300)
    ap.add_argument("--warmup", type=int, default=30)
    ap.add_argument("--peers", nargs="+", default=["eager", "compile"])
    args = ap.parse_args()
    device = torch.device("cuda")
    model = load_from_onnx(args.onnx, args.nc, args.size)
    diff = check_with_onnxruntime(model, args.onnx, args.size)
    print(f"weights from {args.onnx}: max |torch - onnxruntime| = {diff:.2e}", flush=True)
    if diff > 1e-2:
        raise SystemExit("the module does not reproduce the ONNX model; refusing to benchmark it")
    # The anchor grid is built on the CPU per call; precompute it on the device (as torch_peers does).
    detect = model.detect
    points, strides = detect.anchors([torch.empty(1, 1, args.size // s, args.size // s) for s in detect.strides])
    points, strides = points.to(device, torch.float16), strides.to(device, torch.float16)
    detect.anchors = lambda feats: (points, strides)
    model = model.to(device=device, dtype=torch.float16, memory_format=torch.channels_last)
    fw, fh = (int(v) for v in args.frame.split("x"))
    frame = read_image_bgr(args.image, fw, fh)
    rows = []
    for peer in args.peers:
        try:
            rows.append(run_peer(peer, model, frame, args, device))
        except Exception as err:  # a failed peer is reported, the others still run
            rows.append({"peer": peer, "error": f"{type(err).__name__}: {err}"[:500]})
        print(json.dumps(rows[-1]), flush=True)
        with open(args.json, "w") as f:
            json.dump({"onnx_check_max_abs": diff, "rows": rows}, f, indent=2)


if __name__ == "__main__":
    main()
