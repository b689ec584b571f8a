#!/usr/bin/python3
"""Checks of the assigner and the loss on hand-made cases whose answers are known.
Run: /usr/bin/python3 -m unittest discover -s models/demo -p 'test_*.py'"""
import math
import os
import sys
import unittest

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from detection_loss import (REG_MAX, DetectionLoss, TaskAlignedAssigner, bbox2dist, bbox_ciou,  # noqa: E402
                            make_anchors)

NC = 8
STRIDES = (8, 16, 32)
SIZE = 64  # feature maps 8x8, 4x4, 2x2: 84 anchors


def perfect_feats(gt_box, gt_class, logit=12.0):
    """Raw head maps whose decoded box at EVERY anchor is exactly gt_box (pixels) and whose class
    logits say gt_class: each distance d is a softmax over bins floor(d), floor(d)+1 with weights
    that make the expectation exactly d."""
    shapes = [(SIZE // s, SIZE // s) for s in STRIDES]
    anchors, strides = make_anchors(shapes, STRIDES, "cpu")
    A = anchors.shape[0]
    target = bbox2dist(anchors, torch.tensor(gt_box).view(1, 4) / strides, REG_MAX - 1)  # [A, 4]
    logits = torch.full((A, 4, REG_MAX), -1e4)
    lo = target.floor().long()
    w_hi = target - lo
    logits.scatter_(2, lo.unsqueeze(-1), torch.log((1 - w_hi).clamp(min=1e-12)).unsqueeze(-1))
    logits.scatter_(2, (lo + 1).clamp(max=REG_MAX - 1).unsqueeze(-1), torch.log(w_hi.clamp(min=1e-12)).unsqueeze(-1))
    cls = torch.full((A, NC), -logit)
    cls[:, gt_class] = logit
    flat = torch.cat((logits.view(A, -1), cls), 1)  # [A, 64 + nc]
    feats, start = [], 0
    for h, w in shapes:
        feats.append(flat[start:start + h * w].T.reshape(1, -1, h, w).clone())
        start += h * w
    return feats


class CiouTest(unittest.TestCase):
    def test_identical_boxes_give_one(self):
        b = torch.tensor([[3.0, 4.0, 20.0, 11.0]])
        self.assertAlmostEqual(bbox_ciou(b, b).item(), 1.0, places=5)

    def test_known_pair(self):
        # IoU 1/7; centre distance^2 2 over enclosing diagonal^2 18; same aspect so v = 0.
        a, b = torch.tensor([[0.0, 0.0, 2.0, 2.0]]), torch.tensor([[1.0, 1.0, 3.0, 3.0]])
        self.assertAlmostEqual(bbox_ciou(a, b).item(), 1 / 7 - 2 / 18, places=5)

    def test_disjoint_boxes_are_negative(self):
        a, b = torch.tensor([[0.0, 0.0, 2.0, 2.0]]), torch.tensor([[5.0, 5.0, 7.0, 9.0]])
        self.assertLess(bbox_ciou(a, b).item(), 0.0)


class AssignerTest(unittest.TestCase):
    def test_topk_anchors_inside_the_box_take_its_class_and_box(self):
        anchors, strides = make_anchors([(8, 8), (4, 4), (2, 2)], STRIDES, "cpu")
        pts = anchors * strides
        A = pts.shape[0]
        gt = torch.tensor([[[4.0, 4.0, 36.0, 44.0]]])
        labels = torch.tensor([[[5.0]]])
        # Predictions: every anchor predicts the GT box, with score 0.5 for class 5.
        pd_boxes = gt.expand(1, A, 4).clone()
        pd_scores = torch.full((1, A, NC), 0.01)
        pd_scores[..., 5] = 0.5
        assigner = TaskAlignedAssigner(NC, topk=10)
        t_labels, t_boxes, t_scores, fg, _ = assigner(pd_scores, pd_boxes, pts, labels, gt, torch.ones(1, 1, 1))
        inside = ((pts[:, 0] > 4) & (pts[:, 0] < 36) & (pts[:, 1] > 4) & (pts[:, 1] < 44))
        self.assertEqual(int(fg.sum()), min(10, int(inside.sum())))
        self.assertTrue(bool(inside[fg[0]].all()), "an anchor outside the box was assigned")
        self.assertTrue(bool((t_labels[0][fg[0]] == 5).all()))
        self.assertTrue(torch.allclose(t_boxes[0][fg[0]], gt[0].expand(int(fg.sum()), 4)))
        # All predictions equally good: every positive gets the normalized score 1 (IoU 1).
        self.assertTrue(torch.allclose(t_scores[0][fg[0]][:, 5], torch.ones(int(fg.sum())), atol=1e-4))
        self.assertEqual(float(t_scores[0][~fg[0]].abs().sum()), 0.0)

    def test_padding_boxes_are_ignored(self):
        anchors, strides = make_anchors([(8, 8), (4, 4), (2, 2)], STRIDES, "cpu")
        pts = anchors * strides
        A = pts.shape[0]
        gt = torch.tensor([[[8.0, 8.0, 40.0, 40.0], [0.0, 0.0, 64.0, 64.0]]])
        labels = torch.tensor([[[1.0], [-1.0]]])
        mask = torch.tensor([[[1.0], [0.0]]])
        pd = torch.rand(1, A, NC)
        _, _, t_scores, fg, idx = TaskAlignedAssigner(NC)(pd, gt[:, :1].expand(1, A, 4), pts, labels, gt, mask)
        self.assertTrue(bool((idx[0][fg[0]] == 0).all()), "a padding box got anchors")

    def test_an_anchor_claimed_by_two_boxes_keeps_the_better_overlap(self):
        pts = torch.tensor([[20.0, 20.0]])
        gt = torch.tensor([[[10.0, 10.0, 30.0, 30.0], [0.0, 0.0, 60.0, 60.0]]])
        labels = torch.tensor([[[0.0], [1.0]]])
        pd_boxes = torch.tensor([[[11.0, 11.0, 30.0, 30.0]]])  # overlaps box 0 far better
        pd_scores = torch.full((1, 1, NC), 0.5)
        _, t_boxes, _, fg, idx = TaskAlignedAssigner(NC, topk=1)(pd_scores, pd_boxes, pts, labels, gt,
                                                                 torch.ones(1, 2, 1))
        self.assertTrue(bool(fg[0, 0]))
        self.assertEqual(int(idx[0, 0]), 0)


class DetectionLossTest(unittest.TestCase):
    def setUp(self):
        self.loss = DetectionLoss(NC, STRIDES)
        self.box = [4.0, 12.0, 44.0, 60.0]
        self.targets = torch.tensor([[[3.0] + self.box]])

    def test_perfect_prediction_has_near_zero_box_loss(self):
        _, parts = self.loss(perfect_feats(self.box, 3), self.targets)
        self.assertLess(parts[0].item(), 1e-3, f"box loss {parts[0].item()}")

    def test_shifted_prediction_costs_more(self):
        _, good = self.loss(perfect_feats(self.box, 3), self.targets)
        shifted = [v + 10.0 for v in self.box]
        _, bad = self.loss(perfect_feats(shifted, 3), self.targets)
        self.assertGreater(bad[0].item(), good[0].item() + 0.1)
        self.assertGreater(bad[2].item(), good[2].item())

    def test_wrong_class_costs_more(self):
        _, good = self.loss(perfect_feats(self.box, 3), self.targets)
        _, bad = self.loss(perfect_feats(self.box, 4), self.targets)
        self.assertGreater(bad[1].item(), good[1].item() + 1.0)

    def test_no_targets_gives_only_a_classification_loss(self):
        empty = torch.full((1, 1, 5), -1.0)
        total, parts = self.loss(perfect_feats(self.box, 3), empty)
        self.assertEqual(parts[0].item(), 0.0)
        self.assertEqual(parts[2].item(), 0.0)
        self.assertTrue(math.isfinite(total.item()))

    def test_gradients_flow_to_every_head_map(self):
        feats = [f.requires_grad_(True) for f in perfect_feats([v + 5 for v in self.box], 2)]
        total, _ = self.loss(feats, self.targets)
        total.backward()
        for f in feats:
            self.assertTrue(torch.isfinite(f.grad).all())
        self.assertGreater(sum(float(f.grad.abs().sum()) for f in feats), 0.0)


if __name__ == "__main__":
    unittest.main()
