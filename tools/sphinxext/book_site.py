"""The reader's site: one repository setting, one header, a footer that says what was built, Chinese
search, author-year bibliography labels, and light pages. Checked by tests/test_site.py.

* **Repository.** Run buttons (Binder, Colab), the repository, edit and issue buttons appear only when
  the repository is configured: ``BOOK_REPOSITORY=owner/name`` in the environment (the publishing
  workflow sets it from ``GITHUB_REPOSITORY``) or ``book_repository`` in ``_config.yml``'s
  ``sphinx: config:``. Unset, no page links to any repository. ``BOOK_BRANCH`` (default ``main``).
* **Header.** pydata-sphinx-theme >= 0.17 renders its own navbar above sphinx-book-theme's article
  header: a second search band, and a second, hidden ``.primary-toggle`` to which the theme binds the
  sidebar's click handler, so the visible ☰ and contents buttons did nothing below 992 px. With the
  navbar emptied, pydata renders no header at all and the handlers bind to the visible buttons.
* **Footer.** Version, build date (``SOURCE_DATE_EPOCH`` if set), commit, the licences (text CC BY 4.0,
  code MIT) and the PDF.
* **Search.** Sphinx's Chinese splitter (jieba), with the glossary's Chinese terms as a user dictionary,
  so 学习 finds 学习率. English words are still stemmed (Porter), so "momentum" works as before.
* **Bibliography.** ``bibtex_default_style = "bookstyle"``: labels "Kingma and Ba, 2015", matching the
  author-year citations in the text.
* **Light pages** (after the build, over the written HTML): the 1.5 MB Font Awesome script goes (the
  theme's CSS already draws its icons with the web font, subset here to the glyphs the site uses);
  the search index loads only on the search page; the theme's and extensions' stylesheets and scripts
  are served as one CSS and two JS bundles. Math is rendered at build time by KaTeX (sphinxcontrib-katex,
  node), so a page has no math script at all.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import book_csspurge
from sphinx.errors import ConfigError
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "book" / "_static"
PDF_NAME = "gradient-descent-tested.pdf"
KATEX_DIST = ROOT / ".venv" / "katex" / "node_modules" / "katex" / "dist"
COLAB_BRANCH = "colab"  # = tools/colab_notebooks.BRANCH, where the workflow publishes the Colab copies
BUILD_INFO: dict[str, Any] = {}  # what configure() found: repository, commit, version, date
REPO_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}")


# --------------------------------------------------------------------------- configuration

def repository(config: Any) -> str | None:
    """``owner/name`` of the book's GitHub repository, or None when it is not configured."""
    value = (os.environ.get("BOOK_REPOSITORY") or config.book_repository or "").strip()
    if not value:
        return None
    value = value.removeprefix("https://github.com/").strip("/")
    if not REPO_RE.fullmatch(value):
        raise ConfigError(f"BOOK_REPOSITORY / book_repository must be 'owner/name', not {value!r}")
    return value


def _git(*args: str) -> str:
    try:
        out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


def build_date() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = (datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc) if epoch
            else datetime.datetime.now(datetime.timezone.utc))
    return when.strftime("%Y-%m-%d")


def _glossary_userdict() -> str | None:
    """The glossary's Chinese terms, one a line, as a jieba user dictionary (a temporary file)."""
    glossary = ROOT / "book" / "appendix" / "glossary.md"
    if not glossary.exists():
        return None
    terms: set[str] = set()
    for line in glossary.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 3 and not set(cells[2]) <= set("-: "):
            terms.update(re.findall(r"[\u4e00-\u9fff]{2,}", cells[2]))
    if not terms:
        return None
    fd, path = tempfile.mkstemp(prefix="book-jieba-", suffix=".txt")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("".join(f"{t} 1000\n" for t in sorted(terms)))
    return path


