# Two commands on a fresh machine: `make demo` and `make test`. Both set themselves up.
PYTHON ?= $(shell command -v python3.12 || (command -v pyenv >/dev/null && pyenv which python3.12 2>/dev/null) || echo python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-all install bench baseline clean browser dashboard

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), "exsim needs Python 3.12 or newer, found " + sys.version'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/exsim run configs/baseline.toml --replicates 4
	@echo "Open results/baseline/report.md and results/baseline/figures/*.png"

test: $(STAMP) browser
	$(BIN)/python -m pytest -q -n 2 -m "not slow"

# Everything, including the slow checks (the full 8-replicate validation behind the README's table).
test-all: $(STAMP) browser
	$(BIN)/python -m pytest -q -n 2

# Browser tests drive Debian's chromium headless (never a downloaded browser).
browser:
	@command -v chromium >/dev/null 2>&1 || (DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium \
		|| (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium)) \
		|| echo "warning: could not install chromium; the browser tests will be skipped"

dashboard: $(STAMP)
	$(BIN)/exsim dashboard

bench: $(STAMP)
	$(BIN)/exsim bench

# Regenerate the committed fixed-seed baseline summary (only on purpose, after a deliberate model change).
baseline: $(STAMP)
	$(BIN)/python -m tests.regenerate_baseline

clean:
	rm -rf $(VENV) results/*/ .pytest_cache
