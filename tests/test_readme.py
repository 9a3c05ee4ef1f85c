"""The README's gdlearn quickstart runs as printed and does what its comments say."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_quickstart_runs_and_converges() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("## `gdlearn` in ten lines", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, flags=re.S).group(1)
    assert len(code.strip().splitlines()) <= 10
    out = io.StringIO()
    scope: dict = {}
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README quickstart", "exec"), scope)  # noqa: S102 (our own README)
    res = scope["res"]
    assert res.status == "converged" and "gtol=1e-05" in res.message
    assert abs(res.x - 1.0).max() < 1e-3
    assert out.getvalue().startswith("converged")
