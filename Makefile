# Quick start: `make serve` starts the studio, `make test` runs every check and test.
# Both create the virtual environment in .venv on first use (and when pyproject.toml changes).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test lint install

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev,neural]"
	touch $(STAMP)

install: $(STAMP)

serve: $(STAMP)
	$(BIN)/filmstudio serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy app db pipeline
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest
