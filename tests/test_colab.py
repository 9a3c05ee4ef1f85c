"""The Colab copies of the chapters (tools/colab_notebooks.py) and the Colab button that opens them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tools" / "sphinxext"))
import book_site  # noqa: E402
import colab_notebooks  # noqa: E402
from toc_notebooks import toc_notebooks  # noqa: E402


def test_the_copy_installs_gdlearn_first_and_keeps_every_cell_and_output():
    path = ROOT / "book" / "part3" / "momentum.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    before = json.dumps(nb, sort_keys=True)
    copy = colab_notebooks.colab_copy(nb, "owner/book", "main")
    assert json.dumps(nb, sort_keys=True) == before  # the chapter itself is not changed
    first = copy["cells"][0]
    source = "".join(first["source"])
    assert first["id"] == "colab-install" and first["cell_type"] == "code"
    assert 'find_spec("gdlearn") is None' in source
    assert '"gdlearn @ git+https://github.com/owner/book@main"' in source
    assert set(first["metadata"]["tags"]) == {"remove-cell", "nbval-skip"}
    assert copy["cells"][1:] == nb["cells"]
    # a copy of a copy still has one install cell
    again = colab_notebooks.colab_copy(copy, "owner/book", "dev")
    assert [c.get("id") for c in again["cells"]].count("colab-install") == 1
    assert "@dev" in "".join(again["cells"][0]["source"])
    compile(source, "colab-install", "exec")  # the cell is valid Python


@pytest.mark.parametrize("bad", ["", "owner", "owner/", "https://gitlab.com/a/b", "a b/c"])
def test_a_repository_must_be_named(bad):
    with pytest.raises(ValueError, match="owner/name"):
        colab_notebooks.check_repository(bad)
    assert colab_notebooks.check_repository("https://github.com/owner/book/") == "owner/book"


def test_every_chapter_gets_a_copy_at_its_path(tmp_path):
    written = colab_notebooks.write_copies(tmp_path, "owner/book", "main")
    expected = {p.relative_to(ROOT) for p in toc_notebooks(ROOT)}
    assert {p.relative_to(tmp_path) for p in written} == expected
    nb = json.loads((tmp_path / "book" / "part1" / "why_optimization.ipynb").read_text(encoding="utf-8"))
    assert nb["cells"][0]["id"] == "colab-install"


def test_the_colab_button_opens_the_copy_on_the_colab_branch(monkeypatch):
    monkeypatch.setitem(book_site.BUILD_INFO, "repository", "owner/book")
    theme_url = "https://colab.research.google.com/github/owner/book/blob/main/book/part3/momentum.ipynb"
    context = {
        "pathto": lambda name, flag: name,
        "header_buttons": [
            {"type": "group", "label": "launch-buttons",
             "buttons": [{"type": "link", "text": "Colab", "url": theme_url},
                         {"type": "link", "text": "Binder", "url": "https://mybinder.org/v2/gh/owner/book/main"}]},
        ],
    }
    book_site.header_buttons(None, "book/part3/momentum", "page.html", context, None)
    urls = [b["url"] for b in context["header_buttons"][0]["buttons"]]
    assert urls[0] == ("https://colab.research.google.com/github/owner/book/blob/"
                       f"{colab_notebooks.BRANCH}/book/part3/momentum.ipynb")
    assert urls[1] == "https://mybinder.org/v2/gh/owner/book/main"  # Binder runs the repository itself
    assert book_site.COLAB_BRANCH == colab_notebooks.BRANCH
