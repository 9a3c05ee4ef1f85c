"""Translate a page's message catalog as plain text, without editing the .po file by hand.

    python tools/po_work.py export book/part3/momentum > momentum.txt      # what needs translating
    python tools/po_work.py import book/part3/momentum momentum.zh.txt     # put translations in

``export`` writes each untranslated or fuzzy message of the page (``--all``: every message) as a
block headed by ``=== <key>``, the key being the first 10 hex digits of the message's SHA-1. A
translator writes a file of the same shape with the translation under each key (blocks may be left
out, in any order). ``import`` puts them into ``locales/zh_CN/LC_MESSAGES/<page>.po``, clears their
fuzzy flags, and prints what tools/i18n_check.py finds wrong with each (formulas, references,
glossary terms, markup); ``--strict`` refuses the whole file if anything is wrong.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from babel.messages.pofile import write_po  # noqa: E402
from i18n_check import LOCALE, check_message, load_glossary, read  # noqa: E402

_BLOCK = re.compile(r"^=== ([0-9a-f]{10})\n", re.M)


def key(msgid: str) -> str:
    return hashlib.sha1(msgid.encode("utf-8")).hexdigest()[:10]


def parse_blocks(text: str) -> dict[str, str]:
    """``{key: text}`` from ``=== key`` blocks (one final newline of each block is dropped)."""
    parts = _BLOCK.split(text)
    blocks = {}
    for k, body in zip(parts[1::2], parts[2::2], strict=True):
        blocks[k] = body[:-1] if body.endswith("\n") else body
        blocks[k] = blocks[k].rstrip("\n") if not blocks[k].startswith("\n") else blocks[k]
    return blocks


def export(page: str, everything: bool) -> str:
    out = []
    for m in read(LOCALE / f"{page}.po"):
        if m.id and (everything or m.fuzzy or not m.string):
            out.append(f"=== {key(m.id)}\n{m.id}\n")
    return "\n".join(out)


def import_(page: str, text: str, strict: bool) -> int:
    po = LOCALE / f"{page}.po"
    catalog = read(po)
    blocks = parse_blocks(text)
    by_key = {key(m.id): m for m in catalog if m.id}
    unknown = sorted(set(blocks) - set(by_key))
    terms = load_glossary()
    problems = []
    for k, translation in blocks.items():
        if k in by_key:
            problems += check_message(page, by_key[k].id, translation, False, terms)
    for p in problems:
        print(p)
    for k in unknown:
        print(f"{page}: unknown key {k} (the English changed? export again)")
    if strict and (problems or unknown):
        print("nothing written (--strict)")
        return 1
    for k, translation in blocks.items():
        if k in by_key:
            by_key[k].string = translation
            by_key[k].flags.discard("fuzzy")
    with po.open("wb") as fh:
        write_po(fh, catalog, width=0)
    left = sum(1 for m in catalog if m.id and (m.fuzzy or not m.string))
    print(f"{page}: {len(blocks) - len(unknown)} translations written, {left} messages left, "
          f"{len(problems)} problems")
    return 1 if problems or unknown else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    ex = sub.add_parser("export")
    ex.add_argument("page")
    ex.add_argument("--all", action="store_true")
    im = sub.add_parser("import")
    im.add_argument("page")
    im.add_argument("file", type=Path)
    im.add_argument("--strict", action="store_true")
    args = parser.parse_args(argv)
    if args.cmd == "export":
        sys.stdout.write(export(args.page, args.all))
        return 0
    return import_(args.page, args.file.read_text(encoding="utf-8"), args.strict)


if __name__ == "__main__":
    sys.exit(main())
