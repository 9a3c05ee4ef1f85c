"""Checks that keep the Chinese edition from drifting from the English one.

For every message of the book (``locales/zh_CN/LC_MESSAGES/**.po``, kept by ``make locales``):

* **coverage**: translated, not fuzzy, not empty (a message the English text no longer has is
  obsolete and ignored; one it has that the catalog lacks is untranslated);
* **formulas**: every ``$...$``, ``$$...$$``, ``{math}`...``` and LaTeX environment of the English
  appears unchanged in the translation;
* **terminology**: for every term of the glossary (``book/appendix/glossary.md``) whose English
  appears in the prose of a message, the translation uses the glossary's Chinese term or one of the
  alternatives listed with it;
* **references**: cross-references, citations and links survive (their targets; a reference's own
  title text may be translated).

``python tools/i18n_check.py`` prints every problem and a summary per page; ``--fill-formulas``
first copies messages that are nothing but a formula into their translation (there is nothing to
translate, and the copy follows the English whenever it changes). tests/test_translation.py runs the
same checks in ``make test``.
"""

from __future__ import annotations

import argparse
import functools
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locales" / "zh_CN" / "LC_MESSAGES"
GLOSSARY = ROOT / "book" / "appendix" / "glossary.md"

# -- what must survive ------------------------------------------------------------------------
_ENV = r"\\begin\{(?P<env>[a-zA-Z*]+)\}.*?\\end\{(?P=env)\}"
_MATH = re.compile(r"\$\$.+?\$\$|(?<![\\$])\$(?!\$).+?(?<!\\)\$|\{math\}`[^`]+`|" + _ENV, re.S)
# a role, not a LaTeX group such as the {in} of n_{in}: no letter, _, ^ or backslash before the brace
_ROLE = re.compile(r"(?<![\w^\\])\{(?P<role>[a-z:-]+)\}`(?P<body>[^`]*)`")
_LINK = re.compile(r"\]\((?P<url>[^)\s]+)\)|<(?P<auto>https?://[^>\s]+)>")
_CODE = re.compile(r"``.+?``|`[^`]+`")
_TITLED = re.compile(r"^(?P<title>.*?)\s*<(?P<target>[^<>]+)>$", re.S)


def formulas(text: str) -> Counter:
    """The formulas of a message, each as written (a multiset)."""
    return Counter(m.group(0) for m in _MATH.finditer(text))


def references(text: str) -> Counter:
    """Roles (by role and target), link URLs and autolinks of a message (a multiset)."""
    found: Counter = Counter()
    for m in _ROLE.finditer(text):
        role, body = m.group("role"), m.group("body")
        if role == "math":
            continue
        titled = _TITLED.match(body)
        target = titled.group("target") if titled else body
        found[f"{{{role}}}`{target.strip()}`"] += 1
    for m in _LINK.finditer(text):
        found[m.group("url") or m.group("auto")] += 1
    return found


def prose(text: str) -> str:
    """The words of a message: formulas, inline code, roles and link targets removed."""
    text = _MATH.sub(" ", text)
    text = _ROLE.sub(lambda m: " " if m.group("role") != "doc" else " ", text)
    text = _LINK.sub(" ", text)
    return _CODE.sub(" ", text)


def is_formula_only(text: str) -> bool:
    """A message that is a display formula (MyST's ``$$ ... $$`` block: it starts on a new line and
    has no ``$``) or nothing but formulas and punctuation."""
    if text.startswith("\n") and "$" not in text:
        return True
    return bool(text.strip()) and not re.sub(r"[\s.,;:]+", "", _MATH.sub("", text))


# -- the glossary -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Term:
    english: str
    chinese: tuple[str, ...]
    pattern: re.Pattern


def _alternatives(cell: str) -> tuple[str, ...]:
    """The Chinese terms of a glossary cell: the main one and those in brackets after it."""
    text = re.sub(r"<[^>]+>", "", cell).strip()
    text = re.sub(r"原文作[“\"][^”\"]*[”\"]", "", text)
    parts = re.split(r"[（）()、；;，,/]", text)
    # notes on the source articles' wording ("原文用语", "原文亦作……") are not terms
    return tuple(dict.fromkeys(p.strip() for p in parts if p.strip() and "原文" not in p))


def load_glossary(path: Path = GLOSSARY) -> list[Term]:
    terms = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or cells[0] in ("English", "---") or not line.startswith("|"):
            continue
        english = re.sub(r"\s*\(.*?\)\s*", " ", cells[0]).strip()
        chinese = _alternatives(cells[1])
        if not english or not chinese:
            continue
        if any(zh.lower().startswith(english.lower() + " ") for zh in chinese):
            chinese += (english,)  # "sigmoid 函数": the bare name is the term too
        pattern = re.compile(r"(?<![\w-])" + r"[\s-]+".join(map(re.escape, english.split())) + r"s?(?![\w-])",
                             re.I if english.lower() == english else 0)
        terms.append(Term(english, chinese, pattern))
    # one English word, several senses ("bias (intercept)", "bias (statistics)"): any sense's term
    merged: dict[str, Term] = {}
    for t in terms:
        if t.english in merged:
            t = Term(t.english, merged[t.english].chinese + t.chinese, t.pattern)
        merged[t.english] = t
    return sorted(merged.values(), key=lambda t: -len(t.english))  # longest first: see check_message


