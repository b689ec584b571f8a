#!/usr/bin/python3
"""Synthetic detection scenes for fovea's demo detector (8 robot-relevant classes).

To disk (DIR/images/*.jpg + DIR/annotations.json, COCO: file_name relative to DIR/images,
category ids 0..7, bbox [x, y, w, h] in pixels):
    generate_scenes.py --out DIR --count N --seed S [--jpeg-quality Q] [--sizes 640x480:3,1280x720:1]
                       [--workers K] [--photos auto|off]
In memory, for training (letterboxed to size x size like fovea's encoder does):
    images, boxes = generate_batch(seed, count, size)

Scene i of seed S depends only on (S, i) (numpy's SeedSequence), never on the worker count, so a
dataset is the same however it is split; it is byte-identical on the same numpy / Pillow versions
and the same set of scikit-image sample photos (or --photos off).
"""
import argparse
import io
import json
import mmap
import multiprocessing as mp
import os
import sys
import time

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from letterbox import boxes_to_network, letterbox  # noqa: E402
from object_sprites import CLASS_NAMES  # noqa: E402
from scene_backgrounds import photo_paths  # noqa: E402
from scene_composer import compose_scene  # noqa: E402

# Scene sizes and their weights: mostly 640x480 .. 1280x720, some portrait and some 1920x1080.
DEFAULT_SIZES = "640x480:25,800x600:12,960x540:10,1024x768:13,1280x720:20,480x640:8,720x720:4,1920x1080:8"


def parse_sizes(text):
    sizes, weights = [], []
    for part in text.split(","):
        dims, _, weight = part.partition(":")
        w, h = (int(v) for v in dims.lower().split("x"))
        if not (16 <= w <= 8192 and 16 <= h <= 8192):
            raise ValueError(f"--sizes: {dims} is outside 16..8192")
        sizes.append((w, h))
        weights.append(float(weight) if weight else 1.0)
    p = np.array(weights) / sum(weights)
    return sizes, p


def scene_rng(seed, index):
    return np.random.default_rng(np.random.SeedSequence([int(seed), int(index)]))


def render_scene(seed, index, sizes, probs, photos):
    rng = scene_rng(seed, index)
    W, H = sizes[int(rng.choice(len(sizes), p=probs))]
    image, boxes = compose_scene(rng, W, H, photos)
    return rng, image, boxes


# ---- to disk ----

_job = {}


def _init_disk_job(job):
    _job.update(job)


def _write_one(index):
    j = _job
    _, image, boxes = render_scene(j["seed"], index, j["sizes"], j["probs"], j["photos"])
    name = f"{index:06d}.jpg"
    Image.fromarray(image).save(os.path.join(j["out"], "images", name), quality=j["quality"], optimize=True)
    return index, name, image.shape[1], image.shape[0], boxes


def write_dataset(out, count, seed, quality, sizes, probs, workers, photos):
    os.makedirs(os.path.join(out, "images"), exist_ok=True)
    job = dict(out=out, seed=seed, quality=quality, sizes=sizes, probs=probs, photos=photos)
    images, annotations = [], []
    with mp.get_context("fork").Pool(workers, _init_disk_job, (job,)) as pool:
        for index, name, w, h, boxes in pool.imap(_write_one, range(count), chunksize=4):
            images.append({"id": index, "file_name": name, "width": w, "height": h})
            for cls, x1, y1, x2, y2 in boxes:
                annotations.append({"id": len(annotations) + 1, "image_id": index, "category_id": cls,
                                    "bbox": [x1, y1, x2 - x1, y2 - y1], "area": (x2 - x1) * (y2 - y1),
                                    "iscrowd": 0})
    coco = {"info": {"description": "fovea synthetic demo scenes", "seed": seed, "count": count,
                     "photos": [os.path.basename(p) for p in photos]},
            "images": images, "annotations": annotations,
            "categories": [{"id": i, "name": n} for i, n in enumerate(CLASS_NAMES)]}
    with open(os.path.join(out, "annotations.json"), "w") as f:
        json.dump(coco, f, separators=(",", ":"))
    return coco


