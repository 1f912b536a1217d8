# Two commands do all set-up on a fresh machine: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format bench-classify bench-relevance bench-ingest bench-suggest bench-search corpus clean

$(PY):
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PIP) install -q -e '.[test,corpus]'
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(VENV)/bin/skh seed corpus/docs
	$(VENV)/bin/skh serve --host $(HOST) --port $(PORT) --workers 0

test: $(VENV)/.installed-test
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-test
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench-classify: $(VENV)/.installed-test
	$(PY) bench/classify_eval.py

bench-ingest: $(VENV)/.installed-test
	$(PY) bench/pdf_engines.py
	$(PY) bench/ingest_bench.py

bench-suggest: $(VENV)/.installed-test
	$(PY) bench/suggest_bench.py

# Search speed at 10k, 30k and 100k generated reports against a naive Whoosh set-up.
# The first run builds the corpora (hours on 2 cores; cached in bench/out/); SIZES=2000 for a quick look.
SIZES ?= 10000,30000,100000
bench-search: $(VENV)/.installed-test
	$(PY) bench/search_bench.py --sizes $(SIZES)

corpus: $(VENV)/.installed-test
	$(PY) corpus/build_binary_docs.py

bench-relevance: $(VENV)/.installed-test
	$(PY) bench/relevance.py --split test

clean:
	rm -rf var .pytest_cache
