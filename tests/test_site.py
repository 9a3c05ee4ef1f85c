"""The built website, tested as a reader meets it: in a real browser, with the network cut off.

Run with ``make test-site`` (it builds the book and its PDF first). Needs Debian's Chromium at
/usr/bin/chromium (``apt-get install chromium``; ``.ci/run`` installs it) and poppler-utils for the PDF
checks; Playwright drives Chromium, no browser download.

Every page of the table of contents: HTTP 200; no JavaScript error; every image decodes and has a real
alt text; every formula is typeset at build time by KaTeX (no raw TeX, no KaTeX error); no request
leaves localhost; the sidebar links to every chapter; the page's weight and requests stay within the
budget and its formulas are visible within 2 s with the CPU slowed 4 times; no code block or display
equation is wider than its column at 1366 px or at 390 px. On phones and tablets (390 px, 800 px) the
visible ☰ and contents buttons, tapped, open the chapter list and the page's contents, and their links
navigate. One header (no second search band), a favicon, a footer with version, build date, commit,
licences and the PDF link; visible keyboard focus; no run, repository, edit or issue link unless the
repository is configured (and then only to it). Search: "momentum" puts the momentum chapter first,
a part of a Chinese word finds the glossary. The bibliography's labels are author-year like the
citations. The PDF has every chapter in order with its number, a table of contents, the
bibliography, typeset math, open solutions and no code cut at the margin. Every internal link resolves.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import json
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
# BOOK_BUILD_DIR: a jupyter-book _build elsewhere (default: the repository's own)
BUILD = Path(os.environ.get("BOOK_BUILD_DIR", ROOT / "_build"))
HTML = BUILD / "html"
PDF = BUILD / "pdf" / "gradient-descent-tested.pdf"
PDF_INFO = BUILD / "pdf" / "pdf-info.json"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tools" / "sphinxext"))
from toc_notebooks import toc_files  # noqa: E402

pytestmark = pytest.mark.site

PAGES = [f"{entry}.html" for entry in toc_files(ROOT)]
CHAPTERS = [p for p in PAGES if p != "book/intro.html"]
# the Chinese edition (tools/build_zh.py): the same pages under zh/
ZH_PAGES = [f"zh/{p}" for p in PAGES]
NUMBERED = [p for p in PAGES if re.match(r"book/part\d/", p)]

# The budget of one page (issue 14), as a reader's browser fetches it from a host that compresses
# text the way GitHub Pages does (gzip); the uncompressed weight is reported beside it.
BUDGET_BYTES = 1_500_000
BUDGET_REQUESTS = 25
MATH_VISIBLE_MS = 2_000
CPU_SLOWDOWN = 4
# Run / repository buttons and the hosts they point at.
RUN_HOSTS = ("mybinder.org", "colab.research.google.com", "deepnote.com")


def _build_if_missing() -> None:
    if (HTML / "index.html").exists():
        return
    jb = shutil.which("jupyter-book", path=str(Path(sys.executable).parent)) or "jupyter-book"
    subprocess.run([jb, "build", str(ROOT), "--warningiserror", "--keep-going"], check=True)


def _build_info() -> dict:
    path = HTML / "_static" / "book-build.json"
    return json.loads(path.read_text()) if path.exists() else {}


class _Handler(http.server.SimpleHTTPRequestHandler):
    """A static host like GitHub Pages: text is sent gzip-compressed to a browser that accepts it."""

    COMPRESS = (".html", ".css", ".js", ".svg", ".json", ".txt", ".xml", ".ico")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def send_head(self):  # noqa: ANN201 - http.server's own signature
        path = self.translate_path(self.path)
        if (
            "gzip" not in self.headers.get("Accept-Encoding", "")
            or not os.path.isfile(path)
            or not path.endswith(self.COMPRESS)
        ):
            return super().send_head()
        with open(path, "rb") as f:
            body = gzip.compress(f.read(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@pytest.fixture(scope="session")
def site_url():
    _build_if_missing()
    handler = functools.partial(_Handler, directory=str(HTML))
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


def _new_page(browser, **context_options):
    """A fresh page whose requests may only reach localhost; the others are blocked and recorded."""
    context = browser.new_context(**context_options)
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
    return context, page


@pytest.fixture()
def page(browser):
    context, page = _new_page(browser, viewport={"width": 1366, "height": 900})
    yield page
    context.close()


def _phone(browser, width: int):
    return _new_page(
        browser,
        viewport={"width": width, "height": 844 if width < 600 else 1100},
        has_touch=True,
        is_mobile=True,
        device_scale_factor=2,
    )


# ----------------------------------------------------------------------------------------- each page


@pytest.mark.parametrize("path", PAGES + ZH_PAGES)
def test_page_renders(page, site_url: str, path: str) -> None:
    response = page.goto(site_url + path, wait_until="load")
    assert response is not None and response.status == 200, f"{path}: HTTP {response and response.status}"
    page.evaluate("document.fonts.ready.then(() => true)")

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

    # math: typeset at build time (KaTeX), so every .math holds a .katex and no page loads a math script
    math = page.evaluate(
        "() => ({n: document.querySelectorAll('article .math').length,"
        " bare: Array.from(document.querySelectorAll('article .math'))"
        "   .filter(m => !m.querySelector('.katex')).map(m => m.textContent.slice(0, 60)),"
        " errors: Array.from(document.querySelectorAll('.katex-error')).map(e => e.title || e.textContent),"
        " scripts: Array.from(document.scripts).map(s => s.src).filter(s => /mathjax|katex/i.test(s))})"
    )
    assert not math["bare"], f"{path}: formulas not typeset: {math['bare'][:5]}"
    assert not math["errors"], f"{path}: KaTeX could not typeset: {math['errors'][:5]}"
    assert not math["scripts"], f"{path}: a math script is loaded: {math['scripts']}"
    text = page.evaluate("() => document.querySelector('article').innerText")
    assert "$$" not in text, f"{path}: raw $$ left in the page"
    assert not re.search(r"\\\(|\\\[|\\begin\{", text), f"{path}: raw TeX left in the page"

    sidebar = set(
        page.evaluate(
            "() => Array.from(document.querySelectorAll('.bd-sidebar-primary a.reference.internal'))"
            ".map(a => a.href)"
        )
    )
    sidebar_paths = {urlparse(h).path.lstrip("/") for h in sidebar}
    edition = "zh/" if path.startswith("zh/") else ""
    missing = [c for c in CHAPTERS if edition + c not in sidebar_paths]
    assert not missing, f"{path}: the sidebar does not link to {missing}"

    # one header bar: no pydata navbar above sphinx-book-theme's (it held a second search field)
    headers = page.evaluate(
        "() => Array.from(document.querySelectorAll('.bd-header, .bd-header-article'))"
        ".filter(e => e.getBoundingClientRect().height > 0).map(e => e.className)"
    )
    assert len(headers) == 1 and "bd-header-article" in headers[0], f"{path}: header bars {headers}"
    search_fields = page.evaluate(
        "() => Array.from(document.querySelectorAll('.search-button-field, form.bd-search, input[type=search]'))"  # noqa: E501
        ".filter(e => e.offsetParent !== null && !e.closest('dialog')).length"
    )
    assert search_fields <= 1, f"{path}: {search_fields} search fields visible"

    assert not page.console_errors, f"{path}: JavaScript errors: {page.console_errors}"
    assert not page.external_requests, f"{path}: tried to reach the network: {page.external_requests}"


_WEIGHT_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  const paint = performance.getEntriesByType('paint').find(e => e.name === 'first-contentful-paint');
  const fonts = res.filter(r => /katex\\/fonts\\//.test(r.name)).map(r => r.responseEnd);
  return {
    requests: 1 + res.length,
    bytes: nav.transferSize + res.reduce((a, r) => a + r.transferSize, 0),
    decoded: nav.decodedBodySize + res.reduce((a, r) => a + r.decodedBodySize, 0),
    fcp: paint ? paint.startTime : null,
    fonts: fonts.length ? Math.max(...fonts) : 0,
    math: document.querySelectorAll('article .katex').length,
    urls: res.map(r => r.name),
  };
}"""

