"""Time the book's pipeline on this machine: each notebook, nbval over all, and the book build.

Run with ``make bench``. Prints one line per measurement and checks each against its budget
(each notebook under 10 s, the Dask chapter under 20 s; nbval over the whole book under 90 s;
``make book`` from a clean ``_build`` under 60 s). The machine is shared and noisy: the budgets
have room, and the numbers are for the record, not a test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from toc_notebooks import toc_notebooks  # noqa: E402

BIN = Path(sys.executable).parent
BUDGET_NOTEBOOK = 10.0
BUDGET_DASK = 20.0
BUDGET_NBVAL = 90.0
BUDGET_BUILD = 60.0


def time_notebook(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def time_command(cmd: list[str], cwd: Path) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, proc.returncode


def main() -> int:
    over = []
    print("== notebook execution (fresh kernel each) ==")
    for path in toc_notebooks(ROOT):
        budget = BUDGET_DASK if "dask" in path.name else BUDGET_NOTEBOOK
        elapsed = time_notebook(path)
        flag = "" if elapsed <= budget else f"  OVER BUDGET ({budget:.0f} s)"
        print(f"{elapsed:6.1f} s  {path.relative_to(ROOT)}{flag}")
        if flag:
            over.append(str(path.relative_to(ROOT)))

    print("== nbval over the whole book, 2 workers ==")
    elapsed, rc = time_command(
        [str(BIN / "python"), "-m", "pytest", "-q", "-n", "2", "--dist", "loadfile", "book"], ROOT
    )
    print(f"{elapsed:6.1f} s  nbval (exit {rc}; budget {BUDGET_NBVAL:.0f} s)")
    if rc or elapsed > BUDGET_NBVAL:
        over.append("nbval")

    print("== book build from a clean _build (in a temporary copy) ==")
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "book"
        shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns("_build", ".venv", ".git", "__pycache__"))
        env_jb = str(BIN / "jupyter-book")
        elapsed, rc = time_command([env_jb, "build", ".", "--warningiserror", "--keep-going"], copy)
    print(f"{elapsed:6.1f} s  jupyter-book build (exit {rc}; budget {BUDGET_BUILD:.0f} s)")
    if rc or elapsed > BUDGET_BUILD:
        over.append("book build")

    print(f"cores: {os.cpu_count()}")
    if over:
        print("over budget or failed:", ", ".join(over))
        return 1
    print("all within budget")
    return 0


if __name__ == "__main__":
    sys.exit(main())
