# Deploying Deep Learning: the two commands (see README.md).
#   make lab   - create .venv if needed, install the course, open JupyterLab on the welcome notebook
#   make test  - create .venv if needed, install with the test extra, run every test stage
#   make lab PYTHON=python3.11 - make .venv with that Python (python3 may be older than 3.11)
#   make doctor, make progress, make demo - the deploydl commands, run from .venv
#   make wheelhouse       - the offline room kit: every wheel `make lab` needs, in wheelhouse/,
#                           with THIRD_PARTY_LICENSES.md (each wheel's licence)
#   make lab OFFLINE=1    - install from wheelhouse/ only (no index, no network)
#   make kit-check        - seconds: does wheelhouse/ hold every wheel, each with its licence?
#                           (pip resolves, installs nothing)
#   make test-kit         - minutes: install the course from wheelhouse/ alone, run the doctor
#   make test-room        - minutes: every lesson runs in JupyterLab in Chromium, widgets render
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
WHEELHOUSE ?= wheelhouse
PIP_FROM := $(if $(OFFLINE),--no-index --find-links $(WHEELHOUSE))
# Linux: PyPI's default torch is a CUDA build of about 2.6 GB with its libraries; PyTorch's
# own index has the CPU build (about 190 MB), which pip prefers for the same version (2.13.0+cpu
# sorts after 2.13.0). `make lab TORCH_INDEX=` turns it off (a machine with a GPU). Windows
# and macOS wheels on PyPI are CPU-only already.
TORCH_INDEX ?= $(if $(filter Linux,$(shell uname -s 2>/dev/null)),https://download.pytorch.org/whl/cpu)
PIP_TORCH := $(if $(OFFLINE),,$(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX)))
NBVAL := --nbval-sanitize-with nbval_sanitize.cfg --nbval-cell-timeout 120 -p no:randomly
# Two workers on a 2-core machine. Labs: loadscope keeps each notebook's cells on one worker.
# Unit tests: spread one by one, so a slow module (the browser lessons) runs on both. The strict
# notebooks run one at a time, as a learner runs them: their time budgets (DESIGN.md) are for
# one notebook on a 2-core CPU, and two side by side would each get one core.
XDIST := -n 2 --dist loadscope
XDIST_UNIT := -n 2 --dist load
# Torch, oneDNN and MKL kernels without AVX2/AVX-512: the sums run in another order, as on a
# learner's laptop with other vector units. Stored outputs must survive it (DESIGN.md).
PERTURBED_CPU := ATEN_CPU_CAPABILITY=default MKL_ENABLE_INSTRUCTIONS=SSE4_2 DNNL_MAX_CPU_ISA=SSE41
# Every stage runs even when an earlier one fails; `make test` then names the failures.
STAGES := lint types unit notebooks labs portability

# The room check, before a workshop (README's testing section): `make test` leaves it out.
ROOM_CHECKS := -m "not room"

.PHONY: lab test $(addprefix test-,$(STAGES)) refresh labs lint clean wheelhouse kit-check \
	test-room test-kit

# Offline, the kit's torch wheel fixes the Python too (its cpXYZ tag): a venv of another
# version could not be filled from wheelhouse/.
KIT_TORCH := $(if $(OFFLINE),$(notdir $(wildcard $(WHEELHOUSE)/torch-*.whl)))
KIT_PYTHONS := $(sort $(foreach w,$(KIT_TORCH),$(word 3,$(subst -, ,$(w)))))
# The Python to name in a message: the kit's, offline with a kit; else 3.11, the oldest the
# course runs on. KIT_VERSIONS reads "3.11" (or "3.11 or 3.12" for a kit of two Pythons).
NEEDED := python$(if $(KIT_PYTHONS),$(subst cp3,3.,$(firstword $(KIT_PYTHONS))),3.11)
KIT_VERSIONS := $(subst $() , or ,$(strip $(subst cp3,3.,$(KIT_PYTHONS))))
# The command to run again, with the goal run and OFFLINE=1 if set.
AGAIN = make $(or $(filter-out $(BIN)/python,$(firstword $(MAKECMDGOALS))),lab) \
	PYTHON=$(NEEDED)$(if $(OFFLINE), OFFLINE=1)

