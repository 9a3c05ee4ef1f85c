"""Notebook hygiene as tests: the stored outputs are nbval's reference, so they must be clean.

Each notebook in the table of contents exists, and each notebook under book/ is in it; each was run
top to bottom in a fresh kernel (execution counts 1..N); no stored error outside cells meant to fail;
no machine path, memory address or timing in any compared output; kernelspec python3; the cells
whose output nbval does not compare stay rare (under 1% of code cells in the whole book).

The output policy (CONTRIBUTING.md) is enforced here too: no compared output prints a number at
round-off level, whose digits depend on the CPU's SIMD and BLAS kernels and the thread count, and
the nbval sanitizers mask only what really varies between runs (Dask's loopback ports).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from toc_notebooks import toc_files, toc_notebooks  # noqa: E402

BOOK = ROOT / "book"
TOC_NOTEBOOKS = toc_notebooks(ROOT)
ALL_NOTEBOOKS = sorted(p for p in BOOK.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)

LEAKS = [
    (re.compile(r"0x[0-9a-fA-F]{6,}"), "a memory address"),
    (re.compile(r"(/tmp/|/home/|/root/|/Users/|/work/|site-packages|\.venv/|[A-Z]:\\\\)"), "a machine path"),
    (re.compile(r"\b\d+(\.\d+)?\s*(ms|µs|us|ns|s) ± "), "a timing"),
    (re.compile(r"Wall time|CPU times|it/s\]|s/it\]"), "a timing"),
]
# A float printed at round-off level: |x| < 1e-8 in scientific notation (other than a setting such as
# 1e-10 or 1.0e-09, i.e. a mantissa of exactly 1), or an exact 0.0e+00 from a difference. The same
# rule as ../shared/hooks/nbhygiene.py, plus fixed-point prints with eight or more leading zeros
# after the point (0.000000001234) and negative zero in scientific notation.
ROUNDOFF = [
    re.compile(r"(?<![\w.])-?(?!1\.0*e)\d\.\d+e-(?:0?9|[1-9]\d)\b"),
    re.compile(r"(?<![\w.])-?0\.0+e[+-]00\b"),
    re.compile(r"(?<![\w.])-?0\.0{8,}[1-9]"),
    re.compile(r"(?<![\w.])-?(?!1e)\de-(?:0?9|[1-9]\d)\b"),
]
IGNORE_TAGS = {"nbval-ignore-output", "nbval-skip"}
IGNORE_COMMENTS = ("NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP")
RAISE_TAGS = {"raises-exception", "nbval-raises-exception"}


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _text(output: dict) -> str:
    if "text" in output:
        t = output["text"]
    else:
        t = output.get("data", {}).get("text/plain", "")
    return "".join(t) if isinstance(t, list) else t


def _code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def _ignored(cell: dict) -> bool:
    tags = set(cell.get("metadata", {}).get("tags", []))
    return bool(tags & IGNORE_TAGS) or any(c in _source(cell) for c in IGNORE_COMMENTS)


def _ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(ROOT)) for p in paths]


def test_toc_entries_exist() -> None:
    missing = []
    for entry in toc_files(ROOT):
        candidates = [ROOT / entry, ROOT / f"{entry}.ipynb", ROOT / f"{entry}.md"]
        if not any(c.is_file() for c in candidates):
            missing.append(entry)
    assert not missing, f"_toc.yml lists files that do not exist: {missing}"


def test_every_notebook_is_in_the_toc() -> None:
    orphans = sorted(set(ALL_NOTEBOOKS) - set(TOC_NOTEBOOKS))
    assert not orphans, f"notebooks under book/ missing from _toc.yml: {_ids(orphans)}"


def test_the_book_has_notebooks() -> None:
    assert TOC_NOTEBOOKS, "the table of contents lists no notebook"


@pytest.mark.parametrize("path", TOC_NOTEBOOKS, ids=_ids(TOC_NOTEBOOKS))
def test_executed_top_to_bottom(path: Path) -> None:
    counts = [c.get("execution_count") for c in _code_cells(_load(path))]
    assert counts, "a chapter notebook has no code cell"
    assert counts == list(range(1, len(counts) + 1)), (
        f"execution counts are {counts}: re-run with `make notebooks NB={path.relative_to(ROOT)}`"
    )


@pytest.mark.parametrize("path", TOC_NOTEBOOKS, ids=_ids(TOC_NOTEBOOKS))
def test_no_stored_errors(path: Path) -> None:
    for i, cell in enumerate(_code_cells(_load(path))):
        tags = set(cell.get("metadata", {}).get("tags", []))
        meant_to_fail = bool(tags & RAISE_TAGS) or "NBVAL_RAISES_EXCEPTION" in _source(cell)
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if meant_to_fail:
            assert errors, f"code cell {i} is marked to raise but stored no error"
        else:
            assert not errors, f"code cell {i} stored an error: {errors[0].get('ename')}"


@pytest.mark.parametrize("path", TOC_NOTEBOOKS, ids=_ids(TOC_NOTEBOOKS))
def test_no_leaks_in_outputs(path: Path) -> None:
    for i, cell in enumerate(_code_cells(_load(path))):
        if _ignored(cell):
            continue
        for out in cell.get("outputs", []):
            body = _text(out)
            for pattern, what in LEAKS:
                assert not pattern.search(body), f"code cell {i} output holds {what}: {body[:200]!r}"
            assert out.get("name") != "stderr" or not body.strip(), (
                f"code cell {i} wrote to stderr (a warning?): {body[:200]!r}"
            )


@pytest.mark.parametrize("path", TOC_NOTEBOOKS, ids=_ids(TOC_NOTEBOOKS))
def test_kernelspec_is_python3(path: Path) -> None:
    assert _load(path)["metadata"].get("kernelspec", {}).get("name") == "python3"


def test_ignored_cells_are_rare() -> None:
    total = ignored = 0
    for path in TOC_NOTEBOOKS:
        cells = _code_cells(_load(path))
        total += len(cells)
        ignored += sum(_ignored(c) for c in cells)
    assert total, "no code cells found"
    assert ignored / total < 0.01, f"{ignored} of {total} code cells are not compared by nbval (limit 1%)"


def roundoff_prints(text: str) -> list[str]:
    """The numbers in ``text`` printed at round-off level (see ROUNDOFF)."""
    return [m.group(0) for pattern in ROUNDOFF for m in pattern.finditer(text)]


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("rel. error 8.7e-11", True), ("diff 0.0e+00", True), ("6.7e-16", True), ("-1.32e-09", True),
        ("x = 0.0000000012", True), ("2e-12", True), ("gap 2.220e-16", True),
        ("tol=1e-10", False), ("eps 1.0e-09", False), ("agrees to 1e-10: True", False),
        ("5.7e-05", False), ("6.3e9", False), ("0.5", False), ("< 1e-12", False), ("w = 45.16", False),
    ],
)
def test_roundoff_pattern(text: str, bad: bool) -> None:
    """The round-off detector flags what the shared hygiene script flags, and spares settings and bounds."""
    assert bool(roundoff_prints(text)) is bad


@pytest.mark.parametrize("path", TOC_NOTEBOOKS, ids=_ids(TOC_NOTEBOOKS))
def test_no_roundoff_in_outputs(path: Path) -> None:
    """No compared output prints round-off: print a verdict or a bound and assert the exact value."""
    problems = []
    for i, cell in enumerate(_code_cells(_load(path))):
        if _ignored(cell):
            continue
        hits = [h for out in cell.get("outputs", []) for h in roundoff_prints(_text(out))]
        if hits:
            problems.append(f"code cell {i}: {', '.join(hits[:3])}")
    assert not problems, (
        "outputs print numbers at round-off level, whose digits change with the CPU (see CONTRIBUTING.md, "
        "'Outputs that hold on every machine'): " + "; ".join(problems)
    )


def test_sanitizers_mask_only_what_varies_between_runs() -> None:
    """tests/sanitize.cfg may mask Dask's loopback ports and nothing else: never digits of a result."""
    import configparser

    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "tests" / "sanitize.cfg", encoding="utf-8")
    regexes = {name: cfg[name]["regex"] for name in cfg.sections()}
    assert regexes, "tests/sanitize.cfg has no section"
    for name, regex in regexes.items():
        assert "127" in regex and "tcp" in regex, (
            f"sanitizer [{name}] masks more than a loopback port: {regex}"
        )