def configure(app: Any, config: Any) -> None:
    opts = config.html_theme_options
    # One header: no pydata navbar (see the module docstring).
    opts.update(navbar_start=[], navbar_center=[], navbar_end=[], navbar_persistent=[])

    repo = repository(config)
    for key in ("repository_url", "repository_branch", "path_to_docs", "launch_buttons",
                "use_repository_button", "use_edit_page_button", "use_issues_button",
                "use_source_button"):
        opts.pop(key, None)
    if repo:
        opts.update(
            repository_url=f"https://github.com/{repo}",
            repository_branch=os.environ.get("BOOK_BRANCH", "main"),
            path_to_docs=".",
            use_repository_button=True,
            use_edit_page_button=True,
            use_issues_button=True,
            launch_buttons={
                "notebook_interface": "jupyterlab",
                "binderhub_url": "https://mybinder.org",
                "colab_url": "https://colab.research.google.com",
            },
        )
    else:
        opts.update(use_repository_button=False, use_edit_page_button=False,
                    use_issues_button=False, use_source_button=False, launch_buttons={})
    BUILD_INFO["repository"] = repo

    commit = _git("rev-parse", "--short=10", "HEAD") or "unknown"
    version = config.release or config.version or "dev"
    commit_html = (f'<a href="https://github.com/{repo}/commit/{commit}">{commit}</a>'
                   if repo and commit != "unknown" else commit)
    if (getattr(config, "language", None) or "en").startswith("zh"):  # the Chinese edition (build_zh.py)
        opts["extra_footer"] = (
            f'<p class="book-build">版本 {version} · 构建于 {build_date()} · 提交 {commit_html}</p>'
            '<p class="book-licence">正文采用 <a href="https://creativecommons.org/licenses/by/4.0/">'
            "CC BY 4.0</a> 许可，代码采用 MIT 许可（见仓库中的 LICENSE-TEXT 与 LICENSE）· "
            f'<a class="book-pdf-link" href="{{pdf}}">全书 PDF（英文版）</a></p>'
        )
    else:
        opts["extra_footer"] = (
            f'<p class="book-build">Version {version} · built {build_date()} · commit {commit_html}</p>'
            '<p class="book-licence">Text <a href="https://creativecommons.org/licenses/by/4.0/">'
            "CC BY 4.0</a>, code MIT (LICENSE-TEXT and LICENSE in the repository) · "
            f'<a class="book-pdf-link" href="{{pdf}}">The whole book as a PDF</a></p>'
        )
    BUILD_INFO.update(commit=commit, version=version, date=build_date())

    if not config.html_favicon:
        config.html_favicon = str(STATIC / "favicon.svg")
    if str(STATIC) not in config.html_static_path:
        config.html_static_path.append(str(STATIC))
    extra = str(ROOT / "tools" / "sphinxext" / "extra")
    if extra not in config.html_extra_path:
        config.html_extra_path.append(extra)

    # KaTeX at build time, from the npm package (make book installs it into .venv/katex).
    config.katex_prerender = True
    config.katex_css_path = "katex/katex.min.css"
    if (KATEX_DIST / "katex.min.js").exists():
        config.katex_js_path = str(KATEX_DIST / "katex.min.js")

    # Chinese search (jieba) over the whole site; English words still stemmed.
    config.html_search_language = "zh"
    config.html_search_scorer = str(Path(__file__).with_name("search_scorer.js"))
    userdict = _glossary_userdict()
    if userdict:
        config.html_search_options = {**(config.html_search_options or {}), "dict": userdict}


def copy_katex(app: Any) -> None:
    """KaTeX's stylesheet and woff2 fonts into _static/katex (no other font format is requested)."""
    if app.builder.format != "html":
        return
    if not (KATEX_DIST / "katex.min.css").exists():
        raise ConfigError(f"KaTeX is missing at {KATEX_DIST}: run 'make book' (it runs npm install)")
    dest = Path(app.outdir) / "_static" / "katex"
    (dest / "fonts").mkdir(parents=True, exist_ok=True)
    css = (KATEX_DIST / "katex.min.css").read_text(encoding="utf-8")
    # only the woff2 source of each @font-face
    css = re.sub(r',url\(fonts/[^)]+\.woff\) format\("woff"\),url\(fonts/[^)]+\.ttf\) format\("truetype"\)',
                 "", css)
    (dest / "katex.min.css").write_text(css, encoding="utf-8")
    for font in (KATEX_DIST / "fonts").glob("*.woff2"):
        shutil.copyfile(font, dest / "fonts" / font.name)


# --------------------------------------------------------------------------- per page

