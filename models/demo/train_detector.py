#!/usr/bin/python3
"""Trains the project's YOLOv8n-architecture detector (models/export/parity_models.py, nc=8) from
scratch on synthetic scenes, within a wall-clock budget.

    train_detector.py --out DIR [--time-budget-s 420] [--train-count 6000] [--batch 64] [--resume last.pt]

Recipe (Ultralytics v8's, from its published description): task-aligned assigner, CIoU + DFL,
BCE; AdamW with linear warmup and cosine decay over the time budget; bf16 autocast on GPUs that
have it (else fp16 + GradScaler); channels_last; EMA of the weights. The whole training set lives
on the device as uint8 and is augmented there (gpu_augment.py). Writes DIR/last.pt: the EMA
weights (what export_detector.py exports) plus counters; --resume starts both model and EMA from it.
"""
import argparse
import copy
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "export"))
from detection_eval import evaluate_coco_dir, evaluate_in_memory  # noqa: E402
from detection_loss import DetectionLoss  # noqa: E402
from generate_scenes import generate_batch  # noqa: E402
from gpu_augment import GpuAugmenter, pad_boxes  # noqa: E402
from object_sprites import CLASS_NAMES  # noqa: E402
from scene_backgrounds import photo_paths  # noqa: E402
from parity_models import YOLOv8n  # noqa: E402

NC = len(CLASS_NAMES)
PROCESS_START = time.time()


def log(*parts):
    print(*parts, flush=True)


def build_model(nc=NC, imgsz=640):
    """YOLOv8n with Ultralytics' head bias init: box logits 1.0, class logits at a prior of
    about 5 objects per image spread over the level's cells (keeps early BCE from exploding)."""
    model = YOLOv8n(nc)
    det = model.detect
    for a, b, s in zip(det.cv2, det.cv3, det.strides):
        a[-1].bias.data[:] = 1.0
        b[-1].bias.data[:nc] = math.log(5 / nc / (imgsz / s) ** 2)
    det.export = False
    return model


class ModelEMA:
    """Exponential moving average of every float parameter and buffer; the decay ramps up
    (d = 0.9999 * (1 - exp(-updates / tau))) so early, poor weights fade fast."""

    def __init__(self, model, decay=0.9999, tau=2000, updates=0):
        self.ema = copy.deepcopy(model).eval()
        for p in self.ema.parameters():
            p.requires_grad_(False)
        self.decay, self.tau, self.updates = decay, tau, updates
        self.bind(model)

    def bind(self, model):
        msd, esd = model.state_dict(), self.ema.state_dict()
        keys = [k for k, v in esd.items() if v.dtype.is_floating_point]
        self.ema_tensors = [esd[k] for k in keys]
        self.model_tensors = [msd[k] for k in keys]

    @torch.no_grad()
    def update(self):
        self.updates += 1
        d = self.decay * (1 - math.exp(-self.updates / self.tau))
        if hasattr(torch, "_foreach_mul_"):
            torch._foreach_mul_(self.ema_tensors, d)
            torch._foreach_add_(self.ema_tensors, self.model_tensors, alpha=1 - d)
        else:
            for e, m in zip(self.ema_tensors, self.model_tensors):
                e.mul_(d).add_(m, alpha=1 - d)


