"""Numbered figures from the book's chapters, with no figure metadata in the notebooks.

Every figure in a chapter is a code cell whose output holds an image, followed by a markdown cell
whose first paragraph describes it in italics ("*The figure shows ...*"; tools/run_notebooks.py also
copies that paragraph into the image's alt text). This transform turns the pair into a numbered
figure: the cell's output goes into a ``figure`` node and the paragraph becomes its caption
("Figure 8.3: The figure shows ..."), so the description is printed once, under the image.

Each figure gets a label the text can cite with ``{numref}``:

* ``fig-<chapter>-<n>`` for the n-th figure of the chapter (``fig-momentum-2``), always;
* the name in a ``fig-...`` cell tag as well, when the plotting cell has one (``# %% tags=["fig-paths"]``
  in the ``.py`` twin), which keeps a reference stable when figures are added above it.

The paragraph is recognised by its shape (a paragraph that is one emphasised span, right after a
cell with an image), not by its words, so a translated chapter is numbered the same way.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from docutils import nodes
from sphinx.transforms import SphinxTransform

TAG_PREFIX = "tag_fig-"


def _is_description(node: nodes.Node) -> bool:
    return (isinstance(node, nodes.paragraph) and len(node.children) == 1
            and isinstance(node.children[0], nodes.emphasis))


def _image_output(cell: nodes.Element) -> nodes.Element | None:
    for child in cell.children:
        if (isinstance(child, nodes.container) and child.get("nb_element") == "cell_code_output"
                and any(True for _ in child.findall(nodes.image))):
            return child
    return None


class NumberFigures(SphinxTransform):
    """Wrap each described cell output in a numbered, labelled figure (see the module docstring)."""

    default_priority = 400  # after the i18n transforms (20), before references are resolved

    def apply(self, **kwargs: Any) -> None:
        stem = PurePosixPath(self.env.docname).name.replace("_", "-")
        n = 0
        for cell in list(self.document.findall(nodes.container)):
            if cell.get("nb_element") != "cell_code" or cell.parent is None:
                continue
            output = _image_output(cell)
            parent = cell.parent
            index = parent.index(cell)
            if output is None or index + 1 >= len(parent) or not _is_description(parent[index + 1]):
                continue
            n += 1
            description = parent[index + 1]
            names = [f"fig-{stem}-{n}"] + [c[len("tag_"):] for c in cell["classes"]
                                            if c.startswith(TAG_PREFIX)]
            figure = nodes.figure(classes=["book-figure"])
            output.replace_self(figure)
            figure += output
            caption = nodes.caption(description.rawsource, "", *description.children[0].children)
            # the caption is the paragraph's message for translation (gettext reads the source)
            caption.source, caption.line = description.source, description.line
            figure += caption
            parent.remove(description)
            for name in names:
                figure["names"].append(name)
            self.document.note_explicit_target(figure, figure)


def setup(app: Any) -> dict[str, Any]:
    app.add_transform(NumberFigures)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
