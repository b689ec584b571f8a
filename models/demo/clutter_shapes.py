"""Distractors that belong to no class: polygons, discs, bars, stripes, blue round signs, pipes,
text-like blocks. Drawn behind objects as clutter and, sometimes, in front of them as occluders,
so the detector learns that colour or outline alone is not a class.
"""
import math

import numpy as np
import pil_boxes  # noqa: F401  (box corners in order on every Pillow)
from PIL import Image, ImageDraw


def random_color(rng):
    return tuple(int(v) for v in rng.integers(0, 256, 3))


def draw_clutter(rng, size):
    """One distractor as an RGBA sprite whose longer side is about `size` pixels."""
    kind = int(rng.integers(8))
    w = max(4, int(size))
    h = max(4, int(size * rng.uniform(0.3, 1.0)))
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    col = random_color(rng) + (255,)
    if kind == 0:  # irregular polygon (3-6 corners: never a sign's octagon)
        n = int(rng.integers(3, 7))
        angles = np.sort(rng.uniform(0, 2 * math.pi, n))
        pts = [(w / 2 + w / 2 * math.cos(a) * rng.uniform(0.5, 1), h / 2 + h / 2 * math.sin(a) * rng.uniform(0.5, 1))
               for a in angles]
        d.polygon(pts, fill=col)
    elif kind == 1:  # disc or ring
        d.ellipse([0, 0, w - 1, h - 1], fill=col if rng.random() < 0.6 else None,
                  outline=random_color(rng) + (255,), width=max(1, w // 10))
    elif kind == 2:  # bar or pole
        img = Image.new("RGBA", (max(3, w // 8), w), (0, 0, 0, 0))
        ImageDraw.Draw(img).rectangle([0, 0, img.size[0] - 1, w - 1], fill=col)
        if rng.random() < 0.5:
            img = img.rotate(90, expand=True)
    elif kind == 3:  # striped plate
        d.rectangle([0, 0, w - 1, h - 1], fill=col)
        c2 = random_color(rng) + (255,)
        step = max(3, w // int(rng.integers(3, 8)))
        for x in range(-h, w, 2 * step):
            d.polygon([(x, h), (x + step, h), (x + step + h, 0), (x + h, 0)], fill=c2)
    elif kind == 4:  # blue round mandatory sign with a white arrow (a sign we do not detect)
        s = min(w, h)
        img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
        d = ImageDraw.Draw(img)
        d.ellipse([0, 0, s - 1, s - 1], fill=(20, 70, 170, 255))
        d.line([(s * 0.5, s * 0.8), (s * 0.5, s * 0.3)], fill=(240, 240, 240, 255), width=max(1, s // 8))
        d.polygon([(s * 0.3, s * 0.35), (s * 0.7, s * 0.35), (s * 0.5, s * 0.15)], fill=(240, 240, 240, 255))
    elif kind == 5:  # pipe: a shaded horizontal cylinder
        arr = np.zeros((max(3, h // 3), w, 4), np.float32)
        shade = np.sin(np.linspace(0.2, math.pi - 0.2, arr.shape[0]))[:, None, None]
        arr[..., :3] = np.asarray(col[:3], np.float32) * (0.4 + 0.6 * shade)
        arr[..., 3] = 255
        img = Image.fromarray(arr.astype(np.uint8), "RGBA")
    elif kind == 6:  # text-like block: a light panel with dark lines
        d.rectangle([0, 0, w - 1, h - 1], fill=(int(rng.integers(190, 256)),) * 3 + (255,))
        lines = int(rng.integers(2, 7))
        for k in range(lines):
            y = (k + 0.7) * h / (lines + 0.5)
            d.line([(w * 0.08, y), (w * rng.uniform(0.4, 0.92), y)], fill=(30, 30, 30, 255), width=max(1, h // 16))
    else:  # blob cluster
        for _ in range(int(rng.integers(2, 6))):
            cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0.1, 0.35) * min(w, h)
            d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=random_color(rng) + (255,))
    return img
