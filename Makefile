# Two commands do all set-up on a fresh machine: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format translations bench-classify bench-relevance bench-ingest bench-suggest bench-search bench-side-by-side bench-crosslang bench-near-duplicates bench-experts corpus clean

$(PY):
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip

# The interface's Danish: web/translations/*/LC_MESSAGES/messages.po is committed, the .mo is built here
# (without it the app speaks English). `make translations` re-extracts messages.pot and updates the .po files.
PO_FILES := $(wildcard web/translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

$(VENV)/.installed: pyproject.toml $(PO_FILES) | $(PY)
	$(PIP) install -q -e .
	$(VENV)/bin/pybabel compile -d web/translations
	touch $@

$(VENV)/.installed-test: pyproject.toml $(PO_FILES) | $(PY)
	$(PIP) install -q -e '.[test,corpus]'
	$(VENV)/bin/pybabel compile -d web/translations
	touch $(VENV)/.installed $@

translations: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--project "Sound Knowledge Hub" -o web/translations/messages.pot .
	$(VENV)/bin/pybabel update -i web/translations/messages.pot -d web/translations -w 120 --ignore-obsolete
	$(VENV)/bin/pybabel compile -d web/translations

# A .mo older than its .po (a pull changed the translation) is compiled again before run and test.
$(MO_FILES): %.mo: %.po | $(VENV)/.installed
	$(VENV)/bin/pybabel compile -d web/translations

run: $(VENV)/.installed $(MO_FILES)
	$(VENV)/bin/skh seed corpus/docs
	$(VENV)/bin/skh serve --host $(HOST) --port $(PORT) --workers 0

test: $(VENV)/.installed-test $(MO_FILES)
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

# Issue #15: search p95 in-process and ingest documents/s of main before the step (OLD, a commit or folder)
# against this tree, measured interleaved in one run. WRITE_DOCS=1 appends the table to docs/performance.md.
SIZE ?= 20000
OLD ?= 3c9521f
bench-side-by-side: $(VENV)/.installed-test
	$(PY) bench/side_by_side.py --old $(OLD) --size $(SIZE) $(if $(WRITE_DOCS),--write-docs)

# Issue #16: the judged Danish-English queries (bench/crosslang_queries.toml) with cross-language expansion off
# and on: cross-language recall@10 and nDCG@10, same-language P@5, and search p95 at SIZE generated reports
# (NO_SPEED=1 skips it; the first run at a size builds its corpus). WRITE_DOCS=1 appends to docs/performance.md.
bench-crosslang: $(VENV)/.installed-test
	$(PY) bench/crosslang.py --size $(SIZE) $(if $(NO_SPEED),--no-speed) $(if $(WRITE_DOCS),--write-docs)

bench-near-duplicates: $(VENV)/.installed-test
	$(PY) bench/near_duplicates.py

# Issue #17: /experts p95 in-process at 100,000 reports. EXPERTS_SOURCE is the speed bench's data dir, read only
# (make bench-search SIZES=100000 builds it); the first run copies its catalog and indexes it (~15 minutes).
EXPERTS_SOURCE ?= bench/out/size-100000/data
bench-experts: $(VENV)/.installed-test
	$(PY) bench/experts_bench.py --source $(EXPERTS_SOURCE)

corpus: $(VENV)/.installed-test
	$(PY) corpus/build_binary_docs.py

bench-relevance: $(VENV)/.installed-test
	$(PY) bench/relevance.py --split test

clean:
	rm -rf var .pytest_cache
