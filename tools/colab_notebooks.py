"""The chapters as Colab opens them: each notebook with a first cell that installs gdlearn.

Colab opens a notebook straight from GitHub, where gdlearn is not installed. The committed chapters
stay as they are (no install cell to hide from the site or from nbval, and no repository name to
hard-code before the repository exists). Instead, when the site is built for a configured repository
(``BOOK_REPOSITORY=owner/name``, set by the publishing workflow), ``make book`` writes a copy of every
chapter notebook, outputs included, with the install cell first, into ``_build/colab/``. The workflow
publishes that folder as the repository's ``colab`` branch, and the site's Colab button opens
``colab.research.google.com/github/<owner>/<name>/blob/colab/<path>.ipynb``.

    python tools/colab_notebooks.py --repository owner/name --out _build/colab   # by hand
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from toc_notebooks import toc_notebooks  # noqa: E402

BRANCH = "colab"  # the branch the publishing workflow pushes the copies to
CELL_ID = "colab-install"
TAGS = ["remove-cell", "nbval-skip"]  # should a copy ever reach the site or nbval
REPO_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}")


def check_repository(repository: str) -> str:
    """``owner/name``, from that or from a GitHub URL; ValueError otherwise."""
    repo = repository.strip().removeprefix("https://github.com/").strip("/")
    if not REPO_RE.fullmatch(repo):
        raise ValueError(f"a GitHub repository is named owner/name, got {repository!r}")
    return repo


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


def colab_copy(nb: dict, repository: str, branch: str) -> dict:
    """The notebook ``nb`` (nbformat JSON) with the install cell first; ``nb`` is not changed."""
    new = copy.deepcopy(nb)
    cell = {"cell_type": "code", "execution_count": None, "id": CELL_ID,
            "metadata": {"tags": list(TAGS)}, "outputs": [],
            "source": cell_source(check_repository(repository), branch).splitlines(keepends=True)}
    new["cells"] = [cell] + [c for c in new["cells"] if c.get("id") != CELL_ID]
    new["nbformat"], new["nbformat_minor"] = 4, max(5, new.get("nbformat_minor", 0))  # cell ids
    return new


def write_copies(out: Path, repository: str, branch: str, root: Path = ROOT) -> list[Path]:
    """Write the Colab copy of every chapter of ``_toc.yml`` under ``out``, at its path in the book."""
    written = []
    for path in toc_notebooks(root):
        target = out / path.resolve().relative_to(root.resolve())
        target.parent.mkdir(parents=True, exist_ok=True)
        nb = json.loads(path.read_text(encoding="utf-8"))
        text = json.dumps(colab_copy(nb, repository, branch), indent=1, sort_keys=True, ensure_ascii=False)
        target.write_text(text + "\n", encoding="utf-8")
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repository", default=os.environ.get("BOOK_REPOSITORY", ""),
                        help="owner/name on GitHub (default: $BOOK_REPOSITORY)")
    parser.add_argument("--branch", default=os.environ.get("BOOK_BRANCH", "main"),
                        help="the branch gdlearn is installed from (default: $BOOK_BRANCH or main)")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "colab")
    args = parser.parse_args(argv)
    try:
        repo = check_repository(args.repository)
    except ValueError as err:
        parser.error(f"{err}: pass --repository owner/name (or set BOOK_REPOSITORY)")
    written = write_copies(args.out, repo, args.branch)
    print(f"{len(written)} Colab notebooks written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
