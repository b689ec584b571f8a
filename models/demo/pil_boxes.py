"""Box-shaped ImageDraw calls with their corners put in order.

Pillow 9 quietly accepts a box whose second corner lies above or left of the first (tiny sprites
compute such boxes); Pillow 10+ raises ValueError. Ordering the corners first gives the same
picture on both, so scenes stay identical across the two machines that generate them.
"""
from PIL import ImageDraw

_BOX_METHODS = ("rectangle", "ellipse", "rounded_rectangle", "arc", "chord", "pieslice")


def _ordered(xy):
    if isinstance(xy, (list, tuple)) and len(xy) == 4 and all(isinstance(v, (int, float)) for v in xy):
        x0, y0, x1, y1 = xy
        return [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]
    if isinstance(xy, (list, tuple)) and len(xy) == 2 and all(isinstance(p, (list, tuple)) for p in xy):
        (x0, y0), (x1, y1) = xy
        return [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]
    return xy


def _wrap(method):
    def ordered_method(self, xy, *args, **kwargs):
        return method(self, _ordered(xy), *args, **kwargs)
    ordered_method.__wrapped__ = method
    return ordered_method


for _name in _BOX_METHODS:
    _method = getattr(ImageDraw.ImageDraw, _name, None)
    if _method is not None and not hasattr(_method, "__wrapped__"):
        setattr(ImageDraw.ImageDraw, _name, _wrap(_method))
