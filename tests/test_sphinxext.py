"""Unit tests of the book's small Sphinx extensions (tools/sphinxext): no build needed."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools" / "sphinxext"))
import book_csspurge  # noqa: E402
import book_i18n  # noqa: E402


def test_purge_keeps_a_rule_whose_only_unused_class_is_negated():
    # KaTeX places every accent with this rule; `accent-full` is never on a page
    css = ".katex .accent .accent-body:not(.accent-full){width:0}.gone{color:red}.a[b=\"c\"]{x:1}"
    kept = book_csspurge.purge(css, {"katex", "accent", "accent-body", "a"})
    assert ".accent-body:not(.accent-full){width:0}" in kept
    assert ".gone" not in kept and '.a[b="c"]{x:1}' in kept


def test_each_page_links_the_same_page_in_the_other_edition():
    assert book_i18n.other_edition("book/part3/momentum", "en") == (
        "../../zh/book/part3/momentum.html", "中文", "zh-CN")
    assert book_i18n.other_edition("book/part3/momentum", "zh_CN") == (
        "../../../book/part3/momentum.html", "English", "en")
    assert book_i18n.other_edition("index", "en")[0] == "zh/index.html"
    assert book_i18n.other_edition("index", "zh_CN")[0] == "../index.html"
