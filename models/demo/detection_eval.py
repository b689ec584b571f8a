"""A small in-Python detection evaluator for training-time checks: decode the YOLOv8 head,
class-aware NMS, and COCO-style AP (101-point interpolated precision, greedy matching by score,
each detection to the unmatched ground truth it overlaps most) at IoU 0.5 and 0.5:0.95.

This is a sanity meter for training; fovea's own `fovea eval` is the measured number.
"""
import json
import os

import numpy as np
import torch
from PIL import Image

from detection_loss import decode_distribution, dist2bbox, make_anchors
from letterbox import boxes_to_source, letterbox

try:
    from torchvision.ops import batched_nms as _tv_batched_nms
except Exception:  # torchvision is optional (absent on the development machine)
    _tv_batched_nms = None


def box_iou(a, b):
    """IoU matrix of [n, 4] and [m, 4] xyxy tensors."""
    area_a = (a[:, 2] - a[:, 0]).clamp(0) * (a[:, 3] - a[:, 1]).clamp(0)
    area_b = (b[:, 2] - b[:, 0]).clamp(0) * (b[:, 3] - b[:, 1]).clamp(0)
    lt = torch.max(a[:, None, :2], b[None, :, :2])
    rb = torch.min(a[:, None, 2:], b[None, :, 2:])
    inter = (rb - lt).clamp(0).prod(-1)
    return inter / (area_a[:, None] + area_b[None, :] - inter + 1e-9)


def batched_nms(boxes, scores, classes, iou):
    if boxes.numel() == 0:
        return torch.zeros(0, dtype=torch.long, device=boxes.device)
    if _tv_batched_nms is not None:
        return _tv_batched_nms(boxes, scores, classes, iou)
    # Offsetting boxes by class keeps classes apart, as torchvision does.
    shifted = boxes + classes[:, None].to(boxes.dtype) * (boxes.max() + 1)
    order = scores.argsort(descending=True)
    ious = box_iou(shifted[order], shifted[order])
    keep = torch.ones(len(order), dtype=torch.bool)
    for i in range(len(order)):
        if keep[i]:
            keep[i + 1:] &= ious[i, i + 1:] <= iou
    return order[keep]


def decode_raw(feats, nc, strides=(8, 16, 32)):
    """Raw head maps -> (boxes [B, A, 4] xyxy in input pixels, scores [B, A, nc] sigmoided)."""
    B = feats[0].shape[0]
    x = torch.cat([f.float().reshape(B, 4 * 16 + nc, -1) for f in feats], 2).permute(0, 2, 1)
    anchors, stride = make_anchors([f.shape[2:] for f in feats], strides, x.device)
    boxes = dist2bbox(decode_distribution(x[..., :64]), anchors) * stride
    return boxes, x[..., 64:].sigmoid()


def nms_detections(boxes, scores, conf=0.001, iou=0.7, max_det=300, max_candidates=3000):
    """One image: boxes [A, 4], scores [A, nc] -> numpy [n, 6] (x1, y1, x2, y2, score, class)."""
    best, cls = scores.max(1)
    keep = best > conf
    boxes, best, cls = boxes[keep], best[keep], cls[keep]
    if best.numel() > max_candidates:
        top = best.topk(max_candidates).indices
        boxes, best, cls = boxes[top], best[top], cls[top]
    kept = batched_nms(boxes, best, cls, iou)[:max_det]
    return torch.cat((boxes[kept], best[kept, None], cls[kept, None].float()), 1).cpu().numpy()


def iou_numpy(a, b):
    lt = np.maximum(a[:, None, :2], b[None, :, :2])
    rb = np.minimum(a[:, None, 2:4], b[None, :, 2:4])
    inter = np.clip(rb - lt, 0, None).prod(-1)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    return inter / (area_a[:, None] + area_b[None, :] - inter + 1e-9)


