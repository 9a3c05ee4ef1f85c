# Gradient Descent, Tested: the two commands are `make book` and `make test`.
# Everything else (the virtual environment, the installs) happens on the way.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.requirements-installed
PORT   ?= 8000
NB     ?= $(shell $(PYTHON) tools/toc_notebooks.py)
# pytest-xdist: two workers, whole notebooks per worker (nbval needs the cells of a notebook together)
XDIST  ?= -n 2 --dist loadfile
# Two workers already use both cores; one BLAS thread per kernel avoids oversubscription (about 20%
# faster here). Set OMP_NUM_THREADS yourself to override; .ci/run also checks nbval with 2 threads.
export OMP_NUM_THREADS ?= 1

.PHONY: help install book locales pdf test test-unit test-notebooks test-portable test-parity test-site lab notebooks serve bench clean lint

help:
	@echo "make book        build the website into _build/html, English and (under zh/) Chinese (warnings are errors)"
	@echo "make locales     update the Chinese edition's message catalogs (locales/zh_CN) from the English text"
	@echo "make pdf         the whole book as one PDF: _build/pdf/gradient-descent-tested.pdf (also in _build/html)"
	@echo "make test        run gdlearn's unit tests and re-run every notebook with nbval"
	@echo "make test-portable  re-run every notebook with nbval as if on four other CPUs (OpenBLAS kernels,"
	@echo "                 numpy SIMD off, 1 and 2 threads, other hash seeds)"
	@echo "make test-parity every gdlearn optimizer against optax, step by step (installs jax and optax)"
	@echo "make test-site   build the book and its PDF, test both in headless Chromium (network cut off)"
	@echo "make lab         open the book's notebooks in JupyterLab"
	@echo "make notebooks   sync each notebook with its .py twin, then re-execute it (one: NB=book/part1/why_optimization.ipynb)"
	@echo "make serve       serve _build/html on http://localhost:$(PORT)"
	@echo "make bench       time notebooks, nbval, the book build and gdlearn's optimizer steps"
	@echo "make lint        ruff over the package, tests and notebooks"
	@echo "make clean       remove _build and caches (keeps .venv)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Re-install only when requirements.txt or pyproject.toml changed since the last install.
$(STAMP): requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

# KaTeX typesets the formulas at build time (node); its stylesheet and fonts come from npm.
KATEX  := $(VENV)/katex/node_modules/katex/dist/katex.min.css
$(KATEX): | $(BIN)/python
	mkdir -p $(VENV)/katex
	npm install --prefix $(VENV)/katex --no-audit --no-fund --silent katex@0.16.22

# Both editions: English at the root of _build/html, Chinese under _build/html/zh (tools/build_zh.py).
book: $(STAMP) $(KATEX)
	$(BIN)/jupyter-book build . --warningiserror --keep-going
	$(BIN)/python tools/build_zh.py

# The Chinese edition's message catalogs: extract every translatable message of the book (Sphinx's
# gettext builder), then bring locales/zh_CN/LC_MESSAGES up to date (sphinx-intl: new messages come in
# untranslated, changed ones fuzzy; tests/test_translation.py lists both until they are translated).
locales: $(STAMP)
	rm -rf _build/gettext
	$(BIN)/jupyter-book build . --builder custom --custom-builder gettext --path-output _build/gettext-build -q
	mv _build/gettext-build/_build/gettext _build/gettext && rm -rf _build/gettext-build
	$(BIN)/sphinx-intl update -p _build/gettext -l zh_CN -d locales -w 0

# One HTML page of the whole book (reusing the HTML build), printed by headless Chromium.
pdf: book
	$(BIN)/python tools/build_pdf.py

test: $(STAMP)
	$(BIN)/python -m pytest $(XDIST) -m "not site and not parity"

test-unit: $(STAMP)
	$(BIN)/python -m pytest tests -m "not site and not parity"

test-notebooks: $(STAMP)
	$(BIN)/python -m pytest $(XDIST) book

# Parity with optax (jax on CPU, float64): every optimizer step by step. optax is not a book requirement.
PARITY := $(VENV)/.parity-installed
$(PARITY): requirements-parity.txt | $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements-parity.txt
	touch $(PARITY)

test-parity: $(PARITY)
	JAX_PLATFORMS=cpu $(BIN)/python -m pytest -q -m parity tests/test_parity.py

# The stored outputs must hold on a reader's CPU: nbval again under simulated other machines.
test-portable: $(STAMP)
	$(BIN)/python tools/test_portable.py

# The PDF is built here only when missing (make pdf rebuilds it).
test-site: book
	@test -s _build/pdf/gradient-descent-tested.pdf || $(MAKE) pdf
	$(BIN)/python -m pytest -m site tests/test_site.py

lint: $(STAMP)
	$(BIN)/ruff check .

lab: $(STAMP)
	$(BIN)/jupyter lab book

# Sync each notebook with its percent-format twin (jupytext.toml; the newer file wins), then execute it.
notebooks: $(STAMP)
	$(BIN)/jupytext --sync $(NB)
	$(BIN)/python tools/run_notebooks.py $(NB)

serve:
	@test -f _build/html/index.html || { echo "no _build/html: run 'make book' first"; exit 1; }
	$(PYTHON) -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

bench: $(STAMP)
	$(BIN)/python bench/bench_book.py
	$(BIN)/python bench/bench_optim.py

clean:
	rm -rf _build .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -not -path "./$(VENV)/*" -prune -exec rm -rf {} +
	find . -name .ipynb_checkpoints -not -path "./$(VENV)/*" -prune -exec rm -rf {} +
