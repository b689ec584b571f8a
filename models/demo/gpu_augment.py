"""Training batches made on the GPU from a dataset that lives there as uint8: mosaic of 4, random
scale / translate / horizontal flip through one affine grid_sample, and HSV-like colour jitter as
one 3x3 matrix per image. Nothing goes through the CPU, so data never starves the GPU.

Boxes stay exact: the geometric part is scale + translate + flip only (the scenes were already
rendered with rotation and perspective), so an axis-aligned box maps to an axis-aligned box.
"""
import math

import torch
import torch.nn.functional as F

PAD_VALUE = 114.0

# RGB <-> YIQ: hue is a rotation of the (I, Q) plane, saturation its scale, value the Y scale.
_RGB2YIQ = torch.tensor([[0.299, 0.587, 0.114], [0.596, -0.274, -0.322], [0.211, -0.523, 0.312]])


def pad_boxes(box_list, device):
    """A list of [n, 5] float arrays -> [N, M, 5] tensor padded with class -1."""
    m = max(1, max((len(b) for b in box_list), default=1))
    out = torch.full((len(box_list), m, 5), -1.0)
    for i, b in enumerate(box_list):
        if len(b):
            out[i, :len(b)] = torch.as_tensor(b, dtype=torch.float32)
    return out.to(device)


