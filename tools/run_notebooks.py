"""Re-execute notebooks in place, each in a fresh kernel, so their stored outputs are fresh.

Usage: python tools/run_notebooks.py book/part1/why_optimization.ipynb [more.ipynb ...]

Cells tagged ``raises-exception`` may fail (their error is the point); any other error stops
with a non-zero exit and leaves the notebook file untouched.

Each figure's alt text is its description in the book: the markdown cell that follows a plotting
cell starts with "*The figure shows ...*"; that sentence is copied into the cell's
``mystnb.image.alt`` metadata so the HTML ``<img>`` carries it for screen readers.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ALT_PREFIX = "*The figure shows"


def set_alt_texts(nb: nbformat.NotebookNode) -> int:
    """Copy each figure's "*The figure shows ...*" paragraph into its cell's alt-text metadata."""
    done = 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if not any("image/png" in out.get("data", {}) for out in cell.get("outputs", [])):
            continue
        following = nb.cells[i + 1] if i + 1 < len(nb.cells) else None
        if following is None or following.cell_type != "markdown":
            continue
        paragraph = following.source.strip().split("\n\n")[0]
        if not paragraph.startswith(ALT_PREFIX):
            continue
        alt = " ".join(paragraph.strip("*").replace("$", "").split())
        cell.metadata.setdefault("mystnb", {}).setdefault("image", {})["alt"] = alt
        done += 1
    return done


def run(path: Path, timeout: int = 300) -> float:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    set_alt_texts(nb)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nbformat.write(nb, path)
    return elapsed


def main(paths: list[str]) -> int:
    if not paths:
        print("no notebooks given", file=sys.stderr)
        return 2
    failed = 0
    for p in paths:
        path = Path(p)
        try:
            elapsed = run(path)
        except CellExecutionError as exc:
            failed += 1
            print(f"FAILED {path}:\n{exc}", file=sys.stderr)
            continue
        print(f"{elapsed:6.1f} s  {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
