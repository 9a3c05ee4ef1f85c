"""Turn a percent-format script into a notebook (a tiny, dependency-free subset of jupytext).

Usage: python tools/py2nb.py chapter.py book/partN/chapter.ipynb

Cells start with a line ``# %%`` (code) or ``# %% [markdown]`` (markdown, each line prefixed by
``# ``); tags go in the header: ``# %% tags=["raises-exception", "hide-input"]``. The notebook is
written without outputs; run ``tools/run_notebooks.py`` on it afterwards.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat

HEADER = re.compile(r"^# %%(?P<md>\s*\[markdown\])?(?:\s+tags=(?P<tags>\[.*\]))?\s*$")


def convert(text: str) -> nbformat.NotebookNode:
    cells: list[tuple[str, list[str], list[str]]] = []
    kind, tags, lines = None, [], []
    for line in text.splitlines():
        m = HEADER.match(line)
        if m:
            if kind is not None:
                cells.append((kind, tags, lines))
            kind = "markdown" if m.group("md") else "code"
            tags = json.loads(m.group("tags")) if m.group("tags") else []
            lines = []
        elif kind is not None:
            lines.append(line)
    if kind is not None:
        cells.append((kind, tags, lines))

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    for kind, tags, body in cells:
        while body and not body[-1].strip():
            body.pop()
        while body and not body[0].strip():
            body.pop(0)
        if kind == "markdown":
            src = "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#") for line in body)
            cell = nbformat.v4.new_markdown_cell(src)
        else:
            cell = nbformat.v4.new_code_cell("\n".join(body))
        if tags:
            cell.metadata["tags"] = tags
        # stable ids (position + kind) keep re-conversions from churning every cell in the diff
        cell.id = f"{kind[:2]}{len(nb.cells):03d}"
        nb.cells.append(cell)
    return nb


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    src, dst = Path(argv[0]), Path(argv[1])
    nb = convert(src.read_text(encoding="utf-8"))
    dst.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, dst)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
