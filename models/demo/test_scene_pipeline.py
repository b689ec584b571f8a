#!/usr/bin/python3
"""Checks of the data path: letterbox against a per-pixel reference of fovea's encoder formula,
generator determinism and box tightness, GPU augmentation keeping boxes on their pixels, and the
evaluator on constructed cases (perfect, shifted, missing, duplicated detections).
Run: /usr/bin/python3 -m unittest discover -s models/demo -p 'test_*.py'"""
import math
import os
import sys
import unittest

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from detection_eval import average_precision  # noqa: E402
from generate_scenes import generate_batch, parse_sizes, render_scene  # noqa: E402
from gpu_augment import GpuAugmenter, pad_boxes  # noqa: E402
from letterbox import boxes_to_network, boxes_to_source, letterbox  # noqa: E402


def reference_letterbox(img, size):
    """fovea's CropSampler + write_slot, pixel by pixel (src/vision/image_encoder.cpp)."""
    h, w = img.shape[:2]
    scale = min(size / w, size / h)
    rw, rh = math.floor(w * scale + 0.5), math.floor(h * scale + 0.5)
    px, py = (size - rw) // 2, (size - rh) // 2

    def tap(d, sampling, n):
        f = (d + 0.5) * sampling - 0.5
        i = math.floor(f)
        a = f - i
        if i < 0:
            i, a = 0, 0.0
        if i >= n - 1:
            i, a = n - 1, 0.0
        return i, min(i + 1, n - 1), a

    out = np.full((size, size, 3), 114.0)
    p = img.astype(np.float64)
    for y in range(rh):
        j0, j1, b = tap(y, h / rh, h)
        for x in range(rw):
            i0, i1, a = tap(x, w / rw, w)
            out[y + py, x + px] = (p[j0, i0] * (1 - a) + p[j0, i1] * a) * (1 - b) + (p[j1, i0] * (1 - a) + p[j1, i1] * a) * b
    return out


class LetterboxTest(unittest.TestCase):
    def test_matches_fovea_formula(self):
        rng = np.random.default_rng(0)
        for shape in [(37, 53, 3), (53, 37, 3), (20, 20, 3), (9, 70, 3)]:
            img = rng.integers(0, 256, shape, dtype=np.uint8)
            out, _ = letterbox(img, 48)
            self.assertLessEqual(np.abs(out - reference_letterbox(img, 48)).max(), 0.5 + 1e-6, str(shape))

    def test_box_mapping_round_trips(self):
        img = np.zeros((480, 640, 3), np.uint8)
        _, tr = letterbox(img, 640)
        self.assertEqual(tr, (1.0, 1.0, 0, 80))
        b = np.array([[10.0, 20.0, 300.0, 400.0]])
        self.assertTrue(np.allclose(boxes_to_source(boxes_to_network(b, tr), tr, 640, 480), b))


class GeneratorTest(unittest.TestCase):
    def test_same_seed_same_scenes_whatever_the_worker_count(self):
        a, ba = generate_batch(3, 6, 96, workers=1, sizes="320x240,200x300")
        b, bb = generate_batch(3, 6, 96, workers=2, sizes="320x240,200x300")
        self.assertTrue(np.array_equal(a, b))
        for x, y in zip(ba, bb):
            self.assertTrue(np.array_equal(x, y))
        c, _ = generate_batch(4, 6, 96, workers=1, sizes="320x240,200x300")
        self.assertFalse(np.array_equal(a, c))

    def test_boxes_are_inside_the_image_and_classes_valid(self):
        sizes, probs = parse_sizes("640x480,480x640,1280x720")
        for i in range(12):
            _, image, boxes = render_scene(11, i, sizes, probs, [])
            h, w = image.shape[:2]
            self.assertGreaterEqual(len(boxes), 0)
            for c, x1, y1, x2, y2 in boxes:
                self.assertIn(c, range(8))
                self.assertTrue(0 <= x1 < x2 <= w and 0 <= y1 < y2 <= h, (c, x1, y1, x2, y2, w, h))


class GpuAugmentTest(unittest.TestCase):
    def test_boxes_follow_their_pixels_through_mosaic_scale_and_flip(self):
        S = 64
        imgs = torch.full((4, S, S, 3), 114, dtype=torch.uint8)
        boxes, colors = [], [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0)]
        for k in range(4):
            x1, y1 = 6 + 9 * k, 4 + 7 * k
            imgs[k, y1:y1 + 20, x1:x1 + 16] = torch.tensor(colors[k], dtype=torch.uint8)
            boxes.append(np.array([[k, x1, y1, x1 + 16, y1 + 20]], np.float32))
        aug = GpuAugmenter(imgs, pad_boxes(boxes, "cpu"), mosaic=0.5, scale=(0.7, 1.3), hsv=(0, 0, 0))
        gen = torch.Generator().manual_seed(0)
        checked = 0
        for _ in range(10):
            x, t = aug(torch.arange(4), gen)
            x = x * 255
            for b in range(4):
                for cls, x1, y1, x2, y2 in t[b].tolist():
                    if cls < 0 or x2 - x1 < 6 or y2 - y1 < 6:
                        continue
                    inner = x[b, :, int(math.ceil(y1)) + 1:int(y2) - 1, int(math.ceil(x1)) + 1:int(x2) - 1]
                    mean = inner.mean((1, 2))
                    self.assertLess(float((mean - torch.tensor(colors[int(cls)], dtype=torch.float32)).abs().max()), 20.0)
                    checked += 1
        self.assertGreater(checked, 20)


class AveragePrecisionTest(unittest.TestCase):
    def setUp(self):
        self.gts = [np.array([[0, 10, 10, 50, 50], [1, 60, 60, 100, 120]], float),
                    np.array([[0, 0, 0, 20, 20]], float)]

    def dets_from_gts(self, shift=0.0, score=0.9):
        return [np.array([[x1 + shift, y1, x2 + shift, y2, score, c] for c, x1, y1, x2, y2 in g], float)
                for g in self.gts]

    def test_perfect(self):
        m, _ = average_precision(self.dets_from_gts(), self.gts, 2, (0.5, 0.75))
        self.assertTrue(np.allclose(m, 1.0))

    def test_shifted_past_iou_half_scores_zero(self):
        m, _ = average_precision(self.dets_from_gts(shift=30.0), self.gts, 2)
        self.assertAlmostEqual(m[0], 0.0)

    def test_missing_half_of_class_zero(self):
        dets = self.dets_from_gts()
        dets[1] = np.zeros((0, 6))
        _, ap = average_precision(dets, self.gts, 2)
        # Class 0: recall reaches 0.5 at precision 1, so 51 of 101 recall points score 1.
        self.assertAlmostEqual(ap[0, 0], 51 / 101, places=6)
        self.assertAlmostEqual(ap[0, 1], 1.0)

    def test_lower_scored_duplicates_do_not_hurt_but_higher_ones_do(self):
        dets = self.dets_from_gts()
        dup_low = [np.concatenate([d, d * [1, 1, 1, 1, 0.5, 1]]) for d in dets]
        m, _ = average_precision(dup_low, self.gts, 2)
        self.assertAlmostEqual(m[0], 1.0)
        # A false positive scored above class 0's second true positive: precision 2/3 at recall 1.
        dets[0] = np.concatenate([dets[0], [[200, 200, 230, 230, 0.95, 0]]])
        _, ap = average_precision(dets, self.gts, 2)
        self.assertAlmostEqual(ap[0, 0], 2 / 3, places=6)


if __name__ == "__main__":
    unittest.main()