_weights: dict[str, dict] = {}


@pytest.mark.parametrize("path", PAGES)
def test_page_budget(browser, site_url: str, path: str) -> None:
    """≤ 1.5 MB and ≤ 25 requests for the whole page (scrolled to the end, every image loaded);
    formulas visible (first paint, with KaTeX's fonts) within 2 s with the CPU slowed 4 times."""
    best = None
    for _attempt in range(3):  # the machine may be shared: the best of three loads
        context, page = _new_page(browser, viewport={"width": 1366, "height": 900})
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        page.goto(site_url + path, wait_until="load")
        timing = page.evaluate(_WEIGHT_JS)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_load_state("networkidle")
        weight = page.evaluate(_WEIGHT_JS)
        context.close()
        visible = max(timing["fcp"] or 0, timing["fonts"]) if timing["math"] else 0
        run = {**weight, "visible_ms": round(visible)}
        if best is None or run["visible_ms"] < best["visible_ms"]:
            best = run
    _weights[path] = best
    print(f"\n{path}: {best['requests']} requests, {best['bytes'] / 1e6:.2f} MB "
          f"({best['decoded'] / 1e6:.2f} MB uncompressed), formulas visible at {best['visible_ms']} ms")
    assert best["requests"] <= BUDGET_REQUESTS, f"{path}: {best['requests']} requests: {best['urls']}"
    assert best["bytes"] <= BUDGET_BYTES, f"{path}: {best['bytes']:,} bytes"
    if best["visible_ms"] > MATH_VISIBLE_MS:
        load = os.getloadavg()[0]
        message = f"{path}: formulas visible after {best['visible_ms']} ms (load average {load:.1f})"
        # a time is only a measurement on a machine that is not busy with other work: when the load is
        # more than twice the cores (shared development machines), report it instead of failing
        if load > 2 * (os.cpu_count() or 1):
            import warnings

            warnings.warn(message + ": machine too busy to judge", stacklevel=1)
        else:
            raise AssertionError(message)


