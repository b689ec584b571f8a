#!/usr/bin/python3
"""Checks DESIGN.md's layering: a file under src/<layer>/ includes only its own layer or lower
ones, and CUDA kernels (.cu/.cuh files and the launcher headers in any <layer>/cuda/kernels/)
include no framework headers: only kernel headers (<layer>/cuda/kernels/...). Prints every violation; exit 1 if any."""
import os
import re
import sys

# Lowest first. passes and planner share a rank, as do the two backends.
LAYERS = [["core"], ["ir"], ["ops"], ["backends"], ["passes", "planner"], ["engine"], ["vision"],
          ["pipeline"], ["io"]]
RANK = {name: i for i, group in enumerate(LAYERS) for name in group}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def layer_of(path):
    first = path.split("/")[0]
    return first if first in RANK else None


def main():
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src")
    src = os.path.normpath(src)
    problems = []
    for root, _, files in os.walk(src):
        for f in files:
            if not f.endswith((".h", ".cpp", ".cu", ".cuh")):
                continue
            full = os.path.join(root, f)
            rel = os.path.relpath(full, src)
            own = layer_of(rel)
            with open(full, encoding="utf-8") as fh:
                for lineno, line in enumerate(fh, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    target = layer_of(m.group(1))
                    is_kernel = f.endswith((".cu", ".cuh")) or "/cuda/kernels/" in rel
                    if is_kernel and target is not None and "/cuda/kernels/" not in m.group(1):
                        problems.append(f"src/{rel}:{lineno}: a .cu file includes framework header {m.group(1)}")
                    elif own and target and RANK[target] > RANK[own]:
                        problems.append(f"src/{rel}:{lineno}: layer '{own}' includes higher layer '{target}' ({m.group(1)})")
    for p in problems:
        print(p)
    print(f"check_layers: {len(problems)} violation(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
