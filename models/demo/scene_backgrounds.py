"""Backgrounds for synthetic scenes: gradients, noise textures, floor/wall perspective planes and,
when scikit-image's bundled sample photos are on disk, crops of those photos.

Photos are read from skimage's data folder by path (skimage itself is never imported), so the
generator runs without it; with the same files present, output is the same for the same seed.
Photos showing people (astronaut, camera, lfw faces) are left out: they would be unlabelled
instances of the person class.
"""
import importlib.util
import math
import os

import numpy as np
import pil_boxes  # noqa: F401  (box corners in order on every Pillow)
from PIL import Image, ImageDraw

PHOTO_FILES = ["brick.png", "chelsea.png", "coffee.png", "coins.png", "grass.png", "gravel.png",
               "hubble_deep_field.jpg", "ihc.png", "moon.png", "motorcycle_left.png", "page.png",
               "retina.jpg", "rocket.jpg", "text.png"]

_photo_cache = {}


def photo_paths():
    """The sample photos present on this machine, in a fixed order."""
    spec = importlib.util.find_spec("skimage")
    if spec is None or not spec.submodule_search_locations:
        return []
    folder = os.path.join(list(spec.submodule_search_locations)[0], "data")
    return [os.path.join(folder, f) for f in PHOTO_FILES if os.path.isfile(os.path.join(folder, f))]


def load_photo(path):
    if path not in _photo_cache:
        with Image.open(path) as im:
            _photo_cache[path] = np.asarray(im.convert("RGB"))
    return _photo_cache[path]


def resize_float(a, W, H, resample=Image.BICUBIC):
    """Resizes a float32 2-D array (one channel) with PIL."""
    return np.asarray(Image.fromarray(a.astype(np.float32), "F").resize((W, H), resample))


def noise_field(rng, W, H, octaves=4, base_cells=4):
    """Multi-octave value noise in about [-1, 1], shape (H, W). The octaves are summed on a grid
    that still has >= 4 pixels per finest cell, then upsampled once: the cost stays near one resize."""
    finest = base_cells * 2 ** (octaves - 1)
    f = min(1.0, 4.0 * finest / max(W, H))
    w, h = max(2, int(W * f)), max(2, int(H * f))
    out = np.zeros((h, w), np.float32)
    amp, total = 1.0, 0.0
    cells = base_cells
    for _ in range(octaves):
        gw, gh = max(2, int(cells * W / max(W, H)) + 1), max(2, int(cells * H / max(W, H)) + 1)
        out += amp * resize_float(rng.uniform(-1, 1, (gh, gw)), w, h)
        total += amp
        amp *= 0.5
        cells *= 2
    out /= total
    return out if (w, h) == (W, H) else resize_float(out, W, H, Image.BILINEAR)


def smooth_color_field(rng, W, H, cells=3):
    """A smooth RGB field: random colours on a tiny grid, bilinearly upsampled."""
    base = rng.uniform(0, 255, 3)
    grid = np.clip(base + rng.normal(0, 45, (cells, cells, 3)), 0, 255).astype(np.uint8)
    return np.asarray(Image.fromarray(grid, "RGB").resize((W, H), Image.BILINEAR)).astype(np.float32)


def gradient_background(rng, W, H):
    c0, c1 = rng.uniform(0, 255, 3), rng.uniform(0, 255, 3)
    a = rng.uniform(0, 2 * math.pi)
    small = 64
    ys, xs = np.mgrid[0:small, 0:small].astype(np.float32) / (small - 1)
    t = (xs * math.cos(a) + ys * math.sin(a))
    t = (t - t.min()) / max(1e-6, t.max() - t.min())
    grid = (c0 * (1 - t[..., None]) + c1 * t[..., None]).astype(np.uint8)
    return np.asarray(Image.fromarray(grid, "RGB").resize((W, H), Image.BILINEAR)).astype(np.float32)


def texture_background(rng, W, H):
    """Concrete / asphalt / carpet-like: a base colour modulated by multi-octave noise."""
    base = smooth_color_field(rng, W, H, cells=int(rng.integers(2, 5)))
    n = noise_field(rng, W, H, octaves=int(rng.integers(3, 6)), base_cells=int(rng.integers(3, 12)))
    return base * (1.0 + rng.uniform(0.1, 0.45) * n[..., None])


def floor_wall_background(rng, W, H):
    """A wall above a horizon and a tiled floor below, its lines meeting at a vanishing point."""
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    horizon = int(H * rng.uniform(0.25, 0.6))
    wall = tuple(int(v) for v in rng.uniform(90, 240, 3))
    floor = tuple(int(v) for v in rng.uniform(40, 200, 3))
    d.rectangle([0, 0, W, horizon], fill=wall)
    d.rectangle([0, horizon, W, H], fill=floor)
    line = tuple(int(v * rng.uniform(0.6, 0.85)) for v in floor)
    vx = W * rng.uniform(0.2, 0.8)
    lw = max(1, int(max(W, H) / 500))
    n = int(rng.integers(6, 20))
    for k in range(-n, 2 * n):
        d.line([(vx, horizon), (vx + (k / n - 0.5) * W * 3, H)], fill=line, width=lw)
    rows = int(rng.integers(4, 12))
    for k in range(1, rows):
        y = horizon + (H - horizon) * (k / rows) ** 2
        d.line([(0, y), (W, y)], fill=line, width=lw)
    if rng.random() < 0.5:  # wall panels or bricks
        wl = tuple(int(v * 0.8) for v in wall)
        if rng.random() < 0.5:
            step = W / rng.integers(3, 9)
            for x in np.arange(step, W, step):
                d.line([(x, 0), (x, horizon)], fill=wl, width=lw * 2)
        else:
            bh = max(4, horizon / rng.integers(6, 20))
            for r, y in enumerate(np.arange(0, horizon, bh)):
                d.line([(0, y), (W, y)], fill=wl, width=lw)
                for x in np.arange((r % 2) * bh, W, 2 * bh):
                    d.line([(x, y), (x, y + bh)], fill=wl, width=lw)
    d.rectangle([0, horizon - max(2, H // 80), W, horizon], fill=tuple(int(v * 0.5) for v in wall))
    out = np.asarray(img).astype(np.float32)
    return out * (1.0 + 0.12 * noise_field(rng, W, H, 3, 8)[..., None])


def photo_background(rng, W, H, paths):
    photo = load_photo(paths[int(rng.integers(len(paths)))])
    ph, pw = photo.shape[:2]
    aspect = W / H
    cw = min(pw, int(ph * aspect)) * rng.uniform(0.5, 1.0)
    ch = cw / aspect
    x0, y0 = rng.uniform(0, pw - cw), rng.uniform(0, ph - ch)
    crop = Image.fromarray(photo).resize((W, H), Image.BILINEAR, box=(x0, y0, x0 + cw, y0 + ch))
    out = np.asarray(crop).astype(np.float32)
    if rng.random() < 0.5:
        out = out[:, ::-1]
    return out * rng.uniform(0.7, 1.15, 3)


def render_background(rng, W, H, paths):
    """A W x H float32 RGB background (0..255, not yet clipped)."""
    kinds = ["floor_wall", "gradient", "texture"] + (["photo"] if paths else [])
    probs = np.array([0.35, 0.15, 0.25] + ([0.25] if paths else []))
    kind = kinds[int(rng.choice(len(kinds), p=probs / probs.sum()))]
    if kind == "floor_wall":
        return floor_wall_background(rng, W, H)
    if kind == "gradient":
        return gradient_background(rng, W, H)
    if kind == "texture":
        return texture_background(rng, W, H)
    return photo_background(rng, W, H, paths)