_OVERFLOW_JS = """() => {
  const out = [];
  const article = document.querySelector('article');
  const col = article.getBoundingClientRect();
  const blocks = article.querySelectorAll('div.highlight pre, .cell_output pre, .output pre, div.math, .katex-display');
  for (const el of blocks) {
    if (el.closest('details:not([open])') || el.offsetParent === null) continue;
    const r = el.getBoundingClientRect();
    const cut = el.scrollWidth > el.clientWidth + 1;          // scrolls (or is clipped) inside its box
    const past = r.right > col.right + 1;                      // runs past the article's column
    if (cut || past) {
      const sec = el.closest('section');
      out.push({what: el.matches('pre') ? 'code' : 'math', section: sec ? sec.id : '',
                over: Math.round(Math.max(el.scrollWidth - el.clientWidth, r.right - col.right)),
                start: (el.textContent || '').trim().slice(0, 50)});
    }
  }
  return out;
}"""  # noqa: E501


# Pages whose display equations are still wider than a 390 px phone column even at the smallest scale
# the site allows (55 %): each needs its long equations split with `aligned` (issue 13, left open for
# them). The list may only shrink: a page that fits now must be removed from it, and any other page
# with an equation too wide fails. Code and printed output must fit on every page at both widths.
KNOWN_WIDE_MATH_390: set[str] = set()


@pytest.mark.parametrize("width", [1366, 390])
def test_nothing_wider_than_its_column(browser, site_url: str, width: int) -> None:
    """No code block or display equation is cut at the margin or scrolls sideways (issue 13)."""
    context, page = _phone(browser, width) if width < 992 else _new_page(browser, viewport={"width": width, "height": 900})  # noqa: E501
    failures, wide_math = {}, set()
    try:
        for path in CHAPTERS:
            page.goto(site_url + path, wait_until="load")
            page.evaluate("document.fonts.ready.then(() => true)")
            found = page.evaluate(_OVERFLOW_JS)
            if width < 992 and path in KNOWN_WIDE_MATH_390:
                wide_math.update(path for x in found if x["what"] == "math")
                found = [x for x in found if x["what"] != "math"]
            if found:
                failures[path] = found
    finally:
        context.close()
    report = "\n".join(
        f"{p}: {len(f)} ({', '.join(sorted({x['what'] for x in f}))}); first: {f[0]}" for p, f in failures.items()  # noqa: E501
    )
    assert not failures, f"at {width} px, blocks wider than their column:\n{report}"
    if width < 992:
        fixed = KNOWN_WIDE_MATH_390 - wide_math
        assert not fixed, (
            f"these pages fit at {width} px now: remove them from KNOWN_WIDE_MATH_390: {sorted(fixed)}"
        )


# ----------------------------------------------------------------------------------------- navigation


