"""Renderers for the 8 demo classes. Each draws one object, upright and unwarped, on a transparent
RGBA canvas; scene_composer.py then warps, lights and places it.

A renderer returns (rgba, label_alpha): label_alpha is the part of the sprite that belongs to the
class (a sign's post is drawn but is not the sign), or None when that is the whole alpha. Shapes
are drawn at twice the asked size and halved, which anti-aliases edges cheaply.
"""
import math

import numpy as np
import pil_boxes  # noqa: F401  (box corners in order on every Pillow)
from PIL import Image, ImageDraw

CLASS_NAMES = ["stop_sign", "yield_sign", "traffic_cone", "pallet", "box", "person", "door_sign",
               "fire_extinguisher"]

SUPERSAMPLE = 2


def jitter_color(rng, rgb, amount=18):
    """Mostly a brightness shift; a smaller per-channel part keeps the hue recognisable."""
    c = np.asarray(rgb, np.float64) + rng.normal(0.0, amount) + rng.normal(0.0, amount / 3, 3)
    return tuple(int(v) for v in np.clip(c, 0, 255))


def scale_color(rgb, f):
    return tuple(int(max(0, min(255, v * f))) for v in rgb)


def new_canvas(w, h):
    """An RGBA canvas of the supersampled size; returns (image, draw, W, H)."""
    W, H = max(2, int(round(w * SUPERSAMPLE))), max(2, int(round(h * SUPERSAMPLE)))
    img = Image.new("RGBA", (W, H), (0, 0, 0, 0))
    return img, ImageDraw.Draw(img), W, H


def finish(img, label=None):
    """Halves a supersampled canvas (box filter: the anti-aliasing)."""
    img = img.reduce(SUPERSAMPLE)
    if label is not None:
        label = label.reduce(SUPERSAMPLE)
    return img, label


def regular_polygon(cx, cy, r, n, phase):
    return [(cx + r * math.cos(phase + 2 * math.pi * k / n), cy + r * math.sin(phase + 2 * math.pi * k / n))
            for k in range(n)]


