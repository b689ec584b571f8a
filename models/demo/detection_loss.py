"""The YOLOv8 anchor-free detection loss, written from the published recipe (Ultralytics v8):
task-aligned assignment (topk 10, alpha 0.5, beta 6), CIoU + distribution focal loss on the
boxes (reg_max 16), BCE on the classes, gains box 7.5 / cls 0.5 / dfl 1.5.

Coordinates: anchors sit at cell centres (offset 0.5) in grid units; boxes are x1, y1, x2, y2.
Works with torch 1.13 and 2.x.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

REG_MAX = 16


def make_anchors(feat_shapes, strides, device, dtype=torch.float32, offset=0.5):
    """Anchor centres [A, 2] (grid units) and their strides [A, 1] for feature maps of (h, w)."""
    points, stride_list = [], []
    for (h, w), s in zip(feat_shapes, strides):
        sx = torch.arange(w, device=device, dtype=dtype) + offset
        sy = torch.arange(h, device=device, dtype=dtype) + offset
        yy, xx = torch.meshgrid(sy, sx, indexing="ij")
        points.append(torch.stack((xx, yy), -1).view(-1, 2))
        stride_list.append(torch.full((h * w, 1), float(s), device=device, dtype=dtype))
    return torch.cat(points), torch.cat(stride_list)


def dist2bbox(distance, anchor_points):
    lt, rb = distance.chunk(2, -1)
    return torch.cat((anchor_points - lt, anchor_points + rb), -1)


def bbox2dist(anchor_points, bbox, reg_max):
    x1y1, x2y2 = bbox.chunk(2, -1)
    return torch.cat((anchor_points - x1y1, x2y2 - anchor_points), -1).clamp(0, reg_max - 0.01)


def decode_distribution(pred_dist, reg_max=REG_MAX):
    """[..., 4 * reg_max] logits -> [..., 4] expected distances (softmax over the bins)."""
    proj = torch.arange(reg_max, device=pred_dist.device, dtype=pred_dist.dtype)
    return pred_dist.view(*pred_dist.shape[:-1], 4, reg_max).softmax(-1).matmul(proj)


def bbox_ciou(box1, box2, eps=1e-7):
    """Complete IoU of matching rows of two [..., 4] xyxy box sets."""
    b1_x1, b1_y1, b1_x2, b1_y2 = box1.unbind(-1)
    b2_x1, b2_y1, b2_x2, b2_y2 = box2.unbind(-1)
    w1, h1 = b1_x2 - b1_x1, b1_y2 - b1_y1 + eps
    w2, h2 = b2_x2 - b2_x1, b2_y2 - b2_y1 + eps
    inter = ((torch.min(b1_x2, b2_x2) - torch.max(b1_x1, b2_x1)).clamp(0)
             * (torch.min(b1_y2, b2_y2) - torch.max(b1_y1, b2_y1)).clamp(0))
    union = w1 * h1 + w2 * h2 - inter + eps
    iou = inter / union
    cw = torch.max(b1_x2, b2_x2) - torch.min(b1_x1, b2_x1)
    ch = torch.max(b1_y2, b2_y2) - torch.min(b1_y1, b2_y1)
    c2 = cw ** 2 + ch ** 2 + eps
    rho2 = ((b2_x1 + b2_x2 - b1_x1 - b1_x2) ** 2 + (b2_y1 + b2_y2 - b1_y1 - b1_y2) ** 2) / 4
    v = (4 / math.pi ** 2) * (torch.atan(w2 / h2) - torch.atan(w1 / h1)) ** 2
    with torch.no_grad():
        alpha = v / (v - iou + (1 + eps))
    return iou - (rho2 / c2 + v * alpha)


class TaskAlignedAssigner(nn.Module):
    """Assigns each anchor to at most one ground-truth box by the alignment metric
    score^alpha * IoU^beta, keeping the topk anchors (whose centres are inside the box) per box."""

    def __init__(self, num_classes, topk=10, alpha=0.5, beta=6.0, eps=1e-9):
        super().__init__()
        self.num_classes, self.topk, self.alpha, self.beta, self.eps = num_classes, topk, alpha, beta, eps

    @torch.no_grad()
    def forward(self, pd_scores, pd_bboxes, anc_points, gt_labels, gt_bboxes, mask_gt):
        """pd_scores [B, A, C] (sigmoided), pd_bboxes [B, A, 4] and anc_points [A, 2] in pixels,
        gt_labels [B, M, 1], gt_bboxes [B, M, 4], mask_gt [B, M, 1]. Returns target_labels [B, A],
        target_bboxes [B, A, 4], target_scores [B, A, C], fg_mask [B, A] (bool), target_gt_idx [B, A]."""
        B, A, C = pd_scores.shape
        M = gt_bboxes.shape[1]
        if M == 0:
            dev = pd_scores.device
            return (torch.zeros(B, A, dtype=torch.long, device=dev), torch.zeros_like(pd_bboxes),
                    torch.zeros_like(pd_scores), torch.zeros(B, A, dtype=torch.bool, device=dev),
                    torch.zeros(B, A, dtype=torch.long, device=dev))
        mask_in_gts = self.candidates_in_gts(anc_points, gt_bboxes)
        align_metric, overlaps = self.box_metrics(pd_scores, pd_bboxes, gt_labels, gt_bboxes,
                                                  (mask_in_gts * mask_gt).bool())
        mask_topk = self.topk_candidates(align_metric, mask_gt.expand(-1, -1, self.topk).bool())
        mask_pos = mask_topk * mask_in_gts * mask_gt
        target_gt_idx, fg_mask, mask_pos = self.highest_overlaps(mask_pos, overlaps)
        target_labels, target_bboxes, target_scores = self.targets(gt_labels, gt_bboxes, target_gt_idx, fg_mask)
        # Soft targets: each box's best alignment maps to its best IoU.
        align_metric = align_metric * mask_pos
        pos_align = align_metric.amax(-1, keepdim=True)
        pos_overlaps = (overlaps * mask_pos).amax(-1, keepdim=True)
        norm = (align_metric * pos_overlaps / (pos_align + self.eps)).amax(-2).unsqueeze(-1)
        return target_labels, target_bboxes, target_scores * norm, fg_mask.bool(), target_gt_idx

    def candidates_in_gts(self, xy_centers, gt_bboxes):
        """[B, M, A]: 1 where the anchor centre lies strictly inside the box."""
        B, M, _ = gt_bboxes.shape
        lt, rb = gt_bboxes.view(-1, 1, 4).chunk(2, 2)
        deltas = torch.cat((xy_centers[None] - lt, rb - xy_centers[None]), 2).view(B, M, -1, 4)
        return (deltas.amin(3) > self.eps).to(gt_bboxes.dtype)

    def box_metrics(self, pd_scores, pd_bboxes, gt_labels, gt_bboxes, mask):
        """Dense over [B, M, A] then masked: boolean-mask indexing would sync the GPU (nonzero),
        and B * M * A stays small (64 * 32 * 8400)."""
        A = pd_scores.shape[1]
        M = gt_bboxes.shape[1]
        cls_idx = gt_labels.squeeze(-1).long().clamp(0)
        # [B, M, A]: each anchor's score for the box's class.
        scores = pd_scores.permute(0, 2, 1).gather(1, cls_idx.unsqueeze(-1).expand(-1, -1, A))
        ciou = bbox_ciou(gt_bboxes.unsqueeze(2).expand(-1, -1, A, -1), pd_bboxes.unsqueeze(1).expand(-1, M, -1, -1))
        zero = torch.zeros((), dtype=pd_bboxes.dtype, device=pd_bboxes.device)
        overlaps = torch.where(mask, ciou.clamp(0), zero)
        scores = torch.where(mask, scores, zero)
        return scores.pow(self.alpha) * overlaps.pow(self.beta), overlaps

    def topk_candidates(self, metrics, topk_mask):
        _, idx = torch.topk(metrics, self.topk, dim=-1, largest=True)
        idx = idx.masked_fill(~topk_mask, 0)
        count = torch.zeros(metrics.shape, dtype=torch.int8, device=metrics.device)
        ones = torch.ones_like(idx[:, :, :1], dtype=torch.int8)
        for k in range(self.topk):
            count.scatter_add_(-1, idx[:, :, k:k + 1], ones)
        count.masked_fill_(count > 1, 0)  # index 0 repeated by the masked-out slots: not a candidate
        return count.to(metrics.dtype)

    def highest_overlaps(self, mask_pos, overlaps):
        """An anchor claimed by several boxes keeps the one it overlaps most."""
        M = mask_pos.shape[1]
        fg_mask = mask_pos.sum(-2)
        # Always computed (no `if fg_mask.max() > 1`): a data-dependent branch would sync the GPU.
        multi = (fg_mask.unsqueeze(1) > 1).expand(-1, M, -1)
        best = overlaps.argmax(1)
        is_best = torch.zeros_like(mask_pos)
        is_best.scatter_(1, best.unsqueeze(1), 1)
        mask_pos = torch.where(multi, is_best, mask_pos).float()
        fg_mask = mask_pos.sum(-2)
        return mask_pos.argmax(-2), fg_mask, mask_pos

    def targets(self, gt_labels, gt_bboxes, target_gt_idx, fg_mask):
        B, M = gt_bboxes.shape[:2]
        flat_idx = target_gt_idx + torch.arange(B, device=gt_labels.device).view(-1, 1) * M
        labels = gt_labels.long().flatten()[flat_idx].clamp(0)
        bboxes = gt_bboxes.view(-1, 4)[flat_idx]
        scores = F.one_hot(labels, self.num_classes).to(gt_bboxes.dtype)
        scores = torch.where(fg_mask.unsqueeze(-1) > 0, scores, torch.zeros_like(scores))
        return labels, bboxes, scores


def distribution_focal_loss(pred_dist, target):
    """pred_dist [N, reg_max] logits, target [N] distances in [0, reg_max - 1): cross-entropy on
    the two bins around the target, weighted by closeness."""
    tl = target.long()
    tr = tl + 1
    wl = tr.to(target.dtype) - target
    wr = 1 - wl
    return F.cross_entropy(pred_dist, tl, reduction="none") * wl + F.cross_entropy(pred_dist, tr, reduction="none") * wr


class DetectionLoss:
    """loss(feats, targets) for raw head maps feats [B, 4*reg_max + nc, h, w] per level and
    targets [B, M, 5] (class, x1, y1, x2, y2 in input pixels; class < 0 = padding).
    Returns (total for backward, detached [box, cls, dfl])."""

    def __init__(self, nc, strides=(8, 16, 32), reg_max=REG_MAX, gains=(7.5, 0.5, 1.5), topk=10):
        self.nc, self.strides, self.reg_max, self.gains = nc, strides, reg_max, gains
        self.assigner = TaskAlignedAssigner(nc, topk=topk, alpha=0.5, beta=6.0)

    def __call__(self, feats, targets):
        B = feats[0].shape[0]
        no = self.nc + 4 * self.reg_max
        x = torch.cat([f.float().reshape(B, no, -1) for f in feats], 2)
        pred_distri, pred_scores = x.split((4 * self.reg_max, self.nc), 1)
        pred_distri = pred_distri.permute(0, 2, 1).contiguous()
        pred_scores = pred_scores.permute(0, 2, 1).contiguous()
        anchor_points, stride_tensor = make_anchors([f.shape[2:] for f in feats], self.strides, x.device)

        targets = targets.float()
        gt_labels, gt_bboxes = targets[..., :1], targets[..., 1:5]
        mask_gt = (gt_labels >= 0).float()
        pred_bboxes = dist2bbox(decode_distribution(pred_distri, self.reg_max), anchor_points)

        _, target_bboxes, target_scores, fg_mask, _ = self.assigner(
            pred_scores.detach().sigmoid(), pred_bboxes.detach() * stride_tensor, anchor_points * stride_tensor,
            gt_labels, gt_bboxes, mask_gt)
        target_scores_sum = target_scores.sum().clamp(min=1)

        loss_cls = F.binary_cross_entropy_with_logits(pred_scores, target_scores, reduction="none").sum() / target_scores_sum
        # Dense over all anchors, weighted by the soft target (0 off the positives): selecting the
        # positives with a boolean mask would sync the GPU. Off the positives the target box is
        # the (detached) prediction itself, so every term stays finite.
        weight = target_scores.sum(-1)  # [B, A]
        target_bboxes = torch.where(fg_mask.unsqueeze(-1), target_bboxes / stride_tensor, pred_bboxes.detach())
        iou = bbox_ciou(pred_bboxes, target_bboxes)
        loss_box = ((1.0 - iou) * weight).sum() / target_scores_sum
        target_ltrb = bbox2dist(anchor_points, target_bboxes, self.reg_max - 1)
        dfl = distribution_focal_loss(pred_distri.reshape(-1, self.reg_max), target_ltrb.reshape(-1))
        loss_dfl = (dfl.view(B, -1, 4).mean(-1) * weight).sum() / target_scores_sum
        parts = torch.stack((loss_box * self.gains[0], loss_cls * self.gains[1], loss_dfl * self.gains[2]))
        return parts.sum() * B, parts.detach()