@pytest.mark.parametrize("edition", ["", "zh/"])
@pytest.mark.parametrize("width", [390, 800])
def test_phone_navigation(browser, site_url: str, width: int, edition: str) -> None:
    """Tap ☰: the chapter list opens and a chapter link navigates. Tap the contents button: the page's
    contents open and a section link scrolls there. In both editions."""
    context, page = _phone(browser, width)
    try:
        page.goto(site_url + edition + "book/part3/momentum.html", wait_until="load")
        page.wait_for_timeout(300)
        toggle = page.locator(".primary-toggle:visible")
        assert toggle.count() == 1, f"{width} px: {toggle.count()} visible ☰ buttons"
        toggle.tap()
        dialog = page.locator("#pst-primary-sidebar-modal")
        dialog.wait_for(state="visible", timeout=5_000)
        assert page.evaluate("document.getElementById('pst-primary-sidebar-modal').open")
        link = dialog.locator('a.reference.internal[href$="adaptive_methods.html"]').first
        assert link.is_visible(), f"{width} px: the chapter list shows no link to adaptive_methods"
        link.tap()
        page.wait_for_url(f"**/{edition}book/part3/adaptive_methods.html*", timeout=10_000)

        page.wait_for_timeout(300)
        contents = page.locator(".secondary-toggle:visible")
        assert contents.count() == 1, f"{width} px: {contents.count()} visible contents buttons"
        contents.tap()
        modal = page.locator("#pst-secondary-sidebar-modal")
        modal.wait_for(state="visible", timeout=5_000)
        entry = modal.locator("nav a.nav-link").nth(1)
        target = entry.get_attribute("href")
        assert target and target.startswith("#"), f"{width} px: contents link {target!r}"
        entry.tap()
        page.wait_for_function(f"() => location.hash === {json.dumps(target)}", timeout=5_000)
        top = page.evaluate(f"document.getElementById({json.dumps(unquote(target[1:]))}).getBoundingClientRect().top")  # noqa: E501
        assert -5 < top < 300, f"{width} px: the contents link did not scroll to its section (top={top})"
        assert not page.console_errors, f"{width} px: JavaScript errors: {page.console_errors}"
        assert not page.external_requests
    finally:
        context.close()


_VISIBLE_TOOLTIPS = "[...document.querySelectorAll('.tooltip')].filter(t => t.offsetParent !== null).length"


@pytest.mark.parametrize("pause", [0, 300])
def test_escape_closes_the_chapter_list_without_leaving_a_tooltip(browser, site_url: str, pause: int) -> None:
    """Escape closes the ☰ drawer and gives the focus back to ☰, and no tooltip stays over the page.

    The tap on ☰ and the focus given back both start Bootstrap's 500 ms tooltip timer, so the page is
    looked at 1.2 s after Escape, when any such tooltip would be up; Escape comes at once (the race
    that CI lost once) and after a pause.
    """
    context, page = _phone(browser, 390)
    try:
        page.goto(site_url + "book/part3/momentum.html", wait_until="load")
        page.wait_for_timeout(300)
        page.locator(".primary-toggle:visible").tap()
        page.locator("#pst-primary-sidebar-modal").wait_for(state="visible", timeout=5_000)
        page.wait_for_timeout(pause)
        page.keyboard.press("Escape")
        page.wait_for_timeout(1_200)
        assert not page.evaluate("document.getElementById('pst-primary-sidebar-modal').open")
        visible = page.evaluate(_VISIBLE_TOOLTIPS)
        assert visible == 0, f"{visible} tooltip(s) still shown after Escape"
    finally:
        context.close()


def test_tooltips_still_show_on_hover(browser, site_url: str) -> None:
    """The drawer fix refuses tooltips only around a drawer: hovering a header button still shows one."""
    context, page = _new_page(browser, viewport={"width": 1366, "height": 900})
    try:
        page.goto(site_url + "book/part3/momentum.html", wait_until="load")
        page.wait_for_timeout(300)
        page.locator(".article-header-buttons [data-bs-toggle='tooltip']:visible").first.hover()
        page.wait_for_function(f"() => {_VISIBLE_TOOLTIPS} === 1", timeout=5_000)  # Bootstrap waits 500 ms
    finally:
        context.close()


@pytest.mark.parametrize("path", ["book/intro.html", "book/part3/momentum.html",
                                  "book/appendix/api/optim.html"])
@pytest.mark.parametrize("width", [1366, 390])
def test_language_switch_opens_the_same_page_in_the_other_edition(browser, site_url: str, path: str,
                                                                  width: int) -> None:
    """Every page links the same page in the other edition ("中文" / "English"), in the same tab."""
    context, page = _phone(browser, width) if width < 992 else _new_page(browser, viewport={"width": width, "height": 900})  # noqa: E501
    try:
        for start, text, target, lang in ((path, "中文", "zh/" + path, "zh-CN"),
                                          ("zh/" + path, "English", path, "en")):
            page.goto(site_url + start, wait_until="load")
            link = page.locator("a.btn-language-switch-button:visible")
            assert link.count() == 1, f"{start} at {width} px: {link.count()} visible language switches"
            assert link.inner_text().strip() == text and link.get_attribute("hreflang") == lang
            assert link.get_attribute("target") is None, "the switch replaces the page, no new tab"
            link.click()
            page.wait_for_url(site_url + target, timeout=10_000)
            assert page.evaluate("document.documentElement.lang") == ("zh-CN" if target.startswith("zh/") else "en")  # noqa: E501
        assert not page.console_errors and not page.external_requests
    finally:
        context.close()


