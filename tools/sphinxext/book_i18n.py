"""The two editions of the book: English at the site's root, Chinese under ``zh/``.

Every page gets a header link to the same page in the other edition ("中文" on an English page,
"English" on a Chinese one). Both editions are built from the same sources and ``_toc.yml``, so the
page exists in both; the link is relative, so the site works from any folder or host.

What is not translated: code cells and their outputs (they are the same cells), and the API
reference's docstrings, which autodoc takes from ``gdlearn``'s code: like the code, they are what
``help(gdlearn.optim.Adam)`` prints, and a second copy of them in the catalogs would drift from the
code. The API pages' own prose is translated.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform

ZH_DIR = "zh"


class KeepDocstringsEnglish(SphinxTransform):
    """Mark the text autodoc takes from docstrings (``desc`` nodes, and module docstrings) as not
    translatable, before the i18n transform (priority 20) and the gettext builder look at it."""

    default_priority = 10

    def apply(self, **kwargs: Any) -> None:
        for desc in self.document.findall(addnodes.desc):
            for node in desc.findall(nodes.TextElement):
                node["translatable"] = False
        # a module's docstring (automodule) is not inside a desc node; its source names it
        for node in self.document.findall(nodes.TextElement):
            if ":docstring of " in (node.source or ""):
                node["translatable"] = False


def _myst(node: nodes.Node) -> str:
    """The MyST text of a parsed inline title: text, ``$math$`` and ```code```."""
    if isinstance(node, nodes.math):
        return f"${node.astext()}$"
    if isinstance(node, nodes.literal):
        return f"`{node.astext()}`"
    if isinstance(node, nodes.Text):
        return str(node)
    return "".join(_myst(child) for child in node.children)


class TranslatableExerciseTitles(SphinxTransform):
    """sphinx-exercise parses an exercise's title ("```{exercise} Too big a step```") into a
    subtitle node without raw source text, which Sphinx's i18n skips: give it its MyST text (and a
    source line), so the title is a message like any heading (and is translated in Chinese)."""

    default_priority = 11

    def apply(self, **kwargs: Any) -> None:
        for node in self.document.findall(nodes.subtitle):
            if type(node).__name__ != "exercise_subtitle" or node.source:
                continue
            parent = node.parent.parent if node.parent is not None else None
            node.source = self.document["source"]
            node.line = getattr(parent, "line", None) or 1
            node.rawsource = _myst(node).strip() or node.rawsource


def collect_exercise_titles(app: Any, doctree: nodes.document) -> None:
    """The gettext builder extracts messages from the resolved doctree, where sphinx-exercise's post
    transforms have rebuilt the titles; put the titles in the page's catalog from the read doctree."""
    if app.builder.name != "gettext":
        return
    from sphinx.util.i18n import docname_to_domain

    catalog = app.builder.catalogs[docname_to_domain(app.env.docname, app.config.gettext_compact)]
    for node in doctree.findall(nodes.subtitle):
        if type(node).__name__ == "exercise_subtitle" and node.rawsource:
            node.uid = uuid.uuid4().hex  # Catalog.add skips nodes without one
            catalog.add(node.rawsource, node)


def translate_part_captions(app: Any, doctree: nodes.document) -> None:
    """The parts' captions ("Part III · Algorithms in code") sit in toctrees that sphinx-external-toc
    inserts into the root page after Sphinx's i18n transform has run, so they would stay English in
    the sidebar: translate them from the root page's catalog (book/intro.po) here."""
    language = app.config.language or "en"
    if language == "en" or app.env.docname != app.config.root_doc:
        return
    import gettext

    dirs = [str(Path(app.confdir, d)) for d in app.config.locale_dirs]
    for localedir in dirs:
        catalog = gettext.translation(app.config.root_doc, localedir=localedir, languages=[language],
                                      fallback=True)
        for toctree in doctree.findall(addnodes.toctree):
            if toctree.get("caption"):
                toctree["caption"] = catalog.gettext(toctree["caption"])


def other_edition(pagename: str, language: str) -> tuple[str, str, str]:
    """``(relative URL, link text, language tag)`` of the page ``pagename`` in the other edition."""
    up = "../" * pagename.count("/")
    if language.startswith("zh"):
        return f"{up}../{pagename}.html", "English", "en"
    return f"{up}{ZH_DIR}/{pagename}.html", "中文", "zh-CN"


def switch_link(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    url, text, lang = other_edition(pagename, app.config.language or "en")
    tooltip = "Read this page in English" if lang == "en" else "阅读本页的中文版"
    context.setdefault("header_buttons", []).insert(0, {
        "type": "link", "url": url, "text": text, "tooltip": tooltip, "icon": "",
        "label": "language-switch-button",
    })


_SWITCH = re.compile(r'<a href="([^"]*)" target="_blank"(\s+class="btn btn-sm btn-language-switch-button)')


def same_tab(app: Any, exception: Exception | None) -> None:
    """The theme opens every header link in a new tab; the language switch replaces the page."""
    if exception is not None or app.builder.name not in ("html", "dirhtml"):
        return
    lang = "en" if (app.config.language or "en").startswith("zh") else "zh-CN"
    outdir = Path(app.outdir)
    for page in outdir.rglob("*.html"):
        if page.relative_to(outdir).parts[0] in ("_static", "_sources", ZH_DIR):
            continue
        html = page.read_text(encoding="utf-8")
        new = _SWITCH.sub(rf'<a href="\1" hreflang="{lang}" lang="{lang}"\2', html)
        if new != html:
            page.write_text(new, encoding="utf-8")


def setup(app: Any) -> dict[str, Any]:
    app.add_transform(KeepDocstringsEnglish)
    app.add_transform(TranslatableExerciseTitles)
    app.connect("doctree-read", collect_exercise_titles)
    app.connect("doctree-read", translate_part_captions)
    app.connect("html-page-context", switch_link, priority=650)
    app.connect("build-finished", same_tab, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
