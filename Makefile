# The two commands in README.md: `make site` builds the site from issues/ into build/,
# `make test` runs the test suite. Both install what they need on a fresh machine.
VENV   ?= .venv
PYTHON ?= python3
BIN    := $(VENV)/bin
ARGS   ?=

.PHONY: site test setup lint bench clean dist

$(BIN)/huikan: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

setup: $(BIN)/huikan node_modules/.package-lock.json

site: setup
	$(BIN)/huikan build $(ARGS)

test: setup
	bash scripts/ensure-chromium.sh
	$(BIN)/python -m pytest $(ARGS)

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

bench: setup
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/build.py
	$(BIN)/python -m pip install --quiet -e '.[bench]'  # pagefind[extended] for the comparison
	$(BIN)/python bench/search.py

# The wheel (dist/huikan-*.whl), with the default theme and lunr.js inside (setup.py).
dist: setup
	rm -rf dist
	$(BIN)/python -m pip wheel --quiet --no-deps -w dist .

clean:
	rm -rf build .huikan-cache