def test_every_page_has_its_twin_in_the_other_edition() -> None:
    _build_if_missing()
    missing = [p for p in PAGES if not (HTML / "zh" / p).exists()]
    assert not missing, f"pages missing from the Chinese edition: {missing}"
    untranslated_titles = [p for p in CHAPTERS if re.search(r"<title>[A-Za-z]", (HTML / "zh" / p).read_text(encoding="utf-8"))  # noqa: E501
                           and "api" not in p]
    assert not untranslated_titles, f"Chinese pages with an English title: {untranslated_titles}"
    sidebar = (HTML / "zh" / "book" / "part3" / "momentum.html").read_text(encoding="utf-8").split("<article", 1)[0]  # noqa: E501
    captions = re.findall(r'caption-text">([^<]*)', sidebar)  # the parts, in the chapter list
    assert captions and not [c for c in captions if re.search("[A-Za-z]{3}", c)], f"sidebar: {captions}"


def test_keyboard_focus_is_visible(page, site_url: str) -> None:
    page.goto(site_url + "book/part3/momentum.html", wait_until="load")
    targets = {
        "header button": ".bd-header-article button.theme-switch-button",
        "download menu": ".bd-header-article .dropdown-toggle",
        "solution toggle": ".solution.dropdown button.toggle-button",
    }
    page.keyboard.press("Tab")  # keyboard modality: programmatic focus now shows :focus-visible
    for name, selector in targets.items():
        el = page.locator(selector).first
        assert el.count(), f"no {name} ({selector})"
        el.focus()
        style = page.evaluate(
            "(sel) => { const e = document.querySelector(sel); const s = getComputedStyle(e);"
            " return {visible: e.matches(':focus-visible'), style: s.outlineStyle, width: parseFloat(s.outlineWidth),"  # noqa: E501
            " shadow: s.boxShadow}; }",
            selector,
        )
        assert style["visible"], f"{name}: not :focus-visible after keyboard focus"
        assert style["style"] != "none" and style["width"] >= 2, f"{name}: no visible focus ring: {style}"


# ----------------------------------------------------------------------------------------- chrome


def test_favicon(page, site_url: str) -> None:
    page.goto(site_url + "book/intro.html", wait_until="load")
    href = page.evaluate("() => document.querySelector('link[rel~=icon]')?.href")
    assert href, "no <link rel=icon>"
    for url in (href, site_url + "favicon.ico"):
        response = page.request.get(url)
        assert response.status == 200 and len(response.body()) > 100, f"{url}: HTTP {response.status}"


def test_footer_says_what_was_built(page, site_url: str) -> None:
    info = _build_info()
    assert info.get("commit") and info.get("version") and info.get("date"), f"book-build.json: {info}"
    page.goto(site_url + "book/part3/momentum.html", wait_until="load")
    footer = page.evaluate("() => document.querySelector('footer.bd-footer-content').innerText")
    for needle in (f"Version {info['version']}", f"built {info['date']}", info["commit"], "CC BY 4.0", "MIT"):
        assert needle in footer, f"the footer lacks {needle!r}: {footer!r}"
    pdf = page.evaluate("() => document.querySelector('footer a.book-pdf-link')?.href")
    assert pdf and pdf.endswith("/gradient-descent-tested.pdf")
    assert page.request.get(pdf).status == 200, "the footer's PDF link is broken (make pdf)"
    menu = page.evaluate(
        "() => Array.from(document.querySelectorAll('.bd-header-article .dropdown-menu a, .bd-header-article .dropdown-menu button'))"  # noqa: E501
        ".map(a => (a.getAttribute('href') || a.getAttribute('onclick') || '') + ' ' + a.textContent.trim())"
    )
    assert any("gradient-descent-tested.pdf" in m for m in menu), f"the download menu has no book PDF: {menu}"
    assert not any("print" in m for m in menu), f"the download menu still prints the page: {menu}"
    assert (ROOT / "LICENSE-TEXT").exists() and (ROOT / "CITATION.cff").exists()
    intro = (HTML / "book" / "intro.html").read_text(encoding="utf-8")
    assert 'id="cite-this-book"' in intro, "the preface has no 'Cite this book' section"


