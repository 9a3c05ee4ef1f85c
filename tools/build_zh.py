"""Build the Chinese edition of the book into ``_build/html/zh`` (``make book`` runs this after English).

Jupyter Book 1 cannot pass ``-D language=...`` to Sphinx, so the edition gets its own configuration:
this script reads ``_config.yml``, changes only what differs for Chinese (the language, the title, the
figure label), writes the result to ``_build/zh/_config.yml`` and runs ``jupyter-book build --config``
on it. Both editions are built from the same notebooks and ``_toc.yml``; the Chinese text comes from
the message catalogs in ``locales/zh_CN/LC_MESSAGES`` (Sphinx's gettext workflow, ``make locales``).
Code cells and their outputs are not in the catalogs: the Chinese pages show the very same cells.

    python tools/build_zh.py            # warnings are errors, as for the English edition
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
LANGUAGE = "zh_CN"
TITLE = "梯度下降，步步可验"


def zh_config(config: dict) -> dict:
    """The Chinese edition's configuration: ``config`` (``_config.yml``) with the language changed."""
    zh = dict(config)
    zh["title"] = TITLE
    sphinx = dict(zh.get("sphinx", {}))
    settings = dict(sphinx.get("config", {}))
    settings["language"] = LANGUAGE
    settings["locale_dirs"] = [str(ROOT / "locales")]
    settings["numfig_format"] = {"figure": "图 %s", "table": "表 %s", "code-block": "代码 %s"}
    sphinx["config"] = settings
    # local extensions are found relative to the configuration file: make their paths absolute
    sphinx["local_extensions"] = {name: str(ROOT / path)
                                  for name, path in sphinx.get("local_extensions", {}).items()}
    zh["sphinx"] = sphinx
    zh["bibtex_bibfiles"] = [str(ROOT / f) for f in config.get("bibtex_bibfiles", [])]
    return zh


def main() -> int:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    work = ROOT / "_build" / "zh"
    work.mkdir(parents=True, exist_ok=True)
    conf = work / "_config.yml"
    conf.write_text(yaml.safe_dump(zh_config(config), allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb), "build", str(ROOT), "--config", str(conf), "--path-output", str(work),
           "--warningiserror", "--keep-going", *sys.argv[1:]]
    done = subprocess.run(cmd, cwd=ROOT)
    if done.returncode:
        return done.returncode
    target = ROOT / "_build" / "html" / "zh"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(work / "_build" / "html", target)
    print(f"Chinese edition: {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