@pytest.mark.parametrize("path", TOC_NOTEBOOKS, ids=_ids(TOC_NOTEBOOKS))
def test_every_figure_is_described(path: Path) -> None:
    """Each figure is followed by a "*The figure shows ...*" paragraph, which is also its alt text."""
    cells = _load(path)["cells"]
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        if not any("image/png" in o.get("data", {}) for o in cell.get("outputs", [])):
            continue
        nxt = cells[i + 1] if i + 1 < len(cells) else None
        assert nxt is not None and nxt["cell_type"] == "markdown" and _source(nxt).lstrip().startswith(
            "*The figure shows"
        ), f"the figure of cell {i} is not followed by a '*The figure shows ...*' description"
        alt = cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt", "")
        assert alt.startswith("The figure shows"), (
            f"cell {i} has no alt text in its metadata: re-run `make notebooks NB={path.relative_to(ROOT)}`"
        )


def _twin(path: Path) -> Path:
    return path.with_suffix(".py")


@pytest.mark.parametrize("path", TOC_NOTEBOOKS, ids=_ids(TOC_NOTEBOOKS))
def test_paired_text_source_in_sync(path: Path) -> None:
    """Each chapter's .ipynb and its percent-format .py twin (jupytext.toml) hold the same cells.

    The .py is what a review reads; the .ipynb keeps the outputs nbval compares. Compared: the cell
    types, the sources and the tags (the only cell metadata the twin carries).
    """
    jupytext = pytest.importorskip("jupytext")
    twin = _twin(path)
    assert twin.is_file(), (
        f"{twin.relative_to(ROOT)} is missing: run `jupytext --sync {path.relative_to(ROOT)}`"
    )

    def cells(nb) -> list[tuple[str, str, list[str]]]:
        return [
            (c["cell_type"], _source(c).strip("\n"), list(c.get("metadata", {}).get("tags", [])))
            for c in nb["cells"]
        ]

    text = cells(jupytext.read(twin))
    stored = cells(_load(path))
    pairs = zip(text, stored, strict=False)  # lengths may differ: report the first difference
    where = next((i for i, (a, b) in enumerate(pairs) if a != b), min(len(text), len(stored)))
    assert text == stored, (
        f"{path.relative_to(ROOT)} and {twin.name} differ from cell {where} on: "
        f"run `make notebooks NB={path.relative_to(ROOT)}` "
        "(syncs the newer file into the other, then executes)"
    )


@pytest.mark.parametrize("path", TOC_NOTEBOOKS, ids=_ids(TOC_NOTEBOOKS))
def test_code_lines_fit_the_page(path: Path) -> None:
    """No code line is longer than 88 characters (ruff's limit for book/), so none is cut on the page."""
    long = [
        (i, n + 1, len(line))
        for i, cell in enumerate(_code_cells(_load(path)))
        for n, line in enumerate(_source(cell).splitlines())
        if len(line) > 88
    ]
    assert not long, f"code lines over 88 characters (code cell, line, length): {long[:5]}"
