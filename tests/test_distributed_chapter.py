"""The Dask chapter on a cluster of a different size.

book/part4/distributed_dask.ipynb reads the number of workers from GDT_DASK_WORKERS (default 2),
and its stored outputs are those of 2 workers. Here it runs top to bottom in a fresh kernel with
3 workers: every cell must run without error, so that every assertion of the chapter holds for a
cluster it was not recorded on (its printed outputs are not compared, they legitimately differ).
Afterwards no Dask worker process may be left running.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import nbformat
import psutil
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "book" / "part4" / "distributed_dask.ipynb"
WORKERS = 3
TOKEN_VARIABLE = "GDT_TEST_RUN_TOKEN"


def _processes_with(token: str) -> dict[int, str]:
    """Running processes whose environment carries the token (pid -> command line).

    The kernel gets the token in its environment and passes it on to every process it starts
    (the Dask scheduler's and the workers' processes), so this finds exactly the run's processes.
    """
    found = {}
    for proc in psutil.process_iter(["pid", "cmdline"]):
        try:
            if proc.environ().get(TOKEN_VARIABLE) == token and proc.status() != psutil.STATUS_ZOMBIE:
                found[proc.info["pid"]] = " ".join(proc.info.get("cmdline") or [])
        except (psutil.AccessDenied, psutil.NoSuchProcess, psutil.ZombieProcess):
            continue
    return found


def _code_outputs(nb: nbformat.NotebookNode) -> str:
    return "".join(
        out.get("text", "")
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
    )


@pytest.mark.skipif(os.environ.get("GDT_DASK_SCHEDULER") is not None, reason="uses a local cluster")
def test_chapter_runs_with_three_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    token = uuid.uuid4().hex
    monkeypatch.setenv("GDT_DASK_WORKERS", str(WORKERS))  # the kernel inherits the environment
    monkeypatch.setenv(TOKEN_VARIABLE, token)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError if any cell (hence any assertion) fails
    elapsed = time.perf_counter() - start
    print(f"distributed_dask with {WORKERS} workers: {elapsed:.1f} s")

    text = _code_outputs(nb)
    assert f"workers: {WORKERS}, threads per worker: {[1] * WORKERS}" in text
    assert "rows held by each worker: [74, 147, 221]" in text
    assert "worker processes still running: 0" in text

    # The kernel has been shut down; the worker processes must be gone too (allow a moment).
    deadline = time.monotonic() + 20
    left = _processes_with(token)
    while left and time.monotonic() < deadline:
        time.sleep(0.5)
        left = _processes_with(token)
    assert not left, f"processes left after the notebook: {left}"
