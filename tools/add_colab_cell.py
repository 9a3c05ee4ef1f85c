"""Give every chapter notebook a first cell that installs gdlearn where it is missing (Colab).

The cell is hidden on the site (tag ``remove-cell``) and skipped by nbval (tag ``nbval-skip``); where
gdlearn is already installed (``make lab``, CI, Binder, which builds from requirements.txt) it does
nothing. It installs from the book's repository, so that repository must be named:

    python tools/add_colab_cell.py --repository owner/name            # every notebook of _toc.yml
    python tools/add_colab_cell.py --repository owner/name book/part3/momentum.ipynb
    BOOK_REPOSITORY=owner/name python tools/add_colab_cell.py          # as the site build reads it
    python tools/add_colab_cell.py --check                              # exit 1 if a notebook lacks it

The notebook (.ipynb) and its jupytext percent-format twin (.py) both get the cell. Idempotent: the
cell is found again by its id (``colab-install``) and the tag line in the twin, and only its source is
brought up to date (a new repository or branch); nothing else in either file changes, outputs included.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from toc_notebooks import toc_notebooks  # noqa: E402

CELL_ID = "colab-install"
TAGS = ["remove-cell", "nbval-skip"]
TAG_LINE = '# %% tags=["remove-cell", "nbval-skip"]'
REPO_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}")


def cell_source(repository: str, branch: str) -> str:
    return (
        "# On Colab, or anywhere gdlearn is not installed: install the book's companion package.\n"
        "import importlib.util\n"
        "import subprocess\n"
        "import sys\n"
        "\n"
        'if importlib.util.find_spec("gdlearn") is None:\n'
        "    subprocess.run(\n"
        '        [sys.executable, "-m", "pip", "install", "--quiet",\n'
        f'         "gdlearn @ git+https://github.com/{repository}@{branch}"],\n'
        "        check=True,\n"
        "    )"
    )


def _dump(nb: dict) -> str:
    # nbformat's own layout: one-space indent, sorted keys, unicode kept, final newline
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def update_ipynb(path: Path, source: str) -> bool:
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    lines = source.splitlines(keepends=True)
    cells = nb["cells"]
    existing = next((c for c in cells if c.get("id") == CELL_ID), None)
    if existing is None:
        cell = {"cell_type": "code", "execution_count": None, "metadata": {"tags": list(TAGS)},
                "outputs": [], "source": lines}
        if nb.get("nbformat", 4) > 4 or nb.get("nbformat_minor", 0) >= 5:
            cell["id"] = CELL_ID
        cells.insert(0, cell)
    else:
        existing["source"] = lines
        tags = existing.setdefault("metadata", {}).setdefault("tags", [])
        for tag in TAGS:
            if tag not in tags:
                tags.append(tag)
    new = _dump(nb)
    if new == text:
        return False
    # keep the file's own key order and layout when only our cell changed: write nbformat's layout
    # only if the file was already in it (it is, for notebooks written by jupyter or jupytext)
    path.write_text(new, encoding="utf-8")
    return True


def update_py(path: Path, source: str) -> bool:
    if not path.exists():
        return False
    text = path.read_text(encoding="utf-8")
    block = f"{TAG_LINE}\n{source}\n\n"
    if text.startswith(TAG_LINE + "\n"):
        # replace the existing block: up to the next cell marker
        end = text.find("\n# %%", len(TAG_LINE))
        rest = text[end + 1:] if end >= 0 else ""
        new = block + rest
    else:
        new = block + text
    if new == text:
        return False
    path.write_text(new, encoding="utf-8")
    return True


def has_cell(path: Path) -> bool:
    nb = json.loads(path.read_text(encoding="utf-8"))
    first = nb["cells"][0] if nb["cells"] else {}
    ok_nb = first.get("id") == CELL_ID and all(t in first.get("metadata", {}).get("tags", []) for t in TAGS)
    twin = path.with_suffix(".py")
    ok_py = not twin.exists() or twin.read_text(encoding="utf-8").startswith(TAG_LINE + "\n")
    return ok_nb and ok_py


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook of _toc.yml")
    parser.add_argument("--repository", default=os.environ.get("BOOK_REPOSITORY", ""),
                        help="owner/name on GitHub (default: $BOOK_REPOSITORY)")
    parser.add_argument("--branch", default=os.environ.get("BOOK_BRANCH", "main"))
    parser.add_argument("--check", action="store_true", help="only report notebooks without the cell")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or toc_notebooks(ROOT)

    if args.check:
        missing = [str(nb) for nb in notebooks if not has_cell(nb)]
        for nb in missing:
            print(f"no Colab install cell: {nb}")
        return 1 if missing else 0

    repo = args.repository.strip().removeprefix("https://github.com/").strip("/")
    if not REPO_RE.fullmatch(repo):
        parser.error("name the repository: --repository owner/name (or BOOK_REPOSITORY=owner/name)")
    source = cell_source(repo, args.branch)
    for nb in notebooks:
        changed = [name for name, done in (
            (nb.name, update_ipynb(nb, source)),
            (nb.with_suffix(".py").name, update_py(nb.with_suffix(".py"), source)),
        ) if done]
        print(f"{nb}: {'updated ' + ', '.join(changed) if changed else 'already up to date'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
