"""The Chinese edition cannot drift from the English one (tools/i18n_check.py holds the checks).

The English messages are extracted afresh from the current sources (Sphinx's gettext builder), so an
English sentence changed without ``make locales`` and a new translation shows up here as untranslated
or fuzzy, never as a stale translation on the site.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import i18n_check  # noqa: E402
from babel.messages.pofile import read_po  # noqa: E402


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """The current English messages of every page, extracted now (about a minute)."""
    out = tmp_path_factory.mktemp("gettext")
    jb = Path(sys.executable).with_name("jupyter-book")
    done = subprocess.run(
        [str(jb), "build", str(ROOT), "--builder", "custom", "--custom-builder", "gettext",
         "--path-output", str(out), "-q"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    pots = out / "_build" / "gettext"
    messages = {}
    for pot in sorted(pots.rglob("*.pot")):
        page = pot.relative_to(pots).with_suffix("").as_posix()
        with pot.open("rb") as fh:
            messages[page] = {m.id for m in read_po(fh) if m.id}
    assert "book/part3/momentum" in messages
    return messages


@pytest.fixture(scope="module")
def report(english):
    return i18n_check.check(messages=english)


def test_every_page_has_a_catalog(english):
    missing = sorted(p for p in english if not (i18n_check.LOCALE / f"{p}.po").exists())
    assert not missing, f"pages without a catalog (run `make locales`): {missing}"


def test_every_message_is_translated(report):
    """100 % of the book's messages are translated, none fuzzy, none empty: an English change fails
    here, listing each message, until the translation follows (`make locales`, then
    tools/po_work.py)."""
    problems, summary = report
    done = sum(d for d, _ in summary.values())
    total = sum(t for _, t in summary.values())
    print(f"\ntranslated: {done}/{total} messages on {len(summary)} pages")
    lines = [str(p) for p in problems if p.kind in ("fuzzy", "untranslated")]
    assert not lines, f"{len(lines)} messages not translated:\n" + "\n".join(lines[:60])
    assert done == total > 2500


@pytest.mark.parametrize("kind", ["formula", "reference", "term", "markup"])
def test_translations_keep_formulas_references_and_terms(report, kind):
    problems, _ = report
    lines = [str(p) for p in problems if p.kind == kind]
    assert not lines, f"{len(lines)} {kind} problems:\n" + "\n".join(lines[:40])


# -- the checks themselves ------------------------------------------------------------------------
def test_a_changed_or_dropped_formula_is_found():
    msgid = r"The rate is $(\kappa-1)/(\kappa+1)$ and $$f(\theta) = 0$$ holds."
    ok = r"收敛速度是 $(\kappa-1)/(\kappa+1)$，且 $$f(\theta) = 0$$ 成立。"
    assert not i18n_check.check_message("p", msgid, ok, False, [])
    changed = ok.replace(r"\kappa+1", r"\kappa-1")
    assert [p.kind for p in i18n_check.check_message("p", msgid, changed, False, [])] == ["formula"]
    env = "Solve\n\\begin{aligned} a &= b \\end{aligned}\nfirst."
    assert i18n_check.formulas(env) == {"\\begin{aligned} a &= b \\end{aligned}": 1}
    block = "\n\\alpha = \\frac{2}{L + \\mu}\n"
    assert i18n_check.is_formula_only(block) and not i18n_check.is_formula_only("The step $\\alpha$.")
    assert [p.kind for p in i18n_check.check_message("p", block, block + " ", False, [])] == ["formula"]


def test_references_survive_with_translated_titles():
    msgid = "See {doc}`Momentum <../part3/momentum>`, {cite:t}`kingma2015` and [optax](https://optax.dev)."
    ok = "见 {doc}`动量 <../part3/momentum>`、{cite:t}`kingma2015` 和 [optax](https://optax.dev)。"
    assert not i18n_check.check_message("p", msgid, ok, False, [])
    dropped = "见 {doc}`动量 <../part3/momentum>` 和 [optax](https://optax.dev)。"
    problems = i18n_check.check_message("p", msgid, dropped, False, [])
    assert [p.kind for p in problems] == ["reference"] and "kingma2015" in problems[0].detail


def test_a_latex_group_is_not_a_role():
    assert not i18n_check.references(r"with :math:`n_{in}` and :math:`a^{in}` inputs")
    assert i18n_check.references("see {doc}`x`") == {"{doc}`x`": 1}


def test_glossary_terms_are_required_longest_first():
    terms = i18n_check.load_glossary()
    by_name = {t.english: t for t in terms}
    assert "动量" in by_name["momentum"].chinese and "学习率" in by_name["learning rate"].chinese
    assert not any("原文" in zh for t in terms for zh in t.chinese)
    msgid = "Bias correction of the learning rate, with `momentum=0.9` in code."
    ok = "学习率的偏差修正，代码里写作 `momentum=0.9`。"
    assert not i18n_check.check_message("p", msgid, ok, False, terms)  # "bias" inside "bias correction"
    wrong = "步长的偏差修正，代码里写作 `momentum=0.9`。"
    problems = i18n_check.check_message("p", msgid, wrong, False, terms)
    assert [p.detail.split(" is ")[0] for p in problems] == ["'learning rate'"]


def test_a_glossary_headword_may_stay_english_and_senses_merge():
    terms = i18n_check.load_glossary()
    assert not i18n_check.check_message("p", "Newton's method", "Newton's method", False, terms)
    prose = "Newton's method converges fast."
    assert i18n_check.check_message("p", prose, prose, False, terms)  # prose kept English is not exempt
    bias = next(t for t in terms if t.english == "bias")
    assert {"偏置", "偏差"} <= set(bias.chinese)  # bias (intercept) and bias (statistics)


def test_fuzzy_and_empty_entries_count_as_untranslated():
    assert i18n_check.check_message("p", "Momentum.", "动量。", True, [])[0].kind == "fuzzy"
    assert i18n_check.check_message("p", "Momentum.", "", False, [])[0].kind == "untranslated"