def make_optimizer(model, lr, weight_decay, device):
    """AdamW; decay only on conv / linear weights, not on BatchNorm weights or biases."""
    decay, no_decay = [], []
    for mod in model.modules():
        for name, p in mod.named_parameters(recurse=False):
            if not p.requires_grad:
                continue
            (no_decay if name == "bias" or isinstance(mod, nn.BatchNorm2d) else decay).append(p)
    groups = [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    if device.type == "cuda":
        try:
            return torch.optim.AdamW(groups, lr=lr, betas=(0.9, 0.999), fused=True)
        except (TypeError, RuntimeError):
            pass
    return torch.optim.AdamW(groups, lr=lr, betas=(0.9, 0.999))


def pick_amp(arg, device):
    """Returns (autocast dtype or None, use GradScaler)."""
    if device.type != "cuda" or arg == "off":
        return None, False
    if arg == "fp16" or (arg == "auto" and not torch.cuda.is_bf16_supported()):
        return torch.float16, True
    return torch.bfloat16, False


def make_scaler(enabled):
    if hasattr(torch, "amp") and hasattr(torch.amp, "GradScaler"):
        try:
            return torch.amp.GradScaler("cuda", enabled=enabled)
        except TypeError:
            pass
    return torch.cuda.amp.GradScaler(enabled=enabled)


def save_checkpoint(path, ema, state):
    """EMA weights (fp32) + counters: ~12 MB, small enough to come back from the GPU machine."""
    ckpt = dict(state)
    ckpt.update(ema={k: v.detach().float().cpu() if v.dtype.is_floating_point else v.cpu()
                     for k, v in ema.ema.state_dict().items()},
                ema_updates=ema.updates, nc=NC, names=CLASS_NAMES)
    tmp = path + ".tmp"
    torch.save(ckpt, tmp)
    os.replace(tmp, path)


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="folder for last.pt")
    ap.add_argument("--time-budget-s", type=float, default=420.0, help="training loop wall clock, evals included")
    ap.add_argument("--train-count", type=int, default=6000)
    ap.add_argument("--heldout-count", type=int, default=256)
    ap.add_argument("--data-seed", type=int, default=1, help="training scenes; held-out scenes use seed + 1")
    ap.add_argument("--imgsz", type=int, default=640)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=0.002)
    ap.add_argument("--lrf", type=float, default=0.02, help="final lr as a fraction of --lr")
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--warmup-iters", type=int, default=300)
    ap.add_argument("--mosaic", type=float, default=0.5)
    ap.add_argument("--close-mosaic", type=float, default=0.15, help="fraction of the budget at the end without mosaic")
    ap.add_argument("--deadline-s", type=float, default=0.0,
                    help="if set, the whole run (data, training, final evals) aims to end within this many "
                         "seconds of start: the training budget shrinks when data generation ran long")
    ap.add_argument("--eval-every-s", type=float, default=60.0)
    ap.add_argument("--eval-coco", default="", help="a COCO folder (e.g. models/demo/val) to score at the end")
    ap.add_argument("--amp", choices=["auto", "bf16", "fp16", "off"], default="auto")
    ap.add_argument("--device", default="auto")
    ap.add_argument("--workers", type=int, default=0, help="scene generator processes (0: all cores)")
    ap.add_argument("--compile", action="store_true", help="torch.compile the model (torch 2.x)")
    ap.add_argument("--resume", default="", help="a last.pt: start model and EMA from its EMA weights")
    ap.add_argument("--seed", type=int, default=0, help="torch seed (init, batch order, augmentation)")
    return ap.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    device = torch.device(("cuda" if torch.cuda.is_available() else "cpu") if args.device == "auto" else args.device)
    torch.manual_seed(args.seed)
    log(f"torch {torch.__version__}, device {device}")

    # Data first, before CUDA work: the generator forks worker processes.
    t0 = time.time()
    workers = args.workers or os.cpu_count()
    train_x, train_boxes = generate_batch(args.data_seed, args.train_count, args.imgsz, workers=workers,
                                          progress=lambda d, n: log(f"  generated {d}/{n}"))
    held_x, held_boxes = generate_batch(args.data_seed + 1, args.heldout_count, args.imgsz, workers=workers,
                                        jpeg_prob=1.0)
    n_boxes = sum(len(b) for b in train_boxes)
    log(f"data: {len(train_x)} training scenes ({n_boxes} boxes) + {len(held_x)} held-out, "
        f"{args.imgsz}x{args.imgsz}, {time.time() - t0:.1f} s with {workers} processes, "
        f"{len(photo_paths())} scikit-image sample photos as backgrounds (models/demo/val used 14)")

    if args.deadline_s > 0:
        reserve = 45.0 if args.eval_coco else 25.0  # final held-out (+ COCO folder) evaluation and save
        left = args.deadline_s - (time.time() - PROCESS_START) - reserve
        if left < args.time_budget_s:
            log(f"deadline {args.deadline_s:.0f} s: training budget cut from {args.time_budget_s:.0f} to {left:.0f} s")
            args.time_budget_s = max(10.0, left)
    if device.type == "cuda":  # CUDA starts only now, after the generator's processes are gone
        log(f"GPU: {torch.cuda.get_device_name(device)}")
        torch.backends.cudnn.benchmark = True
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    images = torch.from_numpy(train_x).to(device)
    del train_x
    augment = GpuAugmenter(images, pad_boxes(train_boxes, device), mosaic=args.mosaic)
    held_gt = [np.asarray(b, np.float64).reshape(-1, 5) for b in held_boxes]

    model = build_model(NC, args.imgsz)
    start_step, prior_seconds = 0, 0.0
    if args.resume:
        ckpt = torch.load(args.resume, map_location="cpu")
        model.load_state_dict(ckpt["ema"])
        start_step, prior_seconds = ckpt.get("step", 0), ckpt.get("train_seconds", 0.0)
        log(f"resumed from {args.resume}: step {start_step}, {prior_seconds:.0f} s trained before")
    model = model.to(device).to(memory_format=torch.channels_last)
    ema = ModelEMA(model, updates=ckpt.get("ema_updates", 0) if args.resume else 0)
    ema.ema.detect.export = False
    optimizer = make_optimizer(model, args.lr, args.weight_decay, device)
    amp_dtype, use_scaler = pick_amp(args.amp, device)
    scaler = make_scaler(use_scaler) if device.type == "cuda" else None
    criterion = DetectionLoss(NC)
    forward = torch.compile(model) if args.compile else model
    log(f"model: {sum(p.numel() for p in model.parameters()) / 1e6:.2f} M parameters; amp "
        f"{amp_dtype if amp_dtype is not None else 'off'}; batch {args.batch}; budget {args.time_budget_s:.0f} s")

    n = images.shape[0]
    steps_per_epoch = max(1, n // args.batch)
    gen = torch.Generator(device=device)
    gen.manual_seed(args.seed)
    warmup = 0 if args.resume else args.warmup_iters
    step, epoch = 0, 0
    t_start = time.time()
    last_eval = t_start
    stop = False
    while not stop:
        model.train()
        perm = torch.randperm(n, device=device, generator=gen)
        sums = torch.zeros(3, device=device)
        t_epoch, seen = time.time(), 0
        progress = min(1.0, (time.time() - t_start) / args.time_budget_s)
        augment.mosaic = args.mosaic if progress < 1 - args.close_mosaic else 0.0
        for i in range(steps_per_epoch):
            progress = (time.time() - t_start) / args.time_budget_s
            if progress >= 1.0:
                stop = True
                break
            lr = args.lr * (args.lrf + (1 - args.lrf) * 0.5 * (1 + math.cos(math.pi * progress)))
            if step < warmup:
                lr *= (step + 1) / warmup
            for g in optimizer.param_groups:
                g["lr"] = lr
            x, targets = augment(perm[i * args.batch:(i + 1) * args.batch], gen)
            if amp_dtype is not None:
                with torch.autocast(device_type="cuda", dtype=amp_dtype):
                    feats = forward(x)
            else:
                feats = forward(x)
            loss, parts = criterion(feats, targets)
            optimizer.zero_grad(set_to_none=True)
            if scaler is not None:
                scaler.scale(loss).backward()
                scaler.unscale_(optimizer)
                torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
                scaler.step(optimizer)
                scaler.update()
            else:
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
                optimizer.step()
            ema.update()
            sums += parts
            step += 1
            seen += x.shape[0]
        if seen == 0:
            break
        epoch += 1
        if device.type == "cuda":
            torch.cuda.synchronize()
        dt = time.time() - t_epoch
        box, cls, dfl = (sums / max(1, seen // args.batch)).tolist()
        log(f"epoch {epoch:3d}  step {start_step + step:6d}  loss box {box:.3f} cls {cls:.3f} dfl {dfl:.3f}  "
            f"lr {lr:.2e}  {seen / dt:6.0f} img/s  mosaic {augment.mosaic:.1f}  {time.time() - t_start:5.0f} s")
        if time.time() - last_eval >= args.eval_every_s or stop:
            m50, m5095, _ = evaluate_in_memory(ema.ema, held_x, held_gt, device, amp_dtype)
            last_eval = time.time()
            log(f"  held-out ({len(held_x)} scenes, EMA): mAP@0.5 {m50:.4f}  mAP@0.5:0.95 {m5095:.4f}")
            save_checkpoint(os.path.join(args.out, "last.pt"), ema, {
                "step": start_step + step, "epoch": epoch,
                "train_seconds": prior_seconds + time.time() - t_start, "args": vars(args)})

    train_s = time.time() - t_start
    state = {"step": start_step + step, "epoch": epoch, "train_seconds": prior_seconds + train_s, "args": vars(args)}
    save_checkpoint(os.path.join(args.out, "last.pt"), ema, state)
    m50, m5095, per_class = evaluate_in_memory(ema.ema, held_x, held_gt, device, amp_dtype)
    log(f"done: {step} steps, {epoch} epochs, {train_s:.0f} s ({step * args.batch / max(train_s, 1e-9):.0f} img/s "
        f"incl. evals); held-out EMA mAP@0.5 {m50:.4f}, mAP@0.5:0.95 {m5095:.4f}")
    log("  AP@0.5 per class: " + ", ".join(f"{c} {a:.3f}" for c, a in zip(CLASS_NAMES, per_class)))
    if args.eval_coco:
        m50, m5095, per_class = evaluate_coco_dir(ema.ema, args.eval_coco, device, args.imgsz)
        log(f"{args.eval_coco} (source pixels, EMA, PyTorch fp32): "
            f"mAP@0.5 {m50:.4f}, mAP@0.5:0.95 {m5095:.4f}")
        log("  AP@0.5 per class: " + ", ".join(f"{c} {a:.3f}" for c, a in zip(CLASS_NAMES, per_class)))
    log(f"saved {os.path.join(args.out, 'last.pt')}")


if __name__ == "__main__":
    main()