# The venv keeps the Python it was made with, so check the version first: python3 is 3.10 on
# Ubuntu 22.04 and 3.9 on an older Mac.
$(BIN)/python:
	@found=$$($(PYTHON) -c 'import platform; print("Python", platform.python_version())' \
	  2>/dev/null) || found="not found"; \
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "make: $(PYTHON) is $$found. The course needs Python 3.11 or newer: install it," \
	    "then run \`$(AGAIN)\`"; exit 1; }; \
	tag=$$($(PYTHON) -c 'import sys; print("cp%d%d" % sys.version_info[:2])'); \
	[ -z "$(KIT_PYTHONS)" ] || case " $(KIT_PYTHONS) " in *" $$tag "*) ;; *) \
	  echo "make: $(PYTHON) is $$found, but the kit in $(WHEELHOUSE)/ holds torch for" \
	    "Python $(KIT_VERSIONS) only: install that Python, then run \`$(AGAIN)\`"; \
	  exit 1 ;; esac
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet $(PIP_FROM) --upgrade pip

# Every kernel of .venv prints a tip under a NameError (the cells above have not run, as after a
# restart): an IPython configuration file in .venv/etc/ipython (deploydl/course/name_error_tip.py;
# standard library only, so it runs from src/ before the course is installed). Both installs
# make it, and make it again when that module changes.
KERNEL_TIP := $(VENV)/etc/ipython/ipython_kernel_config.py
$(KERNEL_TIP): src/deploydl/course/name_error_tip.py | $(BIN)/python
	PYTHONPATH=src $(BIN)/python -m deploydl.course.name_error_tip install

# Reinstall only when pyproject.toml changes; a second run skips straight to the work.
$(VENV)/.installed-lab: pyproject.toml | $(BIN)/python $(KERNEL_TIP)
	$(BIN)/python -m pip install --quiet $(PIP_FROM) $(PIP_TORCH) -e .
	touch $@

# pip byte-compiles every package here: on purpose, though it is a third of torch's install
# time. Where PYTHONDONTWRITEBYTECODE is set (as in CI here), nothing compiled at import time is
# kept, so a venv installed with --no-compile compiles torch again in every kernel and worker
# (measured: the strict notebooks took 205 s instead of 93 s).
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python $(KERNEL_TIP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-lab

# checkov (the deployment files' audit) pins old versions of common libraries, so it gets a
# venv of its own inside .venv; the unit tests find it through DEPLOYDL_CHECKOV.
CHECKOV := $(VENV)/checkov/bin/checkov
$(CHECKOV): pyproject.toml | $(BIN)/python
	$(PYTHON) -m venv $(VENV)/checkov
	$(VENV)/checkov/bin/python -m pip install --quiet 'checkov>=3.3,<4'
	touch $@

# The server's root is the repository, so notebooks/, labs/ and solutions/ are all reachable;
# jupyter-config/ turns the news pop-up off; as root (containers, Codespaces) --allow-root is
# added; JUPYTER_ARGS passes anything else, e.g. make lab JUPYTER_ARGS="--no-browser --port 8899".
JUPYTER_ARGS ?=
LAB_AS_ROOT := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root)
lab: $(VENV)/.installed-lab
	JUPYTER_CONFIG_PATH="$(CURDIR)/jupyter-config$(if $(JUPYTER_CONFIG_PATH),:$(JUPYTER_CONFIG_PATH))" \
	  $(BIN)/jupyter lab --ServerApp.root_dir=. $(LAB_AS_ROOT) $(JUPYTER_ARGS) notebooks/00_welcome.ipynb

# The command line without activating .venv (the terminal running `make lab` is busy).
.PHONY: doctor progress demo
doctor: $(VENV)/.installed-lab
	$(BIN)/deploydl doctor

demo: $(VENV)/.installed-lab
	$(BIN)/deploydl demo

progress: $(VENV)/.installed-lab
	$(BIN)/deploydl progress

# The two installs run side by side (pip mostly waits on disk); each stage says how long it took,
# and, before it starts, the load average and any process that has used 10% of a core or more
# since it started (the notebook budgets are timed: a CI log then shows what else was running).
# Without /proc and GNU ps (macOS), uptime gives the load and BSD ps -r sorts by recent CPU use.
test: | $(BIN)/python
	@$(MAKE) --no-print-directory -j2 $(VENV)/.installed-test $(CHECKOV)
	@failed=""; times=""; \
	for stage in $(STAGES); do \
	  echo "==== make test: $$stage (load average $$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || \
	    uptime | sed 's/.*load averages*: *//')) ===="; \
	  { ps -eo pcpu=,etime=,args= --sort=-pcpu 2>/dev/null || ps -eo pcpu=,etime=,args= -r 2>/dev/null; } | \
	    awk '$$1 >= 10 {print "  busy before it:", substr($$0, 1, 120)}'; \
	  start=$$(date +%s); \
	  $(MAKE) --no-print-directory test-$$stage || failed="$$failed $$stage"; \
	  times="$$times $$stage $$(( $$(date +%s) - start ))s"; \
	done; \
	echo "==== make test: seconds per stage:$$times ===="; \
	if [ -n "$$failed" ]; then \
	  echo "==== make test: FAILED:$$failed (of: $(STAGES)) ===="; exit 1; \
	fi; \
	echo "==== make test: every stage passed ($(STAGES)) ===="

