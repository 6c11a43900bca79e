# `make run` and `make test` each set up .venv when it is missing or out of date, then run.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=
RUN_ARGS ?=

.PHONY: setup run test bench lint peers clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)

run: setup
	$(VENV)/bin/yunwang up --stack dev $(RUN_ARGS)

test: setup
	$(VENV)/bin/pytest $(PYTEST_ARGS)

bench: setup
	$(PY) -m pip install -q -e '.[dev,bench]'
	$(VENV)/bin/pytest tests/bench -p no:cacheprovider --benchmark-only --benchmark-columns=min,median,max,rounds $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

peers:
	bash scripts/install-peers.sh

clean:
	rm -rf $(VENV) .yunwang build .pytest_cache .mypy_cache .ruff_cache