def _all_links() -> list[tuple[str, str, bool]]:
    """(page, href, in the page's header or footer chrome) for every link of every built page."""
    out = []
    for page in sorted(HTML.rglob("*.html")):
        if "_static" in page.parts:
            continue
        html = page.read_text(encoding="utf-8", errors="replace")
        main = re.search(r'<article class="bd-article".*?</article>', html, re.S)
        body = main.group(0) if main else ""
        for m in re.finditer(r'<a\b[^>]*\bhref="([^"]+)"', html):
            out.append((str(page.relative_to(HTML)), m.group(1), m.group(0) not in body))
    return out


def test_run_buttons_only_for_a_configured_repository() -> None:
    """No Binder/Colab/repository/edit/issue link unless the repository is configured, then only to it."""
    _build_if_missing()
    repo = _build_info().get("repository")
    expected = os.environ.get("BOOK_REPOSITORY", "").strip() or None
    if expected:
        assert repo == expected, f"BOOK_REPOSITORY={expected} but the site was built for {repo!r}"
    wrong = []
    for page, href, chrome in _all_links():
        host = urlparse(href).hostname or ""
        if host.endswith(RUN_HOSTS):
            if not repo or repo not in href:
                wrong.append(f"{page}: {href}")
        elif host == "github.com":
            parts = urlparse(href).path.strip("/").split("/")
            owner_name = "/".join(parts[:2])
            # any GitHub link in the page's chrome (buttons, footer) is to the configured repository;
            # in the text, links to other projects are references, but none to the book's own
            # repository under a name that is not the configured one (the first edition's placeholder)
            placeholder = "gradient-descent-tested" in owner_name.lower()
            if (chrome or placeholder) and owner_name != repo:
                wrong.append(f"{page}: {href}")
    assert not wrong, "links to an unconfigured repository:\n" + "\n".join(wrong[:20])
    buttons = [
        (p, h) for p, h, chrome in _all_links() if chrome and ("binder" in h or "colab" in h or "/edit/" in h)
    ]
    if not repo:
        assert not buttons, f"run or edit buttons without a repository: {buttons[:5]}"


def test_repository_setting_switches_the_buttons(monkeypatch) -> None:
    """The one setting, read by the site's extension: unset, every button is off; set, all are on."""
    import book_site

    class Config:
        def __init__(self) -> None:
            self.html_theme_options = {
                "repository_url": "https://github.com/executablebooks/jupyter-book",
                "launch_buttons": {"binderhub_url": "https://mybinder.org"},
                "use_repository_button": True,
            }
            self.book_repository = ""
            self.release = "1"
            self.version = "1"
            self.html_favicon = ""
            self.html_static_path = []
            self.html_extra_path = []
            self.html_search_options = {}

    monkeypatch.delenv("BOOK_REPOSITORY", raising=False)
    config = Config()
    book_site.configure(None, config)
    opts = config.html_theme_options
    assert "repository_url" not in opts and not opts["launch_buttons"]
    assert not any(opts[k] for k in ("use_repository_button", "use_edit_page_button", "use_issues_button"))

    monkeypatch.setenv("BOOK_REPOSITORY", "someone/gd-book")
    config = Config()
    book_site.configure(None, config)
    opts = config.html_theme_options
    assert opts["repository_url"] == "https://github.com/someone/gd-book"
    assert opts["launch_buttons"]["binderhub_url"] and opts["launch_buttons"]["colab_url"]
    assert all(opts[k] for k in ("use_repository_button", "use_edit_page_button", "use_issues_button"))
    # Binder builds from requirements.txt at the repository's root
    assert (ROOT / "requirements.txt").exists()


# ----------------------------------------------------------------------------------------- search


def _search(page, site_url: str, query: str) -> list[str]:
    page.goto(site_url + "search.html?q=" + query, wait_until="load")
    # Sphinx writes the summary ("Search finished, found N pages", or "no match") only once every hit
    # is listed; it is empty until then.
    page.wait_for_function(
        "() => { const s = document.querySelector('#search-results .search-summary');"
        " return s && s.textContent.trim().length > 0; }",
        timeout=30_000,
    )
    return page.evaluate(
        "() => Array.from(document.querySelectorAll('#search-results ul.search > li > a'))"
        ".map(a => new URL(a.href).pathname)"
    )


def test_search_momentum_first(page, site_url: str) -> None:
    hits = _search(page, site_url, "momentum")
    assert hits, "searching for 'momentum' returned nothing"
    assert hits[0].endswith("book/part3/momentum.html"), f"first hit for 'momentum': {hits[:3]}"
    assert not page.console_errors, f"JavaScript errors on the search page: {page.console_errors}"


@pytest.mark.parametrize("query,first", [("动量", "book/part3/momentum.html"),
                                         ("学习率", "book/part3/schedules_linesearch.html")])
