"""The whole book as one PDF: ``make pdf``.

1. ``jupyter-book build . --builder singlehtml`` writes every page of ``_toc.yml`` into one HTML page
   (``_build/singlehtml``), reusing the HTML build's parsed documents. Math is already typeset there
   (KaTeX at build time), figures are the same PNGs, the bibliography is the last appendix.
2. Headless Chromium (Debian's, driven by Playwright, no network) opens that page, prints it with a
   print stylesheet: a title page, a table of contents with page numbers, each chapter on a new page
   with its number, solutions opened, code wrapped at the margin instead of cut, page numbers in the
   footer, a PDF outline (bookmarks) from the headings.
3. The table of contents' page numbers come from a first printing: ``pdftotext`` (poppler-utils) finds
   the page on which each chapter's title stands, and the book is printed again with them.

Writes ``_build/pdf/gradient-descent-tested.pdf`` and copies it into ``_build/html`` (the site links it
from every page) when the site is built.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# BOOK_BUILD_DIR: where jupyter-book's _build is (default: the repository's own)
BUILD = Path(os.environ.get("BOOK_BUILD_DIR", ROOT / "_build"))
SINGLE = BUILD / "singlehtml"
OUT = BUILD / "pdf"
NAME = "gradient-descent-tested.pdf"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

PRINT_CSS = r"""
@page { size: A4; margin: 18mm 16mm 18mm 16mm; }
html { font-size: 9.5pt !important; }
body { background: white !important; }
.bd-header, .bd-header-article, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-footer,
.bd-footer-article, .prev-next-area, .skip-link, #pst-skip-link, #pst-back-to-top, .headerlink,
.copybtn, .toggle-button .tb-icon, .theme-switch-button, .search-button, .sidebar-toggle,
.bd-header-announcement, .header-article-items, .footer-article-items, .thebe-launch-button,
#pst-scroll-pixel-helper, .sbt-scroll-pixel-helper, dialog, .bd-footer-content
  { display: none !important; }
.bd-container, .bd-container__inner, .bd-main, .bd-content, .bd-article-container, .bd-article
  { display: block !important; max-width: none !important; width: auto !important; padding: 0 !important;
    margin: 0 !important; overflow: visible !important; }
div.highlight pre, .cell_output pre, .output pre, pre {
  white-space: pre-wrap !important; overflow-wrap: anywhere !important; overflow: visible !important;
  font-size: 8pt !important; line-height: 1.3 !important; }