class GpuAugmenter:
    def __init__(self, images, boxes, mosaic=0.5, scale=(0.5, 1.5), translate=0.1, flip=0.5,
                 hsv=(0.015, 0.5, 0.4), min_kept=0.3):
        """images: uint8 [N, S, S, 3] on the training device; boxes: [N, M, 5] (class, x1, y1, x2, y2)."""
        self.images, self.boxes = images, boxes
        self.size = images.shape[1]
        self.mosaic, self.scale, self.translate, self.flip, self.hsv = mosaic, scale, translate, flip, hsv
        self.min_kept = min_kept
        dev = images.device
        self.rgb2yiq = _RGB2YIQ.to(dev)
        self.yiq2rgb = torch.linalg.inv(_RGB2YIQ).to(dev)

    def __call__(self, idx, generator=None):
        """idx: int64 [B] on the device. Returns (float [B, 3, S, S] in 0..1, channels_last;
        targets [B, M', 5] padded with class -1)."""
        B = idx.numel()
        # The first round(B * mosaic) samples get a mosaic: idx is already a random draw, and a
        # fixed split avoids the GPU->CPU sync a random boolean mask would cost.
        n_mosaic = int(round(B * self.mosaic))
        images, targets = [], []
        for mosaic, sel in ((True, idx[:n_mosaic]), (False, idx[n_mosaic:])):
            if sel.numel() == 0:
                continue
            canvas, boxes = self.mosaic_canvas(sel, generator) if mosaic else self.single_canvas(sel)
            img, tgt = self.affine(canvas, boxes, mosaic, generator)
            images.append(img)
            targets.append(tgt)
        m = max(t.shape[1] for t in targets)
        targets = [F.pad(t, (0, 0, 0, m - t.shape[1]), value=-1.0) for t in targets]
        img = self.color_jitter(torch.cat(images), generator)
        # Targets keep a fixed width (no trimming): trimming would need a GPU->CPU sync per batch.
        return (img / 255.0).contiguous(memory_format=torch.channels_last), torch.cat(targets)

    def single_canvas(self, sel):
        return self.images[sel].permute(0, 3, 1, 2).float(), self.boxes[sel]

    def mosaic_canvas(self, sel, generator):
        """A 2S x 2S canvas per sample: the sample and 3 random others in a 2 x 2 grid."""
        S, n = self.size, sel.numel()
        others = torch.randint(0, self.images.shape[0], (n, 3), device=sel.device, generator=generator)
        four = torch.cat((sel[:, None], others), 1)  # [n, 4]
        tiles = self.images[four.flatten()].view(n, 2, 2, S, S, 3)
        canvas = tiles.permute(0, 5, 1, 3, 2, 4).reshape(n, 3, 2 * S, 2 * S).float()
        b = self.boxes[four.flatten()].view(n, 4, -1, 5).clone()
        offs = torch.tensor([[0, 0], [S, 0], [0, S], [S, S]], device=sel.device, dtype=b.dtype)
        valid = b[..., :1] >= 0
        b[..., [1, 3]] += offs[None, :, None, :1]
        b[..., [2, 4]] += offs[None, :, None, 1:]
        b = torch.where(valid, b, torch.full_like(b, -1.0))
        return canvas, b.view(n, -1, 5)

    def affine(self, canvas, boxes, mosaic, generator):
        """Samples an S x S view: zoom z, centre (cx, cy) in canvas pixels, optional mirror."""
        n, dev, S = canvas.shape[0], canvas.device, self.size
        C = canvas.shape[-1]
        rand = lambda: torch.rand(n, device=dev, generator=generator)  # noqa: E731
        z = self.scale[0] + (self.scale[1] - self.scale[0]) * rand()
        jitter = (0.5 if mosaic else self.translate) * S
        cx = C / 2 + (rand() * 2 - 1) * jitter
        cy = C / 2 + (rand() * 2 - 1) * jitter
        f = torch.where(rand() < self.flip, -torch.ones_like(z), torch.ones_like(z))
        theta = torch.zeros(n, 2, 3, device=dev)
        theta[:, 0, 0] = S * f / (C * z)
        theta[:, 0, 2] = 2 * cx / C - 1
        theta[:, 1, 1] = S / (C * z)
        theta[:, 1, 2] = 2 * cy / C - 1
        grid = F.affine_grid(theta, [n, 3, S, S], align_corners=False)
        out = F.grid_sample(canvas - PAD_VALUE, grid, mode="bilinear", padding_mode="zeros",
                            align_corners=False) + PAD_VALUE
        # Boxes: u = (x - cx) * z * f + S / 2, the inverse of the sampling map.
        valid = boxes[..., 0] >= 0
        zz, ff = z.view(-1, 1), f.view(-1, 1)
        x1 = (boxes[..., 1] - cx.view(-1, 1)) * zz * ff + S / 2
        x2 = (boxes[..., 3] - cx.view(-1, 1)) * zz * ff + S / 2
        y1 = (boxes[..., 2] - cy.view(-1, 1)) * zz + S / 2
        y2 = (boxes[..., 4] - cy.view(-1, 1)) * zz + S / 2
        x1, x2 = torch.min(x1, x2), torch.max(x1, x2)
        area = (x2 - x1) * (y2 - y1)
        cx1, cx2 = x1.clamp(0, S), x2.clamp(0, S)
        cy1, cy2 = y1.clamp(0, S), y2.clamp(0, S)
        kept = (cx2 - cx1) * (cy2 - cy1)
        # Boxes mostly cut off by the view, or too small to learn from, become padding.
        valid = valid & (cx2 - cx1 > 2) & (cy2 - cy1 > 2) & (kept >= self.min_kept * area.clamp(min=1e-6))
        tgt = torch.stack((boxes[..., 0], cx1, cy1, cx2, cy2), -1)
        tgt = torch.where(valid.unsqueeze(-1), tgt, torch.full_like(tgt, -1.0))
        return out, tgt

    def color_jitter(self, img, generator):
        n, dev = img.shape[0], img.device
        r = lambda: torch.rand(n, device=dev, generator=generator) * 2 - 1  # noqa: E731
        hue = r() * self.hsv[0] * 2 * math.pi
        sat = 1 + r() * self.hsv[1]
        val = 1 + r() * self.hsv[2]
        m = torch.zeros(n, 3, 3, device=dev)
        m[:, 0, 0] = val
        m[:, 1, 1] = val * sat * torch.cos(hue)
        m[:, 1, 2] = -val * sat * torch.sin(hue)
        m[:, 2, 1] = val * sat * torch.sin(hue)
        m[:, 2, 2] = val * sat * torch.cos(hue)
        full = self.yiq2rgb @ m @ self.rgb2yiq  # [n, 3, 3]
        B, _, H, W = img.shape
        out = torch.bmm(full, img.reshape(B, 3, H * W)).view(B, 3, H, W)
        return out.clamp_(0, 255)

