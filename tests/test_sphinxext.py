"""Unit tests of the book's small Sphinx extensions (tools/sphinxext): no build needed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools" / "sphinxext"))
import book_csspurge  # noqa: E402
import book_fixes  # noqa: E402
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


# A stand-in render server: it binds its Unix socket at once but listens only 0.4 s later, as node may
# on a loaded machine; then it answers one byte to whoever connects.
_SLOW_SERVER = """
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
time.sleep(0.4)
s.listen(1)
conn, _ = s.accept()
conn.sendall(b"k")
conn.close()
"""


class _SlowServer:
    @staticmethod
    def build_command(socket):
        return [sys.executable, "-c", _SLOW_SERVER, str(socket)]

    @staticmethod
    def timeout_error(timeout):
        return RuntimeError(f"no server after {timeout} s")


def test_katex_server_connect_is_retried_until_the_server_listens(tmp_path):
    process, sock = book_fixes._start_server_process(_SlowServer, tmp_path, 20.0)
    try:
        assert sock.recv(1) == b"k"
        assert sock.gettimeout() is None
    finally:
        sock.close()
        process.wait(timeout=10)


def test_katex_server_that_never_comes_up_times_out(tmp_path):
    class Silent(_SlowServer):
        @staticmethod
        def build_command(socket):
            return [sys.executable, "-c", "import time; time.sleep(30)"]

    with pytest.raises(RuntimeError, match="no server after 0.5 s"):
        book_fixes._start_server_process(Silent, tmp_path, 0.5)


def test_book_fixes_patch_sphinxcontrib_katex():
    katex = pytest.importorskip("sphinxcontrib.katex")
    book_fixes._patch_katex_server()
    assert katex.KaTeXServer.start_server_process.__func__ is book_fixes._start_server_process
