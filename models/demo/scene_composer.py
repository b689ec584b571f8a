"""Composes one synthetic scene: background, clutter, warped and lit objects with occlusion,
foreground occluders, then global lighting, blur and sensor noise. Ground truth is the tight box
of each object's VISIBLE pixels, found from a per-pixel map of which object is in front.

An object whose visible part is under MIN_VISIBLE of its whole (occluded by later objects or
occluders, or clipped by the image border) is not drawn at all, so every drawn object has a box
and the detector is never punished for finding something unlabelled.
"""
import math

import numpy as np
from PIL import Image, ImageFilter

from clutter_shapes import draw_clutter
from object_sprites import CLASS_NAMES, render_object
from scene_backgrounds import noise_field, render_background, resize_float

MIN_VISIBLE = 0.4
MIN_NET_PIXELS = 12.0    # smallest object side, in pixels of a 640-pixel network input
MAX_FRACTION = 0.6       # largest object side, as a fraction of the image's shorter side
OCCLUDER = -2
NOISE_PROB, NOISE_SIGMA = 0.5, (0.5, 3.0)  # sensor noise: how often, and its range in 0..255 units


def square_to_quad(q):
    """The 3x3 homography taking the unit square's corners (0,0), (1,0), (1,1), (0,1) to the 4
    points q (Heckbert's closed form: no linear solver, so no BLAS threads in the workers)."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = q
    sx, sy = x0 - x1 + x2 - x3, y0 - y1 + y2 - y3
    dx1, dx2, dy1, dy2 = x1 - x2, x3 - x2, y1 - y2, y3 - y2
    den = dx1 * dy2 - dx2 * dy1
    g = (sx * dy2 - dx2 * sy) / den
    h = (dx1 * sy - sx * dy1) / den
    return np.array([[x1 - x0 + g * x1, x3 - x0 + h * x3, x0],
                     [y1 - y0 + g * y1, y3 - y0 + h * y3, y0],
                     [g, h, 1.0]])


def inverse3(m):
    """3x3 inverse by the adjugate."""
    a, b, c, d, e, f, g, h, i = m.flatten()
    adj = np.array([[e * i - f * h, c * h - b * i, b * f - c * e],
                    [f * g - d * i, a * i - c * g, c * d - a * f],
                    [d * h - e * g, b * g - a * h, a * e - b * d]])
    return adj / (a * adj[0, 0] + b * adj[1, 0] + c * adj[2, 0])


def warp_sprite(rng, img, label):
    """Rotates, stretches and tilts a sprite (in-plane rotation + perspective) onto a canvas that
    just holds it. Returns (rgba, label_alpha) as PIL images of the same size."""
    w, h = img.size
    angle = rng.normal(0, math.radians(8)) if rng.random() < 0.9 else rng.uniform(-1.0, 1.0)
    stretch = math.exp(rng.normal(0, 0.1))
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float64)
    dst = corners * [stretch, 1.0]
    # Perspective: one edge shorter than the opposite one, as if seen at an angle.
    tilt = rng.uniform(0, 0.3) if rng.random() < 0.6 else 0.0
    a, b = [(0, 1), (1, 2), (2, 3), (3, 0)][int(rng.integers(4))]
    mid = (dst[a] + dst[b]) / 2
    dst[a], dst[b] = mid + (dst[a] - mid) * (1 - tilt), mid + (dst[b] - mid) * (1 - tilt)
    dst += rng.normal(0, 0.02, (4, 2)) * [w, h]
    c = dst.mean(0)
    rot = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    dst = (dst - c) @ rot.T
    dst -= dst.min(0)
    out_w, out_h = int(math.ceil(dst[:, 0].max())) + 1, int(math.ceil(dst[:, 1].max())) + 1
    # Output pixel -> sprite pixel, what PIL asks for: quad -> unit square -> sprite rectangle.
    inv = np.diag([w, h, 1.0]) @ inverse3(square_to_quad(dst))
    coeffs = tuple((inv / inv[2, 2]).flatten()[:8])
    warped = img.transform((out_w, out_h), Image.PERSPECTIVE, coeffs, Image.BILINEAR)
    wl = None if label is None else label.transform((out_w, out_h), Image.PERSPECTIVE, coeffs, Image.BILINEAR)
    return warped, wl


def light_sprite(rng, rgba):
    """Per-object brightness, colour gain and a directional shading ramp; returns float32 RGBA."""
    a = np.asarray(rgba).astype(np.float32)
    h, w = a.shape[:2]
    gain = rng.uniform(0.55, 1.25) * rng.uniform(0.95, 1.05, 3)
    ang = rng.uniform(0, 2 * math.pi)
    s = rng.uniform(0, 0.3)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    t = ((xs / max(1, w - 1) - 0.5) * math.cos(ang) + (ys / max(1, h - 1) - 0.5) * math.sin(ang)) * 2 * s
    a[..., :3] *= gain.astype(np.float32) * (1 + t[..., None])
    return a


def object_size(rng, W, H):
    lo = MIN_NET_PIXELS * max(W, H) / 640.0
    hi = MAX_FRACTION * min(W, H)
    if rng.random() < 0.12:
        return rng.uniform(0.3, 1.0) * hi
    # Log-uniform, leaning a little towards larger sizes (u ** 0.75): tiny objects stay, but rarer.
    u = rng.random() ** 0.75
    return math.exp(math.log(lo) + u * (math.log(0.45 * hi) - math.log(lo)))


def place(rng, W, H, w, h):
    """Top-left corner for a w x h sprite; up to ~35% of it may fall outside the image."""
    return int(rng.uniform(-0.35 * w, W - 0.65 * w)), int(rng.uniform(-0.35 * h, H - 0.65 * h))


def clip_region(x, y, w, h, W, H):
    """Slices of the scene and of the sprite where a sprite at (x, y) overlaps the image."""
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + w, W), min(y + h, H)
    if x1 <= x0 or y1 <= y0:
        return None
    return (slice(y0, y1), slice(x0, x1)), (slice(y0 - y, y1 - y), slice(x0 - x, x1 - x))


def paint_labels(label_map, items, keep):
    """Draws who-is-in-front: object index over its label mask, OCCLUDER over unlabelled pixels."""
    label_map.fill(-1)
    for idx, it in enumerate(items):
        if not keep[idx] or it["region"] is None:
            continue
        scene_sl, spr_sl = it["region"]
        alpha = it["alpha"][spr_sl] > 0.5
        mask = it["mask"][spr_sl]
        view = label_map[scene_sl]
        view[alpha & ~mask] = OCCLUDER
        if it["class_id"] is not None:
            view[mask] = idx
        else:
            view[alpha] = OCCLUDER


def composite(scene, it):
    scene_sl, spr_sl = it["region"]
    spr = it["rgba"][spr_sl]
    a = spr[..., 3:4] / 255.0
    scene[scene_sl] = scene[scene_sl] * (1 - a) + spr[..., :3] * a


def make_item(rng, W, H, class_id, size):
    if class_id is None:
        sprite, label = draw_clutter(rng, size), None
    else:
        sprite, label = render_object(rng, class_id, size)
    sprite, label = warp_sprite(rng, sprite, label)
    rgba = light_sprite(rng, sprite)
    alpha = rgba[..., 3] / 255.0
    mask = (np.asarray(label) > 127) if label is not None else alpha > 0.5
    h, w = alpha.shape
    x, y = place(rng, W, H, w, h)
    return {"class_id": class_id, "rgba": rgba, "alpha": alpha, "mask": mask, "area": int(mask.sum()),
            "region": clip_region(x, y, w, h, W, H)}


def finish_scene(rng, scene):
    """Global lighting, colour cast, blur and sensor noise; returns uint8."""
    H, W = scene.shape[:2]
    # Lighting is smooth: build it on a 1/8 grid and upsample once.
    w, h = max(2, W // 8), max(2, H // 8)
    light = 1.0 + rng.uniform(0.0, 0.3) * noise_field(rng, w, h, octaves=2, base_cells=2)
    ang, s = rng.uniform(0, 2 * math.pi), rng.uniform(0, 0.35)
    ys, xs = np.linspace(-0.5, 0.5, h, dtype=np.float32), np.linspace(-0.5, 0.5, w, dtype=np.float32)
    light = light * (1 + 2 * s * (xs[None, :] * math.cos(ang) + ys[:, None] * math.sin(ang)))
    light = resize_float(light * rng.uniform(0.75, 1.2), W, H, Image.BILINEAR)
    scene *= light[..., None]
    scene *= rng.uniform(0.9, 1.1, 3).astype(np.float32)
    img = Image.fromarray(np.clip(scene, 0, 255).astype(np.uint8), "RGB")
    if rng.random() < 0.4:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.3) * max(1.0, max(W, H) / 960)))
    out = np.asarray(img)
    if rng.random() < NOISE_PROB:
        sigma = rng.uniform(*NOISE_SIGMA)
        noise = rng.standard_normal((H, W, 1), dtype=np.float32) * sigma
        out = np.clip(out + noise, 0, 255).astype(np.uint8)
    return out


def compose_scene(rng, W, H, photo_paths):
    """Returns (uint8 H x W x 3 image, list of (class_id, x1, y1, x2, y2) in continuous pixel
    coordinates: x2 is one past the last visible column)."""
    scene = render_background(rng, W, H, photo_paths).astype(np.float32)
    for _ in range(int(rng.integers(0, 7))):  # background clutter: never occludes objects
        it = make_item(rng, W, H, None, object_size(rng, W, H) * rng.uniform(0.8, 2.5))
        if it["region"] is not None:
            composite(scene, it)
    items = [make_item(rng, W, H, int(rng.integers(len(CLASS_NAMES))), object_size(rng, W, H))
             for _ in range(int(rng.integers(1, 9)))]
    if rng.random() < 0.3:  # foreground occluders: poles, panels in front of objects
        items += [make_item(rng, W, H, None, object_size(rng, W, H) * rng.uniform(1.0, 2.0))
                  for _ in range(int(rng.integers(1, 3)))]
    label_map = np.empty((H, W), np.int16)
    keep = [it["region"] is not None and (it["class_id"] is None or it["area"] >= 4) for it in items]
    paint_labels(label_map, items, keep)
    # Dropping an object only uncovers others, so one pass keeps every survivor >= MIN_VISIBLE.
    for idx, it in enumerate(items):
        if keep[idx] and it["class_id"] is not None:
            visible = int((label_map[it["region"][0]] == idx).sum())
            keep[idx] = visible >= MIN_VISIBLE * it["area"]
    paint_labels(label_map, items, keep)
    boxes = []
    for idx, it in enumerate(items):
        if not keep[idx]:
            continue
        composite(scene, it)
        if it["class_id"] is None:
            continue
        scene_sl = it["region"][0]
        ys, xs = np.nonzero(label_map[scene_sl] == idx)
        if len(xs) == 0:
            continue
        x1, y1 = scene_sl[1].start + xs.min(), scene_sl[0].start + ys.min()
        x2, y2 = scene_sl[1].start + xs.max() + 1, scene_sl[0].start + ys.max() + 1
        boxes.append((it["class_id"], float(x1), float(y1), float(x2), float(y2)))
    return finish_scene(rng, scene), boxes
