"""Contact sheets of a notebook's stored figures as readers with colour-vision deficiency see them.

Every PNG output of the notebooks given is shown four times, side by side: as stored, and under
protanopia, deuteranopia and tritanopia at full severity. The simulation is Machado, Oliveira and
Fernandes (2009), "A physiologically-based model for simulation of color vision deficiency", IEEE
TVCG 15(6): a 3x3 matrix applied in linear RGB. A figure passes when every comparison in it can still
be read in all four panels (by line style, marker, label or position, not by hue).

    python tools/cvd_sheets.py book/part3/momentum.ipynb --out /tmp/cvd

writes one PNG per figure (``<chapter>-cell<N>-<k>.png``) into ``--out``.
"""

from __future__ import annotations

import argparse
import base64
import io
from pathlib import Path

import matplotlib.image as mpimg
import matplotlib.pyplot as plt
import nbformat
import numpy as np

# Machado et al. (2009), Table 1, severity 1.0, applied to linear RGB.
MACHADO = {
    "protanopia": np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
         [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
         [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array(
        [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
         [0.004733, 0.691367, 0.303900]]),
}


def _to_linear(srgb: np.ndarray) -> np.ndarray:
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def _to_srgb(lin: np.ndarray) -> np.ndarray:
    lin = np.clip(lin, 0.0, 1.0)
    return np.where(lin <= 0.0031308, 12.92 * lin, 1.055 * lin ** (1 / 2.4) - 0.055)


def simulate(rgb: np.ndarray, kind: str) -> np.ndarray:
    """The image ``rgb`` (floats in [0, 1], shape (h, w, 3)) as seen with the deficiency ``kind``."""
    return _to_srgb(_to_linear(rgb) @ MACHADO[kind].T)


def figures(path: Path):
    """Yield (cell index, k, RGB image) for every PNG output of the notebook at ``path``."""
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        k = 0
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "image/png" in data:
                img = mpimg.imread(io.BytesIO(base64.b64decode(data["image/png"])), format="png")
                yield i, k, img[..., :3]
                k += 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("notebooks", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    n = 0
    for path in args.notebooks:
        for i, k, img in figures(path):
            panels = [("as stored", img)] + [(kind, simulate(img, kind)) for kind in MACHADO]
            h, w = img.shape[:2]
            fig, axes = plt.subplots(2, 2, figsize=(2 * w / 100, 2 * h / 100 + 0.6), dpi=60)
            for ax, (title, im) in zip(axes.flat, panels, strict=True):
                ax.imshow(im)
                ax.set_title(title, fontsize=20)
                ax.axis("off")
            fig.tight_layout()
            fig.savefig(args.out / f"{path.stem}-cell{i}-{k}.png")
            plt.close(fig)
            n += 1
    print(f"{n} figures written to {args.out}")


if __name__ == "__main__":
    main()
