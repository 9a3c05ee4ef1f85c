"""Small Sphinx fixes for the book's site, found by the browser tests (tests/test_site.py).

1. sphinx-thebe adds its configuration script once per ``env-before-read-docs`` event, and under
   Jupyter Book that event fires twice, so every page declared ``const THEBE_JS_URL`` twice and the
   browser logged "Identifier 'THEBE_JS_URL' has already been declared". We drop repeated scripts.
   (Runs early: ``html-page-context`` is emitted with ``emit_firstresult``, so a late handler may never run.)
"""

from __future__ import annotations

from typing import Any


def _dedupe_scripts(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple[str, str]] = set()
    unique = []
    for script in scripts:
        # the same script is registered once with filename None and once with "" (the registry and
        # the builder each keep a copy), so compare the filename with both spellings made equal
        attributes = getattr(script, "attributes", {})
        key = (str(getattr(script, "filename", script) or ""), repr(sorted(attributes.items())))
        if key in seen:
            continue
        seen.add(key)
        unique.append(script)
    # in place: the list is the builder's own, and later handlers (MathJax) append to it
    scripts[:] = unique


def setup(app: Any) -> dict[str, Any]:
    app.connect("html-page-context", _dedupe_scripts, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
