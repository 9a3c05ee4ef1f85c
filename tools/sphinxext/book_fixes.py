"""Small Sphinx fixes for the book's site, found by the browser tests (tests/test_site.py).

1. sphinx-thebe adds its configuration script once per ``env-before-read-docs`` event, and under
   Jupyter Book that event fires twice, so every page declared ``const THEBE_JS_URL`` twice and the
   browser logged "Identifier 'THEBE_JS_URL' has already been declared". We drop repeated scripts.
   (Runs early: ``html-page-context`` is emitted with ``emit_firstresult``, so a late handler may never run.)
2. sphinxcontrib-katex starts its node render server, waits for the server's Unix socket file to exist,
   then connects once. The file exists as soon as node binds it, a moment before node listens, so on a
   loaded machine the one connect was sometimes refused and the whole build failed. We retry the
   connect until the extension's own start-up timeout, as its network-socket path already does.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path
from subprocess import PIPE, Popen
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


def _start_server_process(cls: Any, rundir: Path, timeout: float) -> tuple[Popen, socket.socket]:
    """sphinxcontrib-katex's ``KaTeXServer.start_server_process``, with the connect retried while refused."""
    socket_path = rundir / "katex.sock"
    process = Popen(cls.build_command(socket=socket_path), stdin=PIPE, stdout=PIPE, cwd=rundir)
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            process.kill()
            raise cls.timeout_error(timeout)
        if socket_path.is_socket():
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(remaining)
            try:
                sock.connect(str(socket_path))
            except (ConnectionRefusedError, FileNotFoundError, TimeoutError):
                sock.close()  # bound but not yet listening (or out of time: the check above ends it)
            else:
                sock.settimeout(None)
                return process, sock
        time.sleep(0.001)


def _patch_katex_server() -> None:
    try:
        from sphinxcontrib.katex import KaTeXServer
    except ImportError:  # the extension is not installed: nothing to patch
        return
    KaTeXServer.start_server_process = classmethod(_start_server_process)


def setup(app: Any) -> dict[str, Any]:
    app.connect("html-page-context", _dedupe_scripts, priority=100)
    _patch_katex_server()
    return {"parallel_read_safe": True, "parallel_write_safe": True}
