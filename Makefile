# Deploying Deep Learning: the two commands (see README.md).
#   make lab   - create .venv if needed, install the course, open JupyterLab on the welcome notebook
#   make test  - create .venv if needed, install with the test extra, run every test
#   make wheelhouse       - the offline room kit: every wheel `make lab` needs, in wheelhouse/
#   make lab OFFLINE=1    - install from wheelhouse/ only (no index, no network)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
WHEELHOUSE ?= wheelhouse
PIP_FROM := $(if $(OFFLINE),--no-index --find-links $(WHEELHOUSE))
NBVAL := --nbval-sanitize-with nbval_sanitize.cfg --nbval-cell-timeout 120 -p no:randomly

.PHONY: lab test test-unit test-notebooks refresh labs lint clean wheelhouse

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet $(PIP_FROM) --upgrade pip

# Reinstall only when pyproject.toml changes; a second run skips straight to the work.
$(VENV)/.installed-lab: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet $(PIP_FROM) -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-lab

# The server's root is the repository, so notebooks/, labs/ and solutions/ are all reachable;
# jupyter-config/ turns the news pop-up off; as root (containers, Codespaces) --allow-root is
# added; JUPYTER_ARGS passes anything else, e.g. make lab JUPYTER_ARGS="--no-browser --port 8899".
JUPYTER_ARGS ?=
LAB_AS_ROOT := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root)
lab: $(VENV)/.installed-lab
	JUPYTER_CONFIG_PATH="$(CURDIR)/jupyter-config$(if $(JUPYTER_CONFIG_PATH),:$(JUPYTER_CONFIG_PATH))" \
	  $(BIN)/jupyter lab --ServerApp.root_dir=. $(LAB_AS_ROOT) $(JUPYTER_ARGS) notebooks/00_welcome.ipynb

# The command line without activating .venv (the terminal running `make lab` is busy).
.PHONY: doctor progress
doctor: $(VENV)/.installed-lab
	$(BIN)/deploydl doctor

progress: $(VENV)/.installed-lab
	$(BIN)/deploydl progress

test: $(VENV)/.installed-test lint test-unit test-notebooks

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks conftest.py

test-unit: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q tests

test-notebooks: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q --nbval $(NBVAL) notebooks solutions
	$(BIN)/python -m pytest -q --nbval-lax $(NBVAL) labs

# The one command that refreshes committed outputs, then regenerates labs/.
refresh: $(VENV)/.installed-test
	$(BIN)/deploydl refresh
	$(BIN)/deploydl labs build

labs: $(VENV)/.installed-test
	$(BIN)/deploydl labs build

# pip, the build tools and every wheel of the course and its dependencies, for this platform.
wheelhouse: | $(BIN)/python
	$(BIN)/python -m pip wheel --quiet --wheel-dir $(WHEELHOUSE) pip 'setuptools>=77' wheel .

clean:
	rm -rf $(VENV) slides/_build test-artifacts