def header_buttons(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """The download menu: the notebook and the book's PDF, not the browser's print dialog."""
    pdf = context["pathto"](PDF_NAME, 1)
    zh = (app is not None and (app.config.language or "en").startswith("zh"))
    if zh:  # the Chinese edition lives in zh/ and links the (English) PDF at the site's root
        pdf = "../" + pdf
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        kept = [b for b in group.get("buttons", []) if b.get("label") != "download-pdf-button"]
        kept.append({"type": "link", "url": pdf, "text": "全书 PDF（英文版）" if zh else "book (PDF)",
                     "icon": "fas fa-file-pdf", "label": "download-book-pdf-button",
                     "tooltip": "全书 PDF（英文版）" if zh else "The whole book as a PDF"})
        group["buttons"] = kept
    # Colab opens the copy with the install cell, which the publishing workflow pushes to the colab
    # branch (tools/colab_notebooks.py), not the committed notebook
    repo = BUILD_INFO.get("repository")
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", []) if isinstance(group, dict) else []:
            url = button.get("url", "")
            if repo and url.startswith("https://colab.research.google.com/github/"):
                prefix = f"https://colab.research.google.com/github/{repo}/blob/"
                if url.startswith(prefix):
                    path = url[len(prefix):].split("/", 1)[1]
                    button["url"] = f"{prefix}{COLAB_BRANCH}/{path}"
    theme = context.get("theme_extra_footer") or ""
    if "{pdf}" in theme:
        context["theme_extra_footer"] = theme.replace("{pdf}", pdf)


# --------------------------------------------------------------------------- after the build

_LINK_CSS = re.compile(r'<link\b[^>]*\brel="stylesheet"[^>]*>')
_HREF = re.compile(r'\bhref="([^"]+)"')
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S)
_SRC = re.compile(r'\bsrc="([^"]+)"')
# KaTeX's fonts and the classes of its HTML that need them: a page preloads only the fonts its formulas
# use, so that a big delimiter far down the page does not fetch its font only when layout reaches it.
_KATEX_FONT_CLASSES = [
    ("Main-Regular", None),
    ("Math-Italic", None),
    ("AMS-Regular", r"\b(amsrm|mathbb|textbb)\b"),
    ("Size1-Regular", r"\b(delimsizing size1|delim-size1|small-op)\b"),
    ("Size2-Regular", r"\b(delimsizing size2|large-op)\b"),
    ("Size3-Regular", r"\bdelimsizing size3\b"),
    ("Size4-Regular", r"\b(delimsizing size4|delim-size4)\b"),
    ("Main-Bold", r"\b(mathbf|textbf|boldsymbol)\b"),
    ("Math-BoldItalic", r"\bboldsymbol\b"),
    ("Main-Italic", r"\b(textit|mathit)\b"),
    ("Caligraphic-Regular", r"\bmathcal\b"),
    ("SansSerif-Regular", r"\b(mathsf|textsf)\b"),
    ("Typewriter-Regular", r"\b(mathtt|texttt)\b"),
]


def _katex_fonts(html: str) -> list[str]:
    classes = " | ".join(set(re.findall(r'class="([^"]*)"', html)))
    return [font for font, pattern in _KATEX_FONT_CLASSES if pattern is None or re.search(pattern, classes)]


_PRELOAD = re.compile(r'<link rel="preload" as="script" href="[^"]+" />\n?')
_DROP_SCRIPTS = ("scripts/fontawesome.js", "sphinx-thebe.js")
_SEARCH_SCRIPTS = ("_static/searchtools.js", "_static/language_data.js", "searchindex.js")
_FA_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:(?:before|after),?)+)\{content:"\\([0-9a-f]+)"\}')


def _local(url: str, page: Path, outdir: Path) -> Path | None:
    parsed = urlparse(url)
    if parsed.scheme or url.startswith("//"):
        return None
    path = (page.parent / parsed.path).resolve()
    try:
        path.relative_to(outdir.resolve())
    except ValueError:
        return None
    return path if path.is_file() else None


def _css_text(path: Path, static: Path, seen: set[Path]) -> str:
    """A stylesheet with its @imports inlined and its url()s made relative to _static/."""
    if path in seen:
        return ""
    seen.add(path)
    text = path.read_text(encoding="utf-8")

    def imp(m: re.Match) -> str:
        return _css_text((path.parent / m.group(1)).resolve(), static, seen)

    text = re.sub(r'@import\s+(?:url\()?["\']([^"\')]+)["\']\)?\s*;', imp, text)

    def url(m: re.Match) -> str:
        ref = m.group(2)
        if re.match(r"^(data:|[a-z]+:|/|#)", ref):
            return m.group(0)
        target = os.path.normpath(os.path.join(os.path.relpath(path.parent, static), ref))
        return f'url("{target}")'

    return re.sub(r'url\(\s*(["\']?)([^"\')]+)\1\s*\)', url, text) + "\n"