# ---- in memory, for training ----

_shared = {}


def _render_into_slot(index):
    j = _shared
    rng, image, boxes = render_scene(j["seed"], j["first"] + index, j["sizes"], j["probs"], j["photos"])
    if rng.random() < j["jpeg_prob"]:  # the same compression artefacts the held-out JPEGs have
        buf = io.BytesIO()
        Image.fromarray(image).save(buf, format="JPEG", quality=int(rng.integers(60, 96)))
        image = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))
    net, transform = letterbox(image, j["size"])
    j["array"][index] = net
    b = np.zeros((len(boxes), 5), np.float32)
    if boxes:
        b[:, 0] = [bx[0] for bx in boxes]
        b[:, 1:] = boxes_to_network([bx[1:] for bx in boxes], transform)
    return index, b


def generate_batch(seed, count, size, workers=None, sizes=DEFAULT_SIZES, photos="auto", jpeg_prob=0.5,
                   first=0, progress=None):
    """Scenes first .. first+count-1 of `seed`, letterboxed to size x size. Returns (uint8 array
    [count, size, size, 3] RGB, list of float32 [n, 5] arrays of (class, x1, y1, x2, y2) in network
    pixels). Workers write straight into one shared anonymous mapping (fork), so no image is pickled
    and /dev/shm's size does not matter. The returned array is that mapping (read-write)."""
    sizes, probs = parse_sizes(sizes)
    workers = workers or os.cpu_count() or 1
    nbytes = count * size * size * 3
    buf = mmap.mmap(-1, max(1, nbytes))
    array = np.frombuffer(buf, np.uint8, count * size * size * 3).reshape(count, size, size, 3)
    _shared.update(seed=seed, first=first, size=size, sizes=sizes, probs=probs, array=array,
                   photos=photo_paths() if photos == "auto" else [], jpeg_prob=jpeg_prob)
    boxes = [None] * count
    chunk = max(1, min(16, count // (workers * 8)))
    if workers == 1:
        results = map(_render_into_slot, range(count))
        pool = None
    else:
        pool = mp.get_context("fork").Pool(workers)
        results = pool.imap_unordered(_render_into_slot, range(count), chunksize=chunk)
    try:
        for done, (index, b) in enumerate(results, 1):
            boxes[index] = b
            if progress and done % 1000 == 0:
                progress(done, count)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    _shared.clear()
    return array, boxes  # the array keeps the mapping alive; no copy of a dataset that can be 7 GB


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--jpeg-quality", type=int, default=90)
    ap.add_argument("--sizes", default=DEFAULT_SIZES, help="WxH[:weight],... (default: %(default)s)")
    ap.add_argument("--workers", type=int, default=os.cpu_count())
    ap.add_argument("--photos", choices=["auto", "off"], default="auto",
                    help="auto: use scikit-image's sample photos as some backgrounds when present")
    args = ap.parse_args()
    if args.count <= 0 or not 1 <= args.jpeg_quality <= 100:
        ap.error("--count must be positive and --jpeg-quality in 1..100")
    sizes, probs = parse_sizes(args.sizes)
    photos = photo_paths() if args.photos == "auto" else []
    t0 = time.time()
    coco = write_dataset(args.out, args.count, args.seed, args.jpeg_quality, sizes, probs,
                         max(1, args.workers), photos)
    per_class = np.bincount([a["category_id"] for a in coco["annotations"]], minlength=len(CLASS_NAMES))
    print(f"{args.count} images, {len(coco['annotations'])} boxes in {time.time() - t0:.1f} s -> {args.out}; "
          f"{len(photos)} sample photos; per class: "
          + ", ".join(f"{n}={c}" for n, c in zip(CLASS_NAMES, per_class)))


if __name__ == "__main__":
    main()