lint: test-lint
test-lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks conftest.py notebooks solutions labs

# mypy over src/deploydl; its settings are in pyproject.toml ([tool.mypy]).
test-types: $(VENV)/.installed-test
	$(BIN)/mypy

test-unit: $(VENV)/.installed-test $(CHECKOV)
	DEPLOYDL_CHECKOV=$(CHECKOV) $(BIN)/python -m pytest -q $(XDIST_UNIT) --durations=15 \
	  $(ROOM_CHECKS) tests

# Before a workshop: the nine lessons run in JupyterLab in Chromium and every widget renders
# (make test renders the widget gallery instead: every lesson widget, on small data). Without
# Chromium the tests fail here (DEPLOYDL_REQUIRE_BROWSER, tests/browser.py), not skip: nine
# skips would exit 0 and look like a pass.
test-room: $(VENV)/.installed-test
	DEPLOYDL_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -q $(XDIST_UNIT) --durations=10 -m room \
	  tests/course/test_browser_jupyterlab.py

# Before a workshop, after `make wheelhouse`: the course installs from $(WHEELHOUSE) alone (a
# fresh venv, no index) and `deploydl doctor` passes in it; kit-check's tests run on it too.
test-kit: $(VENV)/.installed-test
	DEPLOYDL_KIT_WHEELHOUSE=$(abspath $(WHEELHOUSE)) $(BIN)/python -m pytest -q --durations=5 \
	  tests/course/test_offline_kit.py

# Strict: every stored output of the lessons and solved labs must reproduce.
test-notebooks: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q -p no:xdist --nbval $(NBVAL) notebooks solutions

# Labs run unfilled, top to bottom, without an error.
test-labs: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q $(XDIST) --nbval-lax $(NBVAL) labs

# The strict notebooks again on perturbed CPU kernels: outputs must not depend on the CPU.
test-portability: $(VENV)/.installed-test
	$(PERTURBED_CPU) $(MAKE) --no-print-directory test-notebooks

# The one command that refreshes committed outputs, then regenerates labs/.
refresh: $(VENV)/.installed-test
	$(BIN)/deploydl refresh
	$(BIN)/deploydl labs build

labs: $(VENV)/.installed-test
	$(BIN)/deploydl labs build

# pip, the build tools and every wheel of the course and its dependencies, for this platform.
# Wheels already in $(WHEELHOUSE) are reused, so a second run only rebuilds the course's own.
# Then THIRD_PARTY_LICENSES.md: every wheel's licence, and the text a wheel ships none of
# (deploydl/course/wheelhouse.py; standard library only, so it runs from src/ in any venv).
LICENCES := PYTHONPATH=src $(BIN)/python -m deploydl.course.wheelhouse
wheelhouse: | $(BIN)/python
	$(BIN)/python -m pip wheel --quiet --find-links $(WHEELHOUSE) --wheel-dir $(WHEELHOUSE) \
	  pip 'setuptools>=77' wheel .
	$(LICENCES) write $(WHEELHOUSE)

# Before travelling to a room: every wheel `make lab OFFLINE=1` needs is in $(WHEELHOUSE),
# for this platform, the build backend included. pip resolves from it alone and installs nothing.
# And every wheel ships its licence or has a row in the wheelhouse's THIRD_PARTY_LICENSES.md.
kit-check: | $(BIN)/python
	@$(BIN)/python -m pip install --dry-run --quiet --no-index --find-links $(WHEELHOUSE) \
	  --ignore-installed -e . || { echo "kit-check: $(WHEELHOUSE) lacks a wheel named above:" \
	  "run make wheelhouse WHEELHOUSE=$(WHEELHOUSE) on a connected machine of this platform"; \
	  exit 1; }
	@$(LICENCES) check $(WHEELHOUSE)
	@echo "kit-check: $(WHEELHOUSE) holds every wheel this course needs on this platform," \
	  "each with its licence"

clean:
	rm -rf $(VENV) slides/_build test-artifacts .mypy_cache