def average_precision(dets, gts, nc, thresholds=(0.5,)):
    """dets: per image [n, 6] (x1, y1, x2, y2, score, class); gts: per image [m, 5] (class, x1..y2).
    Returns (mAP per threshold [T], AP per class [T, nc], NaN for classes with no ground truth)."""
    T = len(thresholds)
    ap = np.full((T, nc), np.nan)
    for c in range(nc):
        scores, matched = [], [[] for _ in range(T)]
        n_gt = 0
        for d, g in zip(dets, gts):
            dc = d[d[:, 5] == c] if len(d) else np.zeros((0, 6))
            gc = g[g[:, 0] == c][:, 1:5] if len(g) else np.zeros((0, 4))
            n_gt += len(gc)
            dc = dc[np.argsort(-dc[:, 4], kind="stable")]
            scores.append(dc[:, 4])
            ious = iou_numpy(dc[:, :4], gc) if len(dc) and len(gc) else np.zeros((len(dc), len(gc)))
            for t, thr in enumerate(thresholds):
                used = np.zeros(len(gc), bool)
                tp = np.zeros(len(dc), bool)
                for i in range(len(dc)):
                    cand = np.where(~used & (ious[i] >= thr), ious[i], -1.0)
                    j = int(cand.argmax()) if len(gc) else -1
                    if j >= 0 and cand[j] >= 0:
                        used[j] = True
                        tp[i] = True
                matched[t].append(tp)
        if n_gt == 0:
            continue
        s = np.concatenate(scores)
        order = np.argsort(-s, kind="stable")
        for t in range(T):
            tp = np.concatenate(matched[t])[order].astype(np.float64)
            ctp, cfp = np.cumsum(tp), np.cumsum(1 - tp)
            recall = ctp / n_gt
            precision = ctp / np.maximum(ctp + cfp, 1e-9)
            precision = np.maximum.accumulate(precision[::-1])[::-1] if len(precision) else precision
            rs = np.linspace(0, 1, 101)
            idx = np.searchsorted(recall, rs, side="left")
            ap[t, c] = np.mean([precision[i] if i < len(precision) else 0.0 for i in idx])
    return np.nanmean(ap, axis=1), ap


@torch.no_grad()
def predict(model, images_u8, device, batch=32, amp_dtype=None):
    """uint8 [N, S, S, 3] (numpy or tensor) -> list of [n, 6] detections in input pixels. The model's
    Detect must return raw maps (detect.export = False)."""
    model.eval()
    out = []
    for i in range(0, len(images_u8), batch):
        x = torch.as_tensor(images_u8[i:i + batch]).to(device).permute(0, 3, 1, 2).float() / 255.0
        x = x.contiguous(memory_format=torch.channels_last)
        if amp_dtype is not None:
            with torch.autocast(device_type=device.type, dtype=amp_dtype):
                feats = model(x)
        else:
            feats = model(x)
        boxes, scores = decode_raw(feats, scores_nc(feats))
        out += [nms_detections(b, s) for b, s in zip(boxes, scores)]
    return out


def scores_nc(feats):
    return feats[0].shape[1] - 64


def evaluate_in_memory(model, images_u8, boxes, device, amp_dtype=None):
    """mAP@0.5 and mAP@0.5:0.95 on letterboxed images with boxes in input pixels."""
    dets = predict(model, images_u8, device, amp_dtype=amp_dtype)
    nc = model.detect.nc
    thr = tuple(np.linspace(0.5, 0.95, 10))
    maps, per_class = average_precision(dets, boxes, nc, thr)
    return maps[0], float(np.mean(maps)), per_class[0]


def load_coco_dir(folder, size):
    """A COCO folder (annotations.json + images) -> (letterboxed uint8 [N, S, S, 3], transforms,
    source sizes, ground truth per image [m, 5] in source pixels)."""
    with open(os.path.join(folder, "annotations.json")) as f:
        coco = json.load(f)
    by_image = {im["id"]: [] for im in coco["images"]}
    for a in coco["annotations"]:
        x, y, w, h = a["bbox"]
        by_image[a["image_id"]].append([a["category_id"], x, y, x + w, y + h])
    images, transforms, sizes, gts = [], [], [], []
    for im in coco["images"]:
        path = os.path.join(folder, "images", im["file_name"])
        if not os.path.isfile(path):  # file names written relative to the dataset folder
            path = os.path.join(folder, im["file_name"])
        with Image.open(path) as pil:
            arr = np.asarray(pil.convert("RGB"))
        net, tr = letterbox(arr, size)
        images.append(net)
        transforms.append(tr)
        sizes.append((arr.shape[1], arr.shape[0]))
        gts.append(np.array(by_image[im["id"]], np.float64).reshape(-1, 5))
    return np.stack(images), transforms, sizes, gts


def evaluate_coco_dir(model, folder, device, size=640, amp_dtype=None):
    """mAP@0.5, mAP@0.5:0.95 and AP@0.5 per class on a COCO folder, boxes mapped back to source pixels
    the way fovea maps them (letterbox undone, clipped)."""
    images, transforms, sizes, gts = load_coco_dir(folder, size)
    dets = predict(model, images, device, amp_dtype=amp_dtype)
    for d, tr, (w, h) in zip(dets, transforms, sizes):
        if len(d):
            d[:, :4] = boxes_to_source(d[:, :4], tr, w, h)
    thr = tuple(np.linspace(0.5, 0.95, 10))
    maps, per_class = average_precision(dets, gts, model.detect.nc, thr)
    return maps[0], float(np.mean(maps)), per_class[0]
