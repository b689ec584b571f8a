"""Letterboxing exactly as fovea's CPU image encoder does it (src/vision/image_encoder.cpp):
one aspect-preserving scale, size rounded half away from zero, centered with the pad floored,
pad value 114, and OpenCV-style INTER_LINEAR sampling (no anti-aliasing). Training on images
made this way means the network sees at train time what fovea feeds it at run time.
"""
import math

import numpy as np

PAD_VALUE = 114


def letterbox_geometry(w, h, size):
    """(resized_w, resized_h, pad_x, pad_y) of a w x h image in a size x size input."""
    scale = min(size / w, size / h)
    rw = min(max(int(math.floor(w * scale + 0.5)), 1), size)
    rh = min(max(int(math.floor(h * scale + 0.5)), 1), size)
    return rw, rh, (size - rw) // 2, (size - rh) // 2


def linear_taps(dst, src):
    """Indices i0, i1 and the weight of i1 for each of `dst` output pixels along one axis."""
    f = (np.arange(dst, dtype=np.float64) + 0.5) * (src / dst) - 0.5
    i = np.floor(f)
    a = f - i
    low = i < 0
    i[low], a[low] = 0, 0
    high = i >= src - 1
    i[high], a[high] = src - 1, 0
    i0 = i.astype(np.int64)
    return i0, np.minimum(i0 + 1, src - 1), a.astype(np.float32)


def letterbox(image, size):
    """An H x W x 3 uint8 image into a size x size x 3 uint8 input; returns (input, transform) where
    transform = (scale_x, scale_y, pad_x, pad_y) maps source to network: x_net = x * scale_x + pad_x."""
    h, w = image.shape[:2]
    rw, rh, px, py = letterbox_geometry(w, h, size)
    x0, x1, ax = linear_taps(rw, w)
    y0, y1, ay = linear_taps(rh, h)
    # Gather the needed rows and columns as uint8 first (far cheaper than converting the whole
    # image), and blend on a (rows, cols * 3) layout: numpy is slow broadcasting over a last axis of 3.
    r0, r1 = image[y0], image[y1]
    wx1 = np.repeat(ax, 3)[None, :]
    wx0 = 1 - wx1

    def blend_columns(rows):
        return (rows[:, x0].reshape(rh, -1).astype(np.float32) * wx0
                + rows[:, x1].reshape(rh, -1).astype(np.float32) * wx1)

    resized = blend_columns(r0) * (1 - ay)[:, None] + blend_columns(r1) * ay[:, None]
    resized += 0.5
    np.clip(resized, 0, 255, out=resized)
    out = np.full((size, size, 3), PAD_VALUE, np.uint8)
    out[py:py + rh, px:px + rw] = resized.astype(np.uint8).reshape(rh, rw, 3)
    return out, (rw / w, rh / h, px, py)


def boxes_to_network(boxes_xyxy, transform):
    sx, sy, px, py = transform
    b = np.asarray(boxes_xyxy, np.float32).reshape(-1, 4).copy()
    b[:, [0, 2]] = b[:, [0, 2]] * sx + px
    b[:, [1, 3]] = b[:, [1, 3]] * sy + py
    return b


def boxes_to_source(boxes_xyxy, transform, w, h):
    """The inverse of boxes_to_network, clipped to the w x h source image (fovea's map_box_to_source)."""
    sx, sy, px, py = transform
    b = np.asarray(boxes_xyxy, np.float32).reshape(-1, 4).copy()
    b[:, [0, 2]] = np.clip((b[:, [0, 2]] - px) / sx, 0, w)
    b[:, [1, 3]] = np.clip((b[:, [1, 3]] - py) / sy, 0, h)
    return b