div.math, .katex-display { overflow: visible !important; }
.katex-display > .katex { white-space: normal; }
img { max-width: 80% !important; break-inside: avoid; display: block; margin: 0 auto; }
figure, .cell_output img, table { break-inside: avoid; }
h1, h2, h3 { break-after: avoid; }
/* each chapter (a top-level section of a toctree document) starts a page */
section.book-chapter, section.book-part { break-before: page; }
section.book-part .book-part-title { font-size: 26pt; font-weight: 600; margin-top: 70mm; text-align: center; }
#book-toc li.sub { padding-left: 1.5em; font-size: 0.95em; }
.toggle-hidden, .toggle-details:not([open]) > *:not(summary) { display: revert !important; }
.toggle-hidden > *, .dropdown.toggle-hidden > * { display: revert !important; visibility: visible !important; }
.admonition.dropdown .admonition-title { pointer-events: none; }
#book-title-page { break-after: page; text-align: center; padding-top: 60mm; }
#book-title-page .book-title { font-size: 28pt; font-weight: 600; margin-bottom: 8mm; }
#book-title-page p { font-size: 11pt; margin: 2mm 0; }
#book-toc { break-after: page; }
#book-toc .book-toc-title { font-size: 20pt; font-weight: 600; margin-bottom: 4mm; }
#book-toc ol { list-style: none; padding-left: 0; }
#book-toc li { display: flex; gap: 0.5em; margin: 1.2mm 0; }
#book-toc li.part { font-weight: 700; margin-top: 4mm; }
#book-toc li a { color: inherit; text-decoration: none; }
#book-toc li .dots { flex: 1; border-bottom: 1px dotted #999; margin-bottom: 0.35em; }
a { color: #1a4f8b; }
"""  # noqa: E501

# Runs in the page before printing: open every solution, mark the chapters, add a title page and a
# table of contents (with the page numbers found by the first printing, when there are some).
PREPARE_JS = r"""
(args) => {
  const [meta, pages] = args;
  document.documentElement.dataset.theme = 'light';
  document.documentElement.dataset.mode = 'light';
  // solutions and other toggles: open
  document.querySelectorAll('.toggle-hidden').forEach(e => e.classList.remove('toggle-hidden'));
  document.querySelectorAll('details').forEach(d => d.open = true);
  document.querySelectorAll('.cell.tag_hide-input, .cell.tag_hide-output').forEach(c => c.querySelectorAll('details').forEach(d => d.open = true));
  const article = document.querySelector('article.bd-article') || document.querySelector('main') || document.body;
  // documents: singlehtml marks each with <span id="document-NAME"> before its section
  const chapters = [];
  article.querySelectorAll('span[id^="document-"]').forEach(span => {
    const name = span.id.slice('document-'.length);
    let s = span.nextElementSibling;
    while (s && s.tagName !== 'SECTION') s = s.nextElementSibling;
    if (!s || name === meta.root) return;
    const h = s.querySelector(':scope > h1, :scope > h2, :scope > h3');
    if (!h) return;
    s.classList.add('book-chapter');
    const part = meta.parts[name];
    if (part && !document.getElementById('book-part-' + part.index)) {
      const p = document.createElement('section');
      p.className = 'book-part';
      p.id = 'book-part-' + part.index;
      p.innerHTML = `<div class="book-part-title" role="heading" aria-level="1">${part.caption}</div>`;
      s.before(p);
      chapters.push({id: p.id, title: part.caption, level: 'part'});
    }
    chapters.push({id: s.id, title: h.textContent.replace(/[#¶]\s*$/, '').trim(),
                   level: h.tagName === 'H3' ? 'sub' : 'chapter'});
  });
  if (!document.getElementById('book-toc')) {
    const title = document.createElement('section');
    title.id = 'book-title-page';
    title.innerHTML = `<div class="book-title" role="heading" aria-level="1">${meta.title}</div><p>${meta.author}</p><p>Version ${meta.version} · ${meta.date} · commit ${meta.commit}</p>` +
      `<p>Text CC BY 4.0 · code MIT</p>`;
    const toc = document.createElement('nav');
    toc.id = 'book-toc';
    let html = '<div class="book-toc-title" role="heading" aria-level="1">Contents</div><ol>';
    chapters.forEach((c, i) => {
      const page = pages && pages[i] ? pages[i] : '';
      html += `<li class="${c.level}"><a href="#${c.id}">${c.title}</a><span class="dots"></span><span class="page">${page}</span></li>`;
    });
    toc.innerHTML = html + '</ol>';
    article.prepend(toc);
    article.prepend(title);
  } else if (pages) {
    document.querySelectorAll('#book-toc li .page').forEach((e, i) => e.textContent = pages[i] || '');
  }
  return chapters.map(c => c.title);
}
"""  # noqa: E501


CHECK_JS = r"""
() => {
  const pres = Array.from(document.querySelectorAll('article pre'));
  const cut = pres.filter(p => p.offsetParent !== null && p.scrollWidth > p.clientWidth + 1);
  const maths = Array.from(document.querySelectorAll('article .katex-display'));
  const wide = maths.filter(m => m.scrollWidth > m.clientWidth + 1);
  const closed = document.querySelectorAll('.toggle-hidden, details:not([open])').length;
  const hidden = Array.from(document.querySelectorAll('.solution')).filter(s => {
    const body = s.querySelector(':scope > :not(.admonition-title)');
    return body && body.offsetParent === null;
  }).length;
  return {cut_code_blocks: cut.length, cut_examples: cut.slice(0, 5).map(p => p.textContent.slice(0, 70)),
          wide_equations: wide.length, closed_solutions: closed + hidden,
          solutions: document.querySelectorAll('.solution').length};
}
"""


def _run(cmd: list[str], **kw) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT, **kw)


def build_singlehtml(strict: bool) -> None:
    jb = shutil.which("jupyter-book", path=str(Path(sys.executable).parent)) or "jupyter-book"
    cmd = [jb, "build", ".", "--builder", "singlehtml", "--keep-going"]
    if BUILD != ROOT / "_build":
        cmd += ["--path-output", str(BUILD.parent)]
    if strict:
        cmd.insert(4, "--warningiserror")
    _run(cmd)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def _meta() -> dict:
    def git(*a: str) -> str:
        r = subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True)
        return r.stdout.strip() if r.returncode == 0 else "unknown"

    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    title = re.search(r'^title:\s*"?([^"\n]+)"?', config, re.M).group(1)
    author = re.search(r'^author:\s*"?([^"\n]+)"?', config, re.M).group(1)
    version = (re.search(r'^\s*release:\s*"?([^"\n]+)"?', config, re.M) or [None, "dev"])[1]
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    date = time.strftime("%Y-%m-%d", time.gmtime(int(epoch)) if epoch else time.gmtime())
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    parts = {}
    for index, part in enumerate(toc.get("parts", [])):
        first = part["chapters"][0]["file"]
        parts[first] = {"caption": part.get("caption", ""), "index": index}
    return {"title": title, "author": author, "version": version, "date": date,
            "commit": git("rev-parse", "--short=10", "HEAD"), "root": toc["root"], "parts": parts}


def _page_numbers(pdf: Path, titles: list[str]) -> list[int | None]:
    """The page on which each chapter title first stands at the top of a page (pdftotext)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = text.split("\f")
    found: list[int | None] = []
    start = 2  # after the title page and the first page of contents
    norm = lambda s: re.sub(r"\s+", " ", s).strip().lower()  # noqa: E731
    for title in titles:
        key = norm(title)[:40]
        hit = None
        for i in range(start, len(pages)):
            head = norm(" ".join(pages[i].strip().splitlines()[:4]))
            if key and key in head:
                hit = i + 1
                start = i + 1
                break
        found.append(hit)
    return found


def print_pdf(target: Path) -> dict:
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(SINGLE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    meta = _meta()
    # Jupyter Book writes the single page as <root>.html with links relative to the output folder
    # (and index.html as a redirect): print a copy that sits where its links expect it.
    single = SINGLE / f"{meta['root']}.html"
    (SINGLE / "book-print.html").write_text(single.read_text(encoding="utf-8"), encoding="utf-8")
    url = f"http://127.0.0.1:{server.server_address[1]}/book-print.html"
    footer = ('<div style="font-size:8px;width:100%;text-align:center;color:#666">'
              f'{meta["title"]} · <span class="pageNumber"></span> / <span class="totalPages"></span></div>')
    info = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
                ("http://127.0.0.1", "data:", "blob:")) else r.abort())
            page.goto(url, wait_until="load", timeout=600_000)
            page.emulate_media(media="print")
            page.add_style_tag(content=PRINT_CSS)
            titles = page.evaluate(PREPARE_JS, [meta, None])
            page.evaluate("document.fonts.ready.then(() => true)")
            # measured at the printed column's width (A4 less the margins, in CSS pixels)
            page.set_viewport_size({"width": 680, "height": 1000})
            checks = page.evaluate(CHECK_JS)
            options = dict(format="A4", print_background=True, display_header_footer=True,
                           header_template="<span></span>", footer_template=footer,
                           margin={"top": "16mm", "bottom": "16mm", "left": "14mm", "right": "14mm"},
                           outline=True, tagged=True)
            first = target.with_suffix(".draft.pdf")
            page.pdf(path=str(first), **options)
            numbers = _page_numbers(first, titles)
            page.evaluate(PREPARE_JS, [meta, numbers])
            page.pdf(path=str(target), **options)
            first.unlink()
            info = {"chapters": len([t for t in titles if t]), "titles": titles,
                    "missing_page_numbers": [t for t, n in zip(titles, numbers, strict=True) if n is None], **checks}  # noqa: E501
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return info


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-build", action="store_true", help="print the existing _build/singlehtml")
    parser.add_argument("--strict", action="store_true", help="warnings are errors in the singlehtml build")
    args = parser.parse_args()
    start = time.time()
    if not args.no_build:
        build_singlehtml(args.strict)
    if not (SINGLE / "index.html").exists():
        print(f"no {SINGLE / 'index.html'}", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / NAME
    info = print_pdf(target)
    pages = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True).stdout
    n_pages = re.search(r"^Pages:\s+(\d+)", pages, re.M)
    info.update(pages=int(n_pages.group(1)) if n_pages else None, bytes=target.stat().st_size,
                seconds=round(time.time() - start, 1))
    html = BUILD / "html"
    if html.is_dir():
        shutil.copyfile(target, html / NAME)
    print(json.dumps(info))
    (OUT / "pdf-info.json").write_text(json.dumps(info, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