def add_post(rng, img):
    """Extends the canvas downwards with a grey post; the returned label alpha covers only the sign."""
    W, H = img.size
    post_h = int(H * rng.uniform(0.4, 1.2))
    out = Image.new("RGBA", (W, H + post_h), (0, 0, 0, 0))
    d = ImageDraw.Draw(out)
    grey = jitter_color(rng, (140, 140, 145), 20)
    pw = max(2, int(W * rng.uniform(0.05, 0.09)))
    d.rectangle([W // 2 - pw // 2, H // 2, W // 2 + pw // 2, H + post_h], fill=grey + (255,))
    out.alpha_composite(img, (0, 0))
    label = Image.new("L", out.size, 0)
    label.paste(img.getchannel("A"), (0, 0))
    return out, label


def draw_stop_sign(rng, size):
    img, d, W, H = new_canvas(size, size)
    c, r = W / 2, W / 2 - 1
    phase = math.pi / 8
    white = jitter_color(rng, (245, 245, 245), 8)
    red = jitter_color(rng, (200, 25, 35), 20)
    d.polygon(regular_polygon(c, c, r, 8, phase), fill=white + (255,))
    d.polygon(regular_polygon(c, c, r * rng.uniform(0.84, 0.9), 8, phase), fill=red + (255,))
    # Four letter-like white blocks ("STOP"), each with a red notch so they read as glyphs.
    lw, lh, gap = W * 0.13, H * rng.uniform(0.2, 0.26), W * 0.035
    x0 = c - (4 * lw + 3 * gap) / 2
    for k in range(4):
        x = x0 + k * (lw + gap)
        d.rectangle([x, c - lh / 2, x + lw, c + lh / 2], fill=white + (255,))
        ny = c - lh * (0.25 if k % 2 == 0 else -0.05)
        d.rectangle([x + lw * 0.35, ny - lh * 0.12, x + lw * (1.0 if k == 0 else 0.65), ny + lh * 0.12],
                    fill=red + (255,))
    img, _ = finish(img)
    if rng.random() < 0.4:
        return add_post(rng, img)
    return img, None


def draw_yield_sign(rng, size):
    h = size * 0.87
    img, d, W, H = new_canvas(size, h)
    red = jitter_color(rng, (205, 30, 40), 20)
    white = jitter_color(rng, (245, 245, 245), 8)
    d.polygon([(0, 0), (W - 1, 0), (W / 2, H - 1)], fill=red + (255,))
    t = rng.uniform(0.16, 0.22)
    d.polygon([(W * t * 0.87, H * t * 0.5), (W * (1 - t * 0.87), H * t * 0.5), (W / 2, H * (1 - t))],
              fill=white + (255,))
    img, _ = finish(img)
    if rng.random() < 0.4:
        return add_post(rng, img)
    return img, None


def draw_traffic_cone(rng, size):
    w = size * rng.uniform(0.55, 0.75)
    img, d, W, H = new_canvas(w, size)
    orange = jitter_color(rng, (245, 110, 20), 18)
    base_h = H * 0.09
    base = scale_color(orange, 0.55) if rng.random() < 0.5 else jitter_color(rng, (35, 35, 35), 8)
    d.rectangle([0, H - base_h, W - 1, H - 1], fill=base + (255,))
    top_w, bot_w = W * 0.14, W * 0.84
    y_top, y_bot = 0, H - base_h

    def half_width(y):
        return (top_w + (bot_w - top_w) * (y - y_top) / (y_bot - y_top)) / 2

    d.polygon([(W / 2 - top_w / 2, y_top), (W / 2 + top_w / 2, y_top), (W / 2 + bot_w / 2, y_bot),
               (W / 2 - bot_w / 2, y_bot)], fill=orange + (255,))
    white = jitter_color(rng, (240, 240, 240), 10)
    for band in ((0.32, 0.44), (0.6, 0.72)):
        a, b = y_top + band[0] * (y_bot - y_top), y_top + band[1] * (y_bot - y_top)
        d.polygon([(W / 2 - half_width(a), a), (W / 2 + half_width(a), a), (W / 2 + half_width(b), b),
                   (W / 2 - half_width(b), b)], fill=white + (255,))
    # A darker right flank so the cone reads as round.
    arr = np.asarray(img).astype(np.float32)
    shade = np.linspace(1.1, 0.72, W, dtype=np.float32)[None, :, None]
    arr[..., :3] = np.clip(arr[..., :3] * shade, 0, 255)
    return finish(Image.fromarray(arr.astype(np.uint8), "RGBA"))


def wood_grain(rng, d, box, base, vertical=False):
    x0, y0, x1, y1 = box
    d.rectangle(box, fill=base + (255,))
    n = max(1, int(((x1 - x0) if vertical else (y1 - y0)) / 6))
    for _ in range(n):
        c = scale_color(base, rng.uniform(0.75, 0.92)) + (255,)
        if vertical:
            x = rng.uniform(x0, x1)
            d.line([(x, y0), (x + rng.uniform(-3, 3), y1)], fill=c, width=1)
        else:
            y = rng.uniform(y0, y1)
            d.line([(x0, y), (x1, y + rng.uniform(-3, 3))], fill=c, width=1)


def draw_pallet(rng, size):
    wood = jitter_color(rng, (190, 150, 100), 22)
    if rng.random() < 0.6:  # side view: top deck, three blocks, bottom deck
        h = size * rng.uniform(0.28, 0.42)
        img, d, W, H = new_canvas(size, h)
        deck = H * 0.24
        wood_grain(rng, d, [0, 0, W - 1, deck], wood)
        wood_grain(rng, d, [0, H - deck, W - 1, H - 1], scale_color(wood, 0.9))
        bw = W * 0.14
        for x in (0, W / 2 - bw / 2, W - bw - 1):
            wood_grain(rng, d, [x, deck, x + bw, H - deck], scale_color(wood, 0.8), vertical=True)
    else:  # top view: parallel slats with gaps over two stringers
        h = size * rng.uniform(0.65, 0.85)
        img, d, W, H = new_canvas(size, h)
        for y in (H * 0.12, H * 0.5, H * 0.88):
            wood_grain(rng, d, [0, y - H * 0.06, W - 1, y + H * 0.06], scale_color(wood, 0.7))
        n = int(rng.integers(5, 8))
        sw = W / (n + (n - 1) * 0.45)
        for k in range(n):
            x = k * sw * 1.45
            wood_grain(rng, d, [x, 0, x + sw, H - 1], scale_color(wood, rng.uniform(0.9, 1.1)), vertical=True)
    return finish(img)


def draw_box(rng, size):
    w = size
    h = size * rng.uniform(0.6, 1.0)
    img, d, W, H = new_canvas(w, h)
    card = jitter_color(rng, (195, 155, 105), 18)
    depth_x, depth_y = W * rng.uniform(0.15, 0.3), H * rng.uniform(0.15, 0.3)
    fx1, fy0 = W - 1 - depth_x, depth_y
    front = [(0, fy0), (fx1, fy0), (fx1, H - 1), (0, H - 1)]
    top = [(0, fy0), (depth_x, 0), (W - 1, 0), (fx1, fy0)]
    side = [(fx1, fy0), (W - 1, 0), (W - 1, H - 1 - depth_y), (fx1, H - 1)]
    d.polygon(front, fill=card + (255,))
    d.polygon(top, fill=scale_color(card, 1.15) + (255,))
    d.polygon(side, fill=scale_color(card, 0.75) + (255,))
    tape = jitter_color(rng, (170, 125, 75), 10) if rng.random() < 0.6 else jitter_color(rng, (225, 215, 190), 10)
    tw = W * 0.06
    mx = fx1 / 2
    d.polygon([(mx - tw, fy0), (mx - tw + depth_x, 0), (mx + tw + depth_x, 0), (mx + tw, fy0)],
              fill=scale_color(tape, 1.1) + (255,))
    d.rectangle([mx - tw, fy0, mx + tw, fy0 + (H - fy0) * 0.3], fill=tape + (255,))
    if rng.random() < 0.5:  # printed label
        lx, ly = fx1 * rng.uniform(0.1, 0.55), fy0 + (H - fy0) * rng.uniform(0.45, 0.7)
        d.rectangle([lx, ly, lx + fx1 * 0.3, ly + (H - fy0) * 0.15], fill=(240, 240, 235, 255))
        for k in range(3):
            yy = ly + (H - fy0) * (0.03 + 0.04 * k)
            d.line([(lx + 3, yy), (lx + fx1 * 0.25, yy)], fill=(40, 40, 40, 255), width=max(1, int(H * 0.01)))
    d.line(top[:2] + [top[2]], fill=scale_color(card, 0.6) + (255,), width=max(1, int(W * 0.006)))
    return finish(img)


def draw_person(rng, size):
    w = size * rng.uniform(0.34, 0.46)
    img, d, W, H = new_canvas(w, size)
    dark = rng.random() < 0.3
    skin = jitter_color(rng, [(230, 190, 160), (190, 140, 100), (120, 80, 55)][int(rng.integers(3))], 10)
    shirt = tuple(int(v) for v in rng.integers(20, 235, 3))
    pants = tuple(int(v) for v in rng.integers(15, 140, 3))
    if dark:
        skin = shirt = pants = jitter_color(rng, (35, 35, 40), 10)
    cx = W / 2
    head_r = H * 0.065
    d.ellipse([cx - head_r, 0, cx + head_r, 2 * head_r], fill=skin + (255,))
    neck_y = 2 * head_r
    torso_w, torso_b = W * 0.46, H * 0.53
    d.rounded_rectangle([cx - torso_w / 2, neck_y, cx + torso_w / 2, torso_b], radius=W * 0.08, fill=shirt + (255,))
    arm_w = W * 0.11
    for side in (-1, 1):  # arms hang or swing a little
        sx, sy = cx + side * (torso_w / 2 - arm_w / 2), neck_y + H * 0.03
        ang = rng.uniform(-0.35, 0.35) + side * 0.12
        ex, ey = sx + math.sin(ang) * H * 0.32, sy + math.cos(ang) * H * 0.32
        ex = min(max(ex, arm_w), W - arm_w)
        d.line([(sx, sy), (ex, ey)], fill=shirt + (255,), width=int(arm_w))
        d.ellipse([ex - arm_w / 2, ey - arm_w / 2, ex + arm_w / 2, ey + arm_w / 2], fill=skin + (255,))
    leg_w = W * 0.17
    stride = rng.uniform(0.0, 0.25)
    for side in (-1, 1):
        hx = cx + side * W * 0.11
        fx = min(max(hx + side * stride * W, leg_w / 2), W - leg_w / 2)
        d.line([(hx, torso_b - H * 0.02), (fx, H - H * 0.03)], fill=pants + (255,), width=int(leg_w))
        d.rectangle([fx - leg_w / 2, H - H * 0.04, fx + leg_w / 2 + side * W * 0.05, H - 1],
                    fill=scale_color(pants, 0.5) + (255,))
    return finish(img)


def draw_running_man(d, x0, y0, s, color):
    """A stick figure mid-stride in a box of side s at (x0, y0)."""
    lw = max(2, int(s * 0.11))
    hx, hy = x0 + s * 0.6, y0 + s * 0.14
    d.ellipse([hx - s * 0.1, hy - s * 0.1, hx + s * 0.1, hy + s * 0.1], fill=color)
    neck, hip = (x0 + s * 0.52, y0 + s * 0.3), (x0 + s * 0.42, y0 + s * 0.6)
    d.line([neck, hip], fill=color, width=lw)
    d.line([(x0 + s * 0.2, y0 + s * 0.42), (x0 + s * 0.35, y0 + s * 0.32), neck, (x0 + s * 0.72, y0 + s * 0.45),
            (x0 + s * 0.88, y0 + s * 0.38)], fill=color, width=lw)
    d.line([hip, (x0 + s * 0.62, y0 + s * 0.75), (x0 + s * 0.7, y0 + s * 0.96)], fill=color, width=lw)
    d.line([hip, (x0 + s * 0.28, y0 + s * 0.78), (x0 + s * 0.08, y0 + s * 0.85)], fill=color, width=lw)


def draw_door_sign(rng, size):
    h = size * rng.uniform(0.45, 0.62)
    img, d, W, H = new_canvas(size, h)
    green = jitter_color(rng, (0, 145, 75), 16)
    white = jitter_color(rng, (245, 245, 245), 6) + (255,)
    d.rectangle([0, 0, W - 1, H - 1], fill=green + (255,))
    m = H * 0.1
    draw_running_man(d, W * 0.08, m, H - 2 * m, white)
    # Door frame beside the figure, and an arrow pointing out.
    d.rectangle([W * 0.08 + (H - 2 * m) * 0.95, m, W * 0.08 + (H - 2 * m) * 1.3, H - m], outline=white,
                width=max(2, int(H * 0.06)))
    ax0, ax1, ay = W * 0.62, W * 0.92, H / 2
    if rng.random() < 0.5:
        ax0, ax1 = ax1, ax0
    lw = max(2, int(H * 0.12))
    d.line([(ax0, ay), (ax1, ay)], fill=white, width=lw)
    head = H * 0.22 * (1 if ax1 > ax0 else -1)
    d.polygon([(ax1 + head * 0.6, ay), (ax1 - head * 0.6, ay - abs(head)), (ax1 - head * 0.6, ay + abs(head))], fill=white)
    return finish(img)


def draw_fire_extinguisher(rng, size):
    w = size * rng.uniform(0.32, 0.42)
    img, d, W, H = new_canvas(w, size)
    red = jitter_color(rng, (200, 20, 25), 18)
    black = jitter_color(rng, (25, 25, 25), 6) + (255,)
    body_x0, body_x1, body_top = W * 0.18, W * 0.82, H * 0.2
    d.rounded_rectangle([body_x0, body_top, body_x1, H - 1], radius=(body_x1 - body_x0) * 0.35, fill=red + (255,))
    # Valve, handle lever, and a hose curving down the side.
    d.rectangle([W * 0.4, H * 0.08, W * 0.6, body_top + 2], fill=black)
    d.polygon([(W * 0.35, H * 0.07), (W * 0.95, H * 0.02), (W * 0.95, H * 0.05), (W * 0.4, H * 0.11)], fill=black)
    hose_w = max(2, int(W * 0.08))
    pts = [(W * 0.58, H * 0.12), (W * 0.85, H * 0.15), (W * 0.95, H * 0.3), (W * 0.93, H * 0.55)]
    d.line(pts, fill=black, width=hose_w, joint="curve")
    d.rectangle([W * 0.88, H * 0.55, W * 0.98, H * 0.62], fill=black)
    if rng.random() < 0.7:  # instruction label
        d.rectangle([body_x0 + W * 0.06, H * 0.45, body_x1 - W * 0.06, H * 0.68],
                    fill=jitter_color(rng, (235, 235, 225), 8) + (255,))
    arr = np.asarray(img).astype(np.float32)
    xs = np.linspace(-1, 1, W, dtype=np.float32)
    shade = (1.0 + 0.35 * np.exp(-((xs + 0.35) ** 2) / 0.04) - 0.3 * np.clip(xs, 0, 1))[None, :, None]
    arr[..., :3] = np.clip(arr[..., :3] * shade, 0, 255)
    return finish(Image.fromarray(arr.astype(np.uint8), "RGBA"))


RENDERERS = [draw_stop_sign, draw_yield_sign, draw_traffic_cone, draw_pallet, draw_box, draw_person,
             draw_door_sign, draw_fire_extinguisher]


def render_object(rng, class_id, size):
    """The sprite of class `class_id` whose longer side is about `size` pixels."""
    return RENDERERS[class_id](rng, max(4.0, float(size)))
