# Each target is a whole set-up from a fresh clone: it creates .venv when missing and installs.
# What each installs: run and bench the package only; dev, test and lint the package with its
# test tools (pytest, pytest-bdd, hypothesis, playwright, ...), ruff, mypy and import-linter.
# `make help` says so.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SCENARIO ?= scenarios/quickstart.yaml
# Debian's Chromium, which the report's browser test drives through Playwright
CHROMIUM := /usr/bin/chromium

.PHONY: help dev run test features lint bench mutants clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps re-install only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

# Installed only in CI (where CI=true and the job runs as root on a fresh machine), and only when
# missing; never `playwright install`. Elsewhere the browser test is skipped, saying why.
$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
ifeq ($(CI),true)
TEST_NEEDS := $(CHROMIUM)
endif
# Each JUnit file names its own suite, so files merged in CI keep their runs apart.
JUNIT = -o junit_suite_name=$(1) --junitxml=reports/junit$(if $(2),-$(2)).xml

help:
	@echo "make run    install the package into .venv; run $(SCENARIO) into out/quickstart"
	@echo "make dev    install the package with its test tools and linters into .venv; run nothing"
	@echo "            (then .venv/bin/pytest ...)"
	@echo "make test   as dev, then the whole suite, the features again over http and through"
	@echo "            the driver protocol against the served reference engine (the browser"
	@echo "            test runs where $(CHROMIUM) exists; CI=true installs it with apt-get)"
	@echo "make features  as dev, then only the features, in process (about 20 s): reports/"
	@echo "            cucumber.json (billing-sim rules reads it) and junit-features.xml"
	@echo "make lint   as dev, then ruff check and ruff format --check, mypy and lint-imports"
	@echo "make bench  install the package; print speed and memory figures"
	@echo "make mutants as dev, then score the features, invariants and baselines against"
	@echo "            each mutant of mutants/ (about an hour; not part of test; docs/mutants.md)"
	@echo "make clean  remove .venv, reports, out and the test caches"

# Everything a developer or QA engineer needs, installed and nothing run.
dev: $(VENV)/.installed-dev

run: $(VENV)/.installed
	$(BIN)/billing-sim run $(SCENARIO) --out out/quickstart

# Every test over the default wsgi transport (JUnit XML and the features' cucumber JSON, which
# `billing-sim rules` reads), then the features once more over real sockets, and once more
# through the HTTP driver protocol against the reference engine served (docs/driver.md). Every
# run always runs; the target fails if any failed.
test: $(VENV)/.installed-dev $(TEST_NEEDS)
	mkdir -p reports
	status=0; \
	$(BIN)/python -m pytest $(call JUNIT,billing-sim) \
		--cucumberjson=reports/cucumber.json || status=$$?; \
	BILLING_SIM_TRANSPORT=http $(BIN)/python -m pytest tests/bdd -p no:cacheprovider \
		$(call JUNIT,bdd-http,http) || status=$$?; \
	$(BIN)/python -m simulator.driver.served_suite $(BIN)/python -m pytest tests/bdd \
		-p no:cacheprovider $(call JUNIT,bdd-engine-http,engine-http) || status=$$?; \
	exit $$status

# QA's loop: the feature scenarios alone, in process over wsgi, and the check that docs/steps.md
# still lists the steps they use (it names the command that writes it again). The features use
# none of the other test plugins; not loading them halves pytest's start-up.
FEATURES_NEED_NO := schemathesis hypothesispytest anyio respx faker
features: $(VENV)/.installed-dev
	mkdir -p reports
	$(BIN)/python -m pytest tests/bdd/test_features.py \
		tests/bdd/test_step_catalogue.py::test_docs_steps_md_is_the_catalogue_of_the_step_definitions \
		-p no:cacheprovider $(FEATURES_NEED_NO:%=-p no:%) \
		$(call JUNIT,features,features) --cucumberjson=reports/cucumber.json

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(VENV)/.installed
	$(BIN)/python -m simulator.bench

# Slow (each mutant runs the features twice, the scenarios and the baselines): not part of test.
mutants: $(VENV)/.installed-dev
	$(BIN)/python -m simulator.mutants

clean:
	rm -rf $(VENV) reports out .pytest_cache .hypothesis
