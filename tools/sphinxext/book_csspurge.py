"""Drop the CSS rules no page can match (a small PurgeCSS): the theme ships all of Bootstrap and Font
Awesome, about 470 KB, of which the book's pages use under a third.

A selector is kept unless it names a class that appears in no ``class="..."`` attribute of any built
page and in no identifier of any of the site's scripts (scripts add classes such as ``show`` at run
time, and every identifier-like word in them is kept, generously). At-rules other than @media,
@supports and @layer (fonts, keyframes, imports) are kept whole.
"""

from __future__ import annotations

import re

_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
# parts of a selector whose class names need not be on the page: attribute values, strings, and
# :not(...) (a negation can only make a rule match more, e.g. KaTeX's
# `.accent-body:not(.accent-full)`, which places every accent)
_NOT_CLASS = re.compile(r"\[[^\]]*\]|\"[^\"]*\"|'[^']*'|:not\([^)]*\)")


def _skip_string(text: str, k: int) -> int:
    quote = text[k]
    k += 1
    while k < len(text) and text[k] != quote:
        k += 2 if text[k] == "\\" else 1
    return k + 1


def _parse(text: str, i: int = 0) -> tuple[list, int]:
    rules: list = []
    n = len(text)
    while i < n:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            break
        if text[i] == "}":
            return rules, i + 1
        j = i
        while j < n and text[j] not in "{;}":
            j = _skip_string(text, j) if text[j] in "\"'" else j + 1
        if j >= n or text[j] != "{":
            end = j + 1 if j < n and text[j] == ";" else j
            rules.append((text[i:end], None))
            i = end
            continue
        prelude = text[i:j].strip()
        if prelude.startswith(("@media", "@supports", "@layer", "@container")):
            inner, i = _parse(text, j + 1)
            rules.append((prelude, inner))
            continue
        k, depth = j + 1, 1
        while depth and k < n:
            c = text[k]
            if c in "\"'":
                k = _skip_string(text, k)
                continue
            depth += (c == "{") - (c == "}")
            k += 1
        rules.append((prelude, text[j + 1:k - 1]))
        i = k
    return rules, i


def _split(selectors: str) -> list[str]:
    parts, depth, cur = [], 0, []
    for ch in selectors:
        depth += (ch in "([") - (ch in ")]")
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts


def _emit(rules: list, used: set[str]) -> str:
    out = []
    for prelude, body in rules:
        if body is None:
            out.append(prelude)
        elif isinstance(body, list):
            inner = _emit(body, used)
            if inner:
                out.append(f"{prelude}{{{inner}}}")
        elif prelude.startswith("@"):
            out.append(f"{prelude}{{{body}}}")
        else:
            kept = [s for s in _split(prelude)
                    if all(c in used for c in _CLASS.findall(_NOT_CLASS.sub("", s)))]
            if kept:
                out.append(f"{','.join(kept)}{{{body}}}")
    return "".join(out)


def purge(css: str, used: set[str]) -> str:
    rules, _ = _parse(_COMMENT.sub("", css))
    return _emit(rules, used)


def used_names(html_pages: list[str], scripts: list[str]) -> set[str]:
    used: set[str] = set()
    for html in html_pages:
        for attr in re.findall(r'class="([^"]*)"', html):
            used.update(attr.split())
        # inline scripts and templates inside the page
        for body in re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S):
            used.update(re.findall(r"[A-Za-z_][\w-]*", body))
    for js in scripts:
        used.update(re.findall(r"[A-Za-z_][\w-]*", js))
    return used
