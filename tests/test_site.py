"""The built website, tested as a reader meets it: in a real browser, with the network cut off.

Run with ``make test-site`` (it builds the book first). Needs Debian's Chromium at /usr/bin/chromium
(``apt-get install chromium``; ``.ci/run`` installs it); Playwright drives it, no browser download.

For every page of the table of contents: HTTP 200; no JavaScript error in the console; every image
decodes; math is typeset by MathJax served from the site itself (any request leaving localhost is
blocked and counted, and there must be none); every image has a real alt text; the sidebar links to
every chapter. The search page finds "momentum". Every internal link and anchor resolves.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
sys.path.insert(0, str(ROOT / "tools"))
from toc_notebooks import toc_files  # noqa: E402

pytestmark = pytest.mark.site

PAGES = [f"{entry}.html" for entry in toc_files(ROOT)]
CHAPTERS = [p for p in PAGES if p != "book/intro.html"]


def _build_if_missing() -> None:
    if (HTML / "index.html").exists():
        return
    jb = shutil.which("jupyter-book", path=str(Path(sys.executable).parent)) or "jupyter-book"
    subprocess.run([jb, "build", str(ROOT), "--warningiserror", "--keep-going"], check=True)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="session")
def site_url():
    _build_if_missing()
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (or set CHROMIUM=...)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture()
def page(browser):
    """A fresh page whose requests may only reach localhost; the others are blocked and recorded."""
    context = browser.new_context()
    page = context.new_page()
    page.external_requests = []
    page.console_errors = []

    def route(r):
        host = urlparse(r.request.url).hostname
        if r.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
            r.continue_()
        else:
            page.external_requests.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    yield page
    context.close()


def _wait_for_mathjax(page) -> None:
    page.wait_for_function(
        "() => !document.querySelector('.math') || "
        "(window.MathJax && MathJax.startup && MathJax.startup.document && "
        " document.querySelectorAll('mjx-container').length > 0)",
        timeout=30_000,
    )
    page.evaluate("() => window.MathJax && MathJax.startup ? MathJax.startup.promise : null")


@pytest.mark.parametrize("path", PAGES)
def test_page_renders(page, site_url: str, path: str) -> None:
    response = page.goto(site_url + path, wait_until="load")
    assert response is not None and response.status == 200, f"{path}: HTTP {response and response.status}"
    _wait_for_mathjax(page)

    broken = page.evaluate(
        "() => Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"
    )
    assert not broken, f"{path}: images that do not decode: {broken}"

    bad_alt = page.evaluate(
        "() => Array.from(document.querySelectorAll('article img'))"
        ".map(i => i.getAttribute('alt') || '')"
        ".filter(a => a.trim() === '' || /\\.(png|svg|jpe?g)$/i.test(a.trim()))"
    )
    assert not bad_alt, f"{path}: images without a real alt text: {bad_alt}"

    n_math = page.evaluate("() => document.querySelectorAll('article .math').length")
    n_typeset = page.evaluate("() => document.querySelectorAll('article mjx-container').length")
    if n_math:
        assert n_typeset >= n_math, f"{path}: {n_math} formulas but only {n_typeset} typeset by MathJax"
    text = page.evaluate("() => document.querySelector('article').innerText")
    assert "$$" not in text, f"{path}: raw $$ left in the page"
    assert not re.search(r"\\\(|\\\[", text), f"{path}: raw \\( or \\[ left in the page"

    sidebar = set(
        page.evaluate(
            "() => Array.from(document.querySelectorAll('.bd-sidebar-primary a.reference.internal'))"
            ".map(a => a.href)"
        )
    )
    sidebar_paths = {urlparse(h).path.lstrip("/") for h in sidebar}
    missing = [c for c in CHAPTERS if c not in sidebar_paths]
    assert not missing, f"{path}: the sidebar does not link to {missing}"

    assert not page.console_errors, f"{path}: JavaScript errors: {page.console_errors}"
    assert not page.external_requests, f"{path}: tried to reach the network: {page.external_requests}"


def test_search_finds_momentum(page, site_url: str) -> None:
    page.goto(site_url + "search.html?q=momentum", wait_until="load")
    page.wait_for_function(
        "() => document.querySelectorAll('#search-results ul.search li').length > 0", timeout=30_000
    )
    hits = page.evaluate(
        "() => Array.from(document.querySelectorAll('#search-results ul.search li a')).map(a => a.href)"
    )
    assert hits, "searching for 'momentum' returned nothing"
    assert not page.console_errors, f"JavaScript errors on the search page: {page.console_errors}"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for key in ("href", "src"):
            if a.get(key) and not (tag == "link" and a.get("rel") == "canonical"):
                self.links.append(a[key])


@functools.cache
def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser


def test_internal_links_resolve() -> None:
    _build_if_missing()
    pages = sorted(p for p in HTML.rglob("*.html") if "_static" not in p.parts)
    assert pages, "no HTML pages found"
    broken = []
    for page in pages:
        base = "file://" + str(page)
        for link in _parse(page).links:
            parsed = urlparse(link)
            if parsed.scheme in ("http", "https", "mailto", "data", "javascript") or link.startswith("//"):
                continue
            target = urlparse(urljoin(base, link))
            file = Path(unquote(target.path))
            if target.path and not file.exists():
                broken.append(f"{page.relative_to(HTML)} -> {link}")
                continue
            if target.fragment and file.suffix == ".html":
                if unquote(target.fragment) not in _parse(file).ids:
                    broken.append(f"{page.relative_to(HTML)} -> {link} (no such anchor)")
    assert not broken, "broken internal links:\n" + "\n".join(broken[:50])
