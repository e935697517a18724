# Inter-city cooperation compendium. `make` (or `make help`) lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

# Use the active conda environment when there is one (not `base`); else a local .venv.
ifneq ($(and $(CONDA_PREFIX),$(filter-out base,$(CONDA_DEFAULT_ENV))),)
  ENV_DIR := $(CONDA_PREFIX)
  PY := $(CONDA_PREFIX)/bin/python
  MAKE_ENV := true
else
  ENV_DIR := .venv
  PY := .venv/bin/python
  MAKE_ENV := $(or $(PYTHON),python3) -m venv .venv
endif
STAMP := $(ENV_DIR)/.analysis-setup-stamp
# Written by every attempt to get the external data, whatever came of it (`make external` tries again)
EXTERNAL_TRIED := data/external/status.json
# Extra arguments for `python -m analysis run`, e.g. make all ARGS="--set year_effects=true"
ARGS ?=

.PHONY: help setup all test validate report bench clean lock lab external

help: ## Show this list
	@echo "Usage: make <target>   (the environment is created on first use)"
	@grep -hE '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@echo "Setting up the environment in $(ENV_DIR) from requirements.lock ..."
	$(MAKE_ENV)
	$(PY) -m pip install --quiet --upgrade pip
	@# --no-deps: the lock holds every package, less the two it leaves out on purpose (scripts/lock.py)
	$(PY) -m pip install --quiet --no-deps -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

setup: $(STAMP) ## Create or update the environment (.venv, or the active conda env) from the lock

all: $(STAMP) ## Validate the raw data, run every notebook, write reports/report.html and .docx
	@# the external datasets once: a later `make all` only checks that an attempt left its status (offline,
	@# it would try the network on every run, and rewrite the status the notebooks read); `make external` again
	@[ -f $(EXTERNAL_TRIED) ] || $(PY) -m analysis external
	$(PY) -m analysis run $(ARGS)

external: $(STAMP) ## Fetch (or copy from ../shared/data) and harmonise the public datasets into data/external
	$(PY) -m analysis external

validate: $(STAMP) ## Check data/raw against the data contract and print a summary
	$(PY) -m analysis validate

report: $(STAMP) ## Rebuild only the report (reports/report.html)
	$(PY) -m analysis run --only 90_report $(ARGS)

test: $(STAMP) ## Check the import layers (lint-imports), then run every test and notebook (nbval)
	$(ENV_DIR)/bin/lint-imports --no-cache --no-logo
	@# on both cores: a test file stays on one worker (its fixtures are shared), the notebooks run under nbval
	@# on one worker, one by one in NN order as they build on each other's outputs (conftest.py)
	$(PY) -m pytest tests notebooks -n 2 --dist loadfile --nbval-lax --nbval-cell-timeout=900 --nbval-kernel-startup-timeout=180 -p no:cacheprovider

lab: $(STAMP) ## Open JupyterLab on notebooks/ in the project's environment (its python3 kernel runs them)
	$(PY) -m jupyterlab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

bench: $(STAMP) ## Scale and coverage benchmarks; results go to bench/ (commit them)
	$(PY) bench/run_bench.py
	$(PY) bench/coverage.py
	$(PY) bench/dynamic_recovery.py
	$(PY) bench/hazard_count_recovery.py
	$(PY) bench/power_calibration.py
	$(PY) bench/extraction.py
	$(PY) bench/pipeline.py

clean: ## Remove generated files (data/processed, results, reports); never data/raw
	@if [ -x "$(PY)" ]; then $(PY) -m analysis clean; else rm -rf data/processed results reports; fi

lock: $(STAMP) ## Re-resolve requirements.lock and environment.yml from pyproject.toml (needs uv)
	$(PY) scripts/lock.py
