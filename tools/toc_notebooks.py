"""Print the notebooks listed in _toc.yml, one per line (stdlib only, so make can call it early)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def toc_files(root: Path = ROOT) -> list[str]:
    """Every ``file:`` entry of ``_toc.yml`` (and ``root:``), in order, as written there."""
    text = (root / "_toc.yml").read_text(encoding="utf-8")
    return re.findall(r"^\s*(?:-\s*)?(?:file|root):\s*([^\s#]+)", text, flags=re.MULTILINE)


def toc_notebooks(root: Path = ROOT) -> list[Path]:
    """The notebooks of the table of contents (entries whose file is an .ipynb)."""
    out = []
    for entry in toc_files(root):
        path = root / entry
        if path.suffix == "":
            is_notebook = (root / f"{entry}.ipynb").exists()
            path = path.with_suffix(".ipynb" if is_notebook else ".md")
        if path.suffix == ".ipynb":
            out.append(path)
    return out


if __name__ == "__main__":
    for nb in toc_notebooks():
        sys.stdout.write(f"{nb.relative_to(ROOT)}\n")