@functools.cache
def headwords(path: Path = GLOSSARY) -> frozenset[str]:
    """The glossary's English column, cell by cell ("bias (intercept)")."""
    cells = (line.strip().strip("|").split("|")[0].strip()
             for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("|"))
    return frozenset(c for c in cells if c and c not in ("English", "---"))


# -- the catalogs ---------------------------------------------------------------------------
@dataclass
class Problem:
    page: str
    kind: str
    msgid: str
    detail: str

    def __str__(self) -> str:
        short = " ".join(self.msgid.split())[:90]
        return f"{self.page}: {self.kind}: {self.detail} | {short}"


def catalogs(locale: Path = LOCALE) -> Iterator[tuple[str, Path]]:
    for po in sorted(locale.rglob("*.po")):
        yield po.relative_to(locale).with_suffix("").as_posix(), po


def read(path: Path) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh)


def check_message(page: str, msgid: str, msgstr: str, fuzzy: bool, terms: Iterable[Term]) -> list[Problem]:
    if fuzzy:
        return [Problem(page, "fuzzy", msgid, "the English changed: review the translation")]
    if not msgstr.strip():
        return [Problem(page, "untranslated", msgid, "no translation")]
    out = []
    if is_formula_only(msgid) and msgstr != msgid:
        return [Problem(page, "formula", msgid, "a formula-only message must be copied unchanged")]
    lost = formulas(msgid) - formulas(msgstr)
    if lost:
        out.append(Problem(page, "formula", msgid, f"changed or missing: {sorted(lost)[:3]}"))
    if msgid.startswith("*") and msgid.endswith("*") and not (
            msgstr.startswith("*") and msgstr.endswith("*")):
        out.append(Problem(page, "markup", msgid, "a figure's description stays in *italics* "
                                                  "(it becomes the numbered figure's caption)"))
    lost_refs = references(msgid) - references(msgstr)
    if lost_refs:
        out.append(Problem(page, "reference", msgid, f"missing: {sorted(lost_refs)[:3]}"))
    if msgstr == msgid and msgid in headwords():
        return out  # a glossary headword in the English column stays English
    words = prose(msgid)
    target = prose(msgstr)
    for term in terms:  # longest first; a match is blanked out, so "bias correction" is not "bias"
        if term.pattern.search(words):
            if not any(zh in target for zh in term.chinese):
                out.append(Problem(page, "term", msgid, f"{term.english!r} is {' / '.join(term.chinese)}"))
            words = term.pattern.sub(" ", words)
    return out


def check(locale: Path = LOCALE, messages: dict[str, set[str]] | None = None,
          terms: list[Term] | None = None) -> tuple[list[Problem], dict[str, tuple[int, int]]]:
    """All problems, and per page (translated, total). ``messages``: the current English messages
    per page (from a fresh gettext extraction); without it the catalogs' own entries are used."""
    terms = load_glossary() if terms is None else terms
    problems, summary = [], {}
    pages = dict(catalogs(locale))
    for page in sorted(set(pages) | set(messages or {})):
        entries = {m.id: m for m in read(pages[page]) if m.id} if page in pages else {}
        wanted = messages[page] if messages is not None else set(entries)
        done = 0
        for msgid in sorted(wanted):
            m = entries.get(msgid)
            found = check_message(page, msgid, m.string if m else "", bool(m and m.fuzzy), terms)
            problems += found
            done += not any(p.kind in ("fuzzy", "untranslated") for p in found)
        summary[page] = (done, len(wanted))
    return problems, summary


def fill_formulas(locale: Path = LOCALE) -> int:
    """Copy each formula-only message into its empty or fuzzy translation; return how many."""
    filled = 0
    for _, po in catalogs(locale):
        cat = read(po)
        changed = False
        for m in cat:
            if m.id and is_formula_only(m.id) and (not m.string or m.fuzzy or m.string != m.id):
                m.string, changed = m.id, True
                m.flags.discard("fuzzy")
                filled += 1
        if changed:
            with po.open("wb") as fh:
                write_po(fh, cat, width=0, omit_header=False)
    return filled


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fill-formulas", action="store_true")
    parser.add_argument("--page", help="only this page, e.g. book/part3/momentum")
    parser.add_argument("--kinds", default="", help="comma-separated kinds to print (default all)")
    args = parser.parse_args(argv)
    if args.fill_formulas:
        print(f"{fill_formulas()} formula-only messages copied")
    problems, summary = check()
    kinds = set(filter(None, args.kinds.split(",")))
    for p in problems:
        if (not args.page or p.page == args.page) and (not kinds or p.kind in kinds):
            print(p)
    done = sum(d for d, _ in summary.values())
    total = sum(t for _, t in summary.values())
    for page, (d, t) in summary.items():
        if not args.page or page == args.page:
            print(f"{page:50s} {d:5d}/{t:<5d}")
    print(f"translated {done}/{total} ({100 * done / max(total, 1):.1f} %), "
          f"{len(problems)} problems: {dict(Counter(p.kind for p in problems))}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