def test_search_the_chinese_edition(page, site_url: str, query: str, first: str) -> None:
    """The Chinese edition's search splits Chinese into words (jieba): 动量 puts the momentum chapter first
    and 学习率 the learning-rate schedules chapter."""
    hits = _search(page, site_url + "zh/", query)
    assert hits, f"searching the Chinese edition for {query!r} returned nothing"
    assert hits[0].endswith("zh/" + first), f"first hits for {query!r}: {hits[:3]}"
    assert not page.console_errors and not page.external_requests


@pytest.mark.parametrize("query,term", [("学习", "学习率"), ("学习率", "学习率"), ("动量", "动量"), ("梯度下降", "梯度下降")])  # noqa: E501
def test_search_chinese(page, site_url: str, query: str, term: str) -> None:
    hits = _search(page, site_url, query)
    assert any(h.endswith("book/appendix/glossary.html") for h in hits), f"{query!r} does not find the glossary: {hits}"  # noqa: E501
    glossary = (HTML / "book" / "appendix" / "glossary.html").read_text(encoding="utf-8")
    assert term in glossary


# ----------------------------------------------------------------------------------------- content


def test_bibliography_labels_are_author_year() -> None:
    _build_if_missing()
    html = (HTML / "book" / "appendix" / "bibliography.html").read_text(encoding="utf-8")
    labels = [re.sub(r"<[^>]+>", "", lab) for lab in
              re.findall(r'<span class="label"><span class="fn-bracket">\[</span>(.*?)<span class="fn-bracket">', html)]  # noqa: E501
    assert len(labels) > 10, "no bibliography labels found"
    bad = [lab for lab in labels if not re.fullmatch(r"[^\d\[\]]+, \d{4}[a-z]?|[^\d\[\]]+, n\.d\.", lab)]
    assert not bad, f"labels that are not 'Author, Year': {bad[:10]}"
    # every citation in the text names a label of the bibliography (same author and year)
    cited = set()
    for page in HTML.rglob("book/part*/*.html"):
        cited.update(re.findall(r'href="[^"]*bibliography\.html#[^"]+"[^>]*>([^<]+)</a>', page.read_text(encoding="utf-8")))  # noqa: E501
    years = {re.sub(r"[a-z]$", "", lab.rsplit(", ", 1)[1]) for lab in labels}
    assert cited, "no citations found in the chapters"
    stray = [c for c in cited if re.fullmatch(r"\d{4}[a-z]?", c.strip()) and c.strip().rstrip("abc") not in years]  # noqa: E501
    assert not stray, f"citations with a year no label has: {stray[:10]}"


def test_printed_tables_are_one_block() -> None:
    """nb_merge_streams: consecutive print() chunks of one cell are one output box."""
    _build_if_missing()
    split = []
    for path in PAGES:
        html = (HTML / path).read_text(encoding="utf-8")
        if re.search(r'</pre></div></div>\s*<div class="output stream highlight-myst-ansi notranslate"><div class="highlight"><pre><span></span>', html):  # noqa: E501
            split.append(path)
    assert not split, f"cells whose printed output is split into several boxes: {split}"


def _described_figures(notebook: Path) -> int:
    """Code cells with an image output followed by a "*The figure shows ...*" description."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    count = 0
    for cell, following in zip(cells, cells[1:], strict=False):
        has_image = any("image/png" in out.get("data", {}) for out in cell.get("outputs", []))
        text = "".join(following["source"]).lstrip() if following["cell_type"] == "markdown" else ""
        count += has_image and text.startswith("*")
    return count


def test_every_figure_is_numbered_and_can_be_cited() -> None:
    """numfig is on and tools/sphinxext/book_figures.py turns every described figure of a chapter into
    a numbered figure ("Figure 8.2") with its description as the caption, labelled fig-<chapter>-<n>;
    {numref} references to those labels resolve to links."""
    _build_if_missing()
    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    assert re.search(r"^\s*numfig:\s*true", config, re.M), "numfig is off in _config.yml"
    numbered, missing, cited = [], {}, 0
    for path in PAGES:
        html = (HTML / path).read_text(encoding="utf-8")
        found = re.findall(r'<span class="caption-number">Figure ([\d.]+) </span>', html)
        numbered += found
        notebook = ROOT / path.replace(".html", ".ipynb")
        if notebook.exists() and _described_figures(notebook) != len(found):
            missing[path] = (_described_figures(notebook), len(found))
        cited += len(re.findall(r'<a class="reference internal" href="[^"]*#fig-[^"]+"><span class="std std-numref">', html))  # noqa: E501
    print(f"\nnumbered figures on the site: {len(numbered)}, cited by number: {cited}")
    assert len(numbered) > 50
    assert len(numbered) == len(set(numbered)), f"figure numbers used twice: {numbered}"
    assert not missing, f"pages whose described figures are not all numbered (expected, found): {missing}"
    assert cited > 0, "no {numref} reference to a figure on the site"


# ----------------------------------------------------------------------------------------- the PDF


@pytest.fixture(scope="session")
def pdf_text() -> list[str]:
    if not PDF.exists():
        pytest.fail(f"no {PDF}: run 'make pdf'")
    text = subprocess.run(["pdftotext", "-layout", str(PDF), "-"], capture_output=True, text=True, check=True).stdout  # noqa: E501
    return text.split("\f")


def _titles() -> list[tuple[str, str]]:
    """(number, title) of every numbered chapter, from the built site's sidebar."""
    html = (HTML / "book" / "intro.html").read_text(encoding="utf-8")
    nav = re.search(r'<nav class="[^"]*bd-docs-nav.*?</nav>', html, re.S).group(0)
    out = []
    for num, title in re.findall(r'<a class="reference internal" href="[^"]*part\d/[^"]+">(\d+)\. ([^<]+)</a>', nav):  # noqa: E501
        out.append((num, title.replace("’", "'").strip()))
    return out


