"""PyTorch peers for fovea's GPU benchmark: eager and torch.compile, FP16, channels-last.

Run on the GPU machine after bench/export_models.py (same weights, read from its .pt files):
    python3 bench/torch_peers.py --weights DIR --json peers.json
        [--models resnet50 mobilenetv3_large yolov8n] [--batches 1 32]
        [--peers eager compile] [--iterations 300] [--warmup 30]

Each (model, batch, peer) row is timed with CUDA events around every call after warm-up, on the
current stream: a call's latency includes any launch gap of the CPU, as fovea bench's does.
Reported: median, p90, p99 (nearest rank), max latency in ms, and throughput = batch / mean
latency in images/s. torch.compile uses mode="reduce-overhead" (CUDA graphs); its warm-up runs
the compilation and the graph recording before anything is timed.

The JSON file is rewritten after every row, so a run cut short keeps what it measured. A row
that fails (compilation included) is written with "error" set and no numbers; the run goes on.
"""
import argparse
import json
import math
import os
import sys
import time
import traceback

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_models  # noqa: E402  (model definitions and the shared weights loader)

PEERS = {"eager": "torch eager fp16 channels_last",
         "compile": "torch.compile reduce-overhead fp16 channels_last"}
COMPILE_WARMUP_CALLS = 5  # compile, then CUDA-graph warm-up and recording take the first few calls


def log(message):
    print(message, flush=True)


def percentile(sorted_samples, p):
    """Nearest-rank percentile, the same definition as fovea's."""
    rank = math.ceil(p / 100.0 * len(sorted_samples))
    return sorted_samples[min(max(rank, 1), len(sorted_samples)) - 1]


def latency_stats(samples_ms, batch):
    s = sorted(samples_ms)
    mean = sum(s) / len(s)
    return {"median_ms": percentile(s, 50), "p90_ms": percentile(s, 90), "p99_ms": percentile(s, 99),
            "max_ms": s[-1], "mean_ms": mean, "throughput_ips": batch * 1000.0 / mean, "iterations": len(s)}