class _Bundler:
    def __init__(self, outdir: Path) -> None:
        self.outdir = outdir
        self.static = outdir / "_static"
        self.bundles: dict[str, tuple[str, list[Path]]] = {}
        self.fa_classes: set[str] = set()
        self.pages_html: list[str] = []

    def name(self, kind: str, files: list[Path]) -> str:
        key = hashlib.sha1("\n".join(str(f.relative_to(self.outdir)) for f in files).encode()).hexdigest()[:10]  # noqa: E501
        name = f"book-{kind}-{key}.{'css' if kind == 'css' else 'js'}"
        self.bundles[name] = (kind, files)
        return name

    def page(self, page: Path) -> None:
        html = page.read_text(encoding="utf-8")
        if 'name="book-bundled"' in html:
            self._remember(page, html)
            return
        head_end = html.find("</head>")
        if head_end < 0:
            return
        rel_static = os.path.relpath(self.static, page.parent)
        is_search = page.name == "search.html" and page.parent == self.outdir

        # stylesheets in the head: one bundle where the first one was
        css_files, css_spans = [], []
        for m in _LINK_CSS.finditer(html, 0, head_end):
            href = _HREF.search(m.group(0))
            path = href and _local(href.group(1), page, self.outdir)
            if path:
                css_files.append(path)
                css_spans.append(m.span())
        drop: list[tuple[int, int]] = list(css_spans)

        # scripts: drop the unused ones, bundle the plain ones (in the head) and the deferred ones
        sync_files, defer_files, sync_spans, defer_spans = [], [], [], []
        declarations: list[tuple[tuple[int, int], str]] = []  # inline `let x = '...'` settings
        for m in _SCRIPT.finditer(html):
            attrs, body = m.group(1), m.group(2)
            src = _SRC.search(attrs)
            if not src:
                if "THEBE_JS_URL" in body:
                    drop.append(m.span())
                elif m.start() < head_end and re.fullmatch(r"\s*(let|var|const)\s+\w+\s*=\s*'[^']*';?\s*", body):  # noqa: E501
                    declarations.append((m.span(), m.group(0)))
                continue
            url = src.group(1)
            if "design-tabs.js" in url and "class=\"sd-tab" not in html:
                drop.append(m.span())
                continue
            if any(s in url for s in _DROP_SCRIPTS) or (not is_search and any(url.split("?")[0].endswith(s) for s in _SEARCH_SCRIPTS)):  # noqa: E501
                drop.append(m.span())
                continue
            path = _local(url, page, self.outdir)
            other = _SRC.sub("", attrs)
            if not path or "async" in other or "data-" in other or "type=" in other:
                continue
            if "defer" in other:
                defer_files.append(path)
                defer_spans.append(m.span())
            elif m.start() < head_end:
                sync_files.append(path)
                sync_spans.append(m.span())

        edits: list[tuple[int, int, str]] = [(a, b, "") for a, b in drop]
        if css_files:
            name = self.name("css", css_files)
            a = css_spans[0][0]
            preload = ""
            if 'class="katex"' in html:  # the fonts this page's formulas use, fetched with the stylesheet
                preload = "".join(
                    f'<link rel="preload" href="{rel_static}/katex/fonts/KaTeX_{font}.woff2" as="font" '
                    'type="font/woff2" crossorigin />\n' for font in _katex_fonts(html))
            edits.append((a, a, f'<link rel="stylesheet" href="{rel_static}/{name}" />\n{preload}'))
        if sync_files:
            # one bundle where the first script was; the inline settings that stood between the
            # bundled scripts (plain declarations a script may read) move before it, and every other
            # inline script stays where it was, after the bundle, as it was after those scripts
            name = self.name("js", sync_files)
            first, last = sync_spans[0][0], sync_spans[-1][1]
            moved = [(span, text) for span, text in declarations if first < span[0] < last]
            for a, b in sync_spans[1:]:
                edits.append((a, b, ""))
            for (a, b), _text in moved:
                edits.append((a, b, ""))
            a, b = sync_spans[0]
            hoisted = "".join(text + "\n" for _span, text in moved)
            edits.append((a, b, f'{hoisted}<script src="{rel_static}/{name}"></script>'))
        if defer_files:
            name = self.name("jsdefer", defer_files)
            for a, b in defer_spans[:-1]:
                edits.append((a, b, ""))
            a, b = defer_spans[-1]
            edits.append((a, b, f'<script defer src="{rel_static}/{name}"></script>'))
        for a, b, text in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
            html = html[:a] + text + html[b:]
        html = _PRELOAD.sub("", html)
        html = re.sub(r'(<img\b[^>]*\bsrc=")([^"]*_images/[^"]+\.png)"', lambda m: m.group(1) + self._webp(page, m.group(2)) + '"', html)  # noqa: E501
        html = html.replace("</head>", '<meta name="book-bundled" content="1" />\n</head>', 1)
        page.write_text(html, encoding="utf-8")
        self._remember(page, html)

    def _webp(self, page: Path, src: str) -> str:
        """A figure over 40 KB served as lossless WebP: the same pixels in about half the bytes
        (the notebooks' retina PNGs stay as they are, and the PDF prints those)."""
        png = (page.parent / src).resolve()
        if not png.is_file() or png.stat().st_size < 40_000:
            return src
        webp = png.with_suffix(".webp")
        if not webp.exists() or webp.stat().st_mtime < png.stat().st_mtime:
            try:
                from PIL import Image

                with Image.open(png) as image:
                    image.save(webp, "WEBP", lossless=True, method=4)
            except Exception as err:  # noqa: BLE001 - the PNG is still there
                LOGGER.warning(f"book_site: no WebP for {png.name}: {err}")
                return src
        if webp.stat().st_size >= png.stat().st_size:
            return src
        return src[: -len(".png")] + ".webp"

    def _remember(self, page: Path, html: str) -> None:
        self.pages_html.append(html)
        for m in re.finditer(r'(?:href|src)="([^"]*_static/(book-[a-z]+-[0-9a-f]{10}\.(?:css|js)))"', html):
            if m.group(2) not in self.bundles:
                self.bundles[m.group(2)] = ("?", [])
        for cls in re.findall(r'class="([^"]*\bfa-[^"]*)"', html):
            self.fa_classes.update(c for c in cls.split() if c.startswith("fa-"))

    def write(self) -> None:
        manifest_path = self.static / "book-bundles.json"
        manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
        for name, (kind, files) in self.bundles.items():
            if files:
                manifest[name] = [kind, [str(f.relative_to(self.outdir)) for f in files]]
        scripts = []
        for kind, files in manifest.values():
            if kind != "css":
                scripts += [(self.outdir / f).read_text(encoding="utf-8") for f in files
                            if (self.outdir / f).exists()]
        used = book_csspurge.used_names(self.pages_html, scripts)
        for name, (kind, files) in manifest.items():
            paths = [self.outdir / f for f in files]
            missing = [p for p in paths if not p.exists()]
            if missing:
                LOGGER.warning(f"book_site: bundle {name} lacks {missing}")
                continue
            if kind == "css":
                seen: set[Path] = set()
                text = "".join(_css_text(p.resolve(), self.static.resolve(), seen) for p in paths)
                text = self._trim_fontawesome(book_csspurge.purge(text, used))
            else:
                text = "".join(f"/* {p.name} */\n{p.read_text(encoding='utf-8')}\n;\n" for p in paths)
            (self.static / name).write_text(text, encoding="utf-8")
        manifest_path.write_text(json.dumps(manifest, indent=1))

    def _trim_fontawesome(self, css: str) -> str:
        """Keep the icon rules of the classes the pages use (about 25 of 2,000)."""
        used = self.fa_classes | {"fa-xmark", "fa-chevron-down", "fa-chevron-up"}

        def keep(m: re.Match) -> str:
            selectors = [s for s in m.group(1).split(",") if s and s.split(":")[0][1:] in used]
            return f'{",".join(selectors)}{{content:"\\{m.group(2)}"}}' if selectors else ""

        css = _FA_RULE.sub(keep, css)
        return self._subset_fonts(css)

    def _subset_fonts(self, css: str) -> str:
        """Font Awesome's web fonts cut to the glyphs the stylesheet still names (156 KB -> a few KB)."""
        try:
            from fontTools import subset
        except ImportError:
            return css
        codepoints = {int(h, 16) for h in re.findall(r'content:\s*"\\([0-9a-f]{4,5})"', css)}
        codepoints |= {ord(c) for c in css if 0xE000 <= ord(c) <= 0xF8FF}  # literal icons in variables
        for m in set(re.findall(r'url\("(vendor/fontawesome/webfonts/fa-[a-z]+-[0-9]+)\.woff2"\)', css)):
            source = self.static / f"{m}.woff2"
            target = self.static / f"{m}.book.woff2"
            if not source.exists():
                continue
            options = subset.Options()
            options.flavor = "woff2"
            options.layout_features = ["*"]
            font = subset.load_font(str(source), options)
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=sorted(codepoints))
            subsetter.subset(font)
            subset.save_font(font, str(target), options)
            css = css.replace(f'url("{m}.woff2")', f'url("{m}.book.woff2")')
        # the .ttf fallbacks are never needed by a browser that reads woff2
        return re.sub(r',url\("vendor/fontawesome/webfonts/[^"]+\.ttf"\) format\("truetype"\)', "", css)