def test_pdf_has_every_chapter_in_order(pdf_text: list[str]) -> None:
    assert len(pdf_text) > 50, f"only {len(pdf_text)} pages"
    assert "Contents" in pdf_text[1] or "Contents" in pdf_text[2], "no table of contents near the start"
    toc_end = 2  # the contents: page 2 and the following pages made of lines that end in a page number
    while toc_end < len(pdf_text) and sum(bool(re.search(r"\s\d+$", line)) for line in pdf_text[toc_end].splitlines()) >= 5:  # noqa: E501
        toc_end += 1
    flat = re.sub(r"\s+", " ", " ".join(pdf_text[toc_end:])).replace("’", "'")
    toc = re.sub(r"\s+", " ", " ".join(pdf_text[1:toc_end])).replace("’", "'")
    for num, title in _titles():
        assert re.search(re.escape(f"{num}. {title}"[:40]) + r".*? \d+", toc), f"contents lack {num}. {title} with a page"  # noqa: E501
    position = 0
    for num, title in _titles():
        heading = f"{num}. {title}"[:45]
        found = flat.find(heading, position)
        assert found >= 0, f"chapter {heading!r} missing or out of order in the PDF"
        position = found
    tail = re.sub(r"\s+", " ", " ".join(pdf_text[-15:]))
    assert "Bibliography" in flat and re.search(r"Kingma and Ba, 2015|Polyak, 1964", tail), "no bibliography at the end"  # noqa: E501
    info = json.loads(PDF_INFO.read_text())
    assert info.get("cut_code_blocks") == 0, f"code cut at the margin in the PDF: {info.get('cut_examples')}"
    assert info.get("closed_solutions") == 0, "solutions left collapsed in the PDF"
    assert not info.get("missing_page_numbers"), f"contents without page numbers: {info.get('missing_page_numbers')}"  # noqa: E501
    assert "Solution to Exercise" in flat or "Solution" in flat


def test_pdf_pages_show_text_and_math(tmp_path: Path, pdf_text: list[str]) -> None:
    fonts = subprocess.run(["pdffonts", str(PDF)], capture_output=True, text=True, check=True).stdout
    assert "KaTeX_Math" in fonts and "KaTeX_Main" in fonts, f"no math fonts embedded:\n{fonts[:800]}"
    # a page of a chapter with formulas: rendered to PNG, it holds ink (text and math), not a blank page
    page_no = next(i + 1 for i, t in enumerate(pdf_text) if i > 3 and "Momentum and Nesterov" in t.strip()[:200])  # noqa: E501
    for n in (1, 2, page_no):
        subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", str(n), "-l", str(n), str(PDF), str(tmp_path / f"p{n}")], check=True)  # noqa: E501
        png = next(tmp_path.glob(f"p{n}*.png"))
        from PIL import Image

        image = Image.open(png).convert("L")
        dark = sum(image.histogram()[:128]) / (image.width * image.height)  # share of pixels below 128
        assert dark > 0.005, f"page {n} looks blank ({dark:.4f} dark)"
    assert re.search(r"[αβηκλμ∇∑√𝛼𝛽𝜂𝜅𝜆𝜇]", pdf_text[page_no - 1] + pdf_text[page_no]), "no typeset math on the momentum chapter's first pages"  # noqa: E501


# ----------------------------------------------------------------------------------------- links


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