def fixed_yolo_anchors(model, image_size, device, dtype):
    """Replaces YOLOv8n's per-call anchor grid (built on the CPU) with precomputed device tensors.

    parity_models.Detect.anchors builds its grid with torch.arange on the CPU, which cannot be
    mixed with CUDA tensors and would keep torch.compile from using CUDA graphs. The grid depends
    only on the feature-map sizes, fixed for a fixed input size, so it is computed once with the
    model's own method and returned as constants.
    """
    detect = model.detect
    sizes = [image_size // s for s in detect.strides]
    points, strides = detect.anchors([torch.empty(1, 1, n, n) for n in sizes])
    points, strides = points.to(device, dtype), strides.to(device, dtype)
    detect.anchors = lambda feats: (points, strides)


def prepare_model(name, weights_dir, device):
    model = export_models.load_model(name, weights_dir)
    if name == "yolov8n":
        fixed_yolo_anchors(model, export_models.MODEL_SPECS[name].image_size, device, torch.float16)
    return model.to(device=device, dtype=torch.float16, memory_format=torch.channels_last)


def make_input(name, batch, device):
    spec = export_models.MODEL_SPECS[name]
    gen = torch.Generator(device="cpu").manual_seed(batch)
    x = torch.randn(*export_models.input_shape(spec, batch), generator=gen)
    return x.to(device=device, dtype=torch.float16).contiguous(memory_format=torch.channels_last)


@torch.inference_mode()
def time_calls(fn, x, batch, warmup, iterations):
    for _ in range(warmup):
        fn(x)
    torch.cuda.synchronize()
    starts = [torch.cuda.Event(enable_timing=True) for _ in range(iterations)]
    ends = [torch.cuda.Event(enable_timing=True) for _ in range(iterations)]
    for i in range(iterations):
        starts[i].record()
        fn(x)
        ends[i].record()
    torch.cuda.synchronize()
    return latency_stats([s.elapsed_time(e) for s, e in zip(starts, ends)], batch)


def cudagraph_skip_count():
    """Inductor's count of graphs it ran without CUDA graphs (None where this PyTorch has none)."""
    try:
        from torch._dynamo.utils import counters
        return int(counters["inductor"]["cudagraph_skips"])
    except Exception:
        return None


def run_row(name, batch, peer, model, args, device):
    x = make_input(name, batch, device)
    row = {"model": name, "batch": batch, "peer": peer, "description": PEERS[peer],
           "gpu": torch.cuda.get_device_name(device), "torch": torch.__version__}
    start = time.perf_counter()
    if peer == "eager":
        fn = model
    else:
        torch._dynamo.reset()  # one compilation per (model, batch); no recompile limits carried over
        skips_before = cudagraph_skip_count()
        fn = torch.compile(model, mode="reduce-overhead", fullgraph=False)
        with torch.inference_mode():
            for _ in range(COMPILE_WARMUP_CALLS):
                fn(x)
        torch.cuda.synchronize()
        row["compile_seconds"] = round(time.perf_counter() - start, 2)
    row.update(time_calls(fn, x, batch, args.warmup, args.iterations))
    if peer == "compile":
        skips_after = cudagraph_skip_count()
        if skips_before is not None and skips_after is not None:
            row["cudagraph_skips"] = skips_after - skips_before  # > 0: some graph ran without CUDA graphs
    row["seconds"] = round(time.perf_counter() - start, 2)
    return row


def write_rows(path, rows):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(rows, f, indent=2)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weights", required=True, help="folder with <model>.pt from export_models.py")
    ap.add_argument("--json", required=True, help="output file (a JSON list of rows)")
    ap.add_argument("--models", nargs="+", default=list(export_models.MODEL_SPECS),
                    choices=list(export_models.MODEL_SPECS))
    ap.add_argument("--batches", nargs="+", type=int, default=[1, 32])
    ap.add_argument("--peers", nargs="+", default=list(PEERS), choices=list(PEERS))
    ap.add_argument("--iterations", type=int, default=300)
    ap.add_argument("--warmup", type=int, default=30)
    args = ap.parse_args()
    if args.iterations < 1 or args.warmup < 0 or any(b < 1 for b in args.batches):
        ap.error("--iterations and --batches must be >= 1, --warmup >= 0")
    if not torch.cuda.is_available():
        log("torch_peers: no CUDA device visible to PyTorch")
        return 2

    import torch._inductor.config as inductor_config
    inductor_config.compile_threads = os.cpu_count() or 1
    torch.backends.cudnn.benchmark = True  # let eager pick its fastest convolution algorithms
    device = torch.device("cuda", torch.cuda.current_device())
    log(f"torch_peers: torch {torch.__version__}, {torch.cuda.get_device_name(device)}, "
        f"compile_threads={inductor_config.compile_threads}")

    rows = []
    for name in args.models:
        try:
            model = prepare_model(name, args.weights, device)
        except Exception as err:
            log(f"{name}: cannot load the model: {type(err).__name__}: {err}")
            for batch in args.batches:
                for peer in args.peers:
                    rows.append({"model": name, "batch": batch, "peer": peer, "error": f"load: {err}"})
            write_rows(args.json, rows)
            continue
        for batch in args.batches:
            for peer in args.peers:
                log(f"{name} batch={batch} {peer}: running")
                try:
                    row = run_row(name, batch, peer, model, args, device)
                    log(f"{name} batch={batch} {peer}: median {row['median_ms']:.3f} ms, p99 {row['p99_ms']:.3f} ms, "
                        f"{row['throughput_ips']:.0f} img/s ({row['seconds']} s)")
                except Exception as err:  # compile failures, out of memory: record and go on
                    log(f"{name} batch={batch} {peer}: FAILED: {type(err).__name__}: {err}")
                    traceback.print_exc(limit=3)
                    sys.stdout.flush()
                    row = {"model": name, "batch": batch, "peer": peer, "description": PEERS[peer],
                           "error": f"{type(err).__name__}: {str(err)[:500]}"}
                    torch.cuda.empty_cache()
                rows.append(row)
                write_rows(args.json, rows)
        del model
        torch._dynamo.reset()
        torch.cuda.empty_cache()
    failed = sum(1 for r in rows if "error" in r)
    log(f"torch_peers: {len(rows) - failed} rows measured, {failed} failed; written to {args.json}")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