def after_build(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.name not in ("html", "dirhtml"):
        return  # the singlehtml page is printed (tools/build_pdf.py), not served
    outdir = Path(app.outdir)
    bundler = _Bundler(outdir)
    for page in sorted(outdir.rglob("*.html")):
        if "_static" in page.parts or "_sources" in page.parts:
            continue
        if page.relative_to(outdir).parts[0] == "zh":  # the Chinese edition, copied in by its own build
            continue
        bundler.page(page)
    bundler.write()
    (outdir / "_static" / "book-build.json").write_text(json.dumps(BUILD_INFO, indent=1))
    if BUILD_INFO.get("repository"):  # the Colab copies (tools/colab_notebooks.py), beside html/
        import sys

        sys.path.insert(0, str(ROOT / "tools"))
        import colab_notebooks

        branch = os.environ.get("BOOK_BRANCH", "main")
        written = colab_notebooks.write_copies(outdir.parent / "colab", BUILD_INFO["repository"], branch)
        LOGGER.info(f"book_site: {len(written)} Colab notebooks in {outdir.parent / 'colab'}")


# --------------------------------------------------------------------------- bibliography labels

def _register_bibtex_style() -> None:
    from pybtex.plugin import register_plugin
    from pybtex.richtext import Text
    from pybtex.style.formatting.plain import Style as PlainStyle
    from pybtex.style.labels import BaseLabelStyle

    def _plain(s: str) -> str:
        try:
            return str(Text.from_latex(s)).replace("{", "").replace("}", "")
        except Exception:  # noqa: BLE001 - a label is never worth a failed build
            return s.replace("{", "").replace("}", "")

    class AuthorYearLabels(BaseLabelStyle):
        """Labels like the citations in the text: "Kingma and Ba, 2015", "Polyak et al., 1992"."""

        def format_labels(self, sorted_entries):
            labels = []
            for entry in sorted_entries:
                persons = entry.persons.get("author") or entry.persons.get("editor") or []
                names = [_plain(" ".join(p.prelast_names + p.last_names)) for p in persons]
                if not names:
                    who = _plain(entry.fields.get("organization") or entry.fields.get("title", entry.key))
                elif len(names) == 1:
                    who = names[0]
                elif len(names) == 2:
                    who = f"{names[0]} and {names[1]}"
                else:
                    who = f"{names[0]} et al."
                labels.append(f"{who}, {entry.fields.get('year', 'n.d.')}")
            counts: dict[str, int] = {}
            for label in labels:
                counts[label] = counts.get(label, 0) + 1
            seen: dict[str, int] = {}
            for label in labels:
                if counts[label] > 1:
                    seen[label] = seen.get(label, 0) + 1
                    yield label + "abcdefghijklmnopqrstuvwxyz"[seen[label] - 1]
                else:
                    yield label

    class BookStyle(PlainStyle):
        default_label_style = "book_authoryear"
        default_sorting_style = "author_year_title"

    for group, name, cls in (("pybtex.style.labels", "book_authoryear", AuthorYearLabels),
                             ("pybtex.style.formatting", "bookstyle", BookStyle)):
        try:
            register_plugin(group, name, cls)
        except Exception:  # noqa: BLE001 - already registered in this process
            pass


def setup(app: Any) -> dict[str, Any]:
    _register_bibtex_style()
    app.add_config_value("book_repository", "", "html")
    app.connect("config-inited", configure, priority=900)
    app.connect("builder-inited", copy_katex)
    app.connect("html-page-context", header_buttons, priority=600)
    app.connect("build-finished", after_build)
    app.add_css_file("book.css")
    app.add_js_file("book.js")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
