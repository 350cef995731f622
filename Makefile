# Two commands do everything on a fresh machine:
#   make run   - install, generate the default shop data, load it, dbt build, docs, dashboard, summary
#                (make run INPUT=path/to/folder TIMEZONE=... CURRENCY=...: the same on your own data)
#   make test  - linters, project checks, pytest, and a full dbt build on a small data set
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_SYS ?= python3
VENV       := .venv
PY         := $(VENV)/bin/python
DBT        := $(VENV)/bin/dbt
# dbt with the heap its parse leaves frozen before the command runs: make test's builds (D288)
DBT_FROZEN := $(PY) -m scripts.pipeline.dbt_cli
# the pinned dependencies, then the project itself (scripts/ as the package `scripts`,
# its commands kpi-* in .venv/bin); a new lock or pyproject.toml reinstalls
STAMP      := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha1sum | cut -c1-12)
BIN        := $(VENV)/bin
# the Spark target's extra packages (pyspark is ~450 MB): only the spark targets install them
SPARK_STAMP := $(VENV)/.spark-installed-$(shell cat requirements.lock requirements-spark.txt | sha1sum | cut -c1-12)

# dbt reads the repository's own profiles.yml; telemetry off (offline it costs ~2.5 s a call)
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_PROJECT_DIR  := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := False
export PYTHONDONTWRITEBYTECODE := 1

# the main job's data and warehouse
SCALE          ?= 1
SEED           ?= 42
DATA_DIR       ?= data/generated
WAREHOUSE_PATH ?= warehouse/ecommerce.duckdb
# your own data (make run INPUT=...): the folder of raw files, only ever read; empty = the demo.
# TIMEZONE: zone of timestamps without an offset and the reporting zone; CURRENCY: reporting
# currency; HISTORY_COMPLETE=true: the export holds the shop's whole history; VARS: further dbt
# vars as a YAML mapping, e.g. VARS='{churn_days: 120}'. Empty = the project's defaults.
INPUT            ?=
TIMEZONE         ?=
CURRENCY         ?=
HISTORY_COMPLETE ?=
VARS             ?=
# EARLIEST_DATE: rows dated before it are rejected as implausible (default 2000-01-01)
EARLIEST_DATE    ?=
# INCREMENTAL=true (with INPUT): a daily load; build on a copy of the published warehouse
INCREMENTAL      ?=
# header-only CSV files, one per raw contract table (make contract-templates)
CONTRACT_TEMPLATES ?= data/contract-templates
# make test's own small data set and warehouse, so it never touches the main one
TEST_SCALE     ?= 0.05
TEST_DATA_DIR  ?= data/test
TEST_WAREHOUSE ?= warehouse/test.duckdb
# pytest workers in make test (pytest-xdist, --dist loadfile: a test file's tests
# stay on one worker, so its module fixtures are built once)
PYTEST_WORKERS ?= 2
# the KPI dashboard and the screenshots its browser test saves (CI artifacts)
DASHBOARD_OUT         ?= dashboard/index.html
DASHBOARD_SCREENSHOTS ?= artifacts/dashboard
MF             := $(VENV)/bin/mf
# an older DuckDB, as BI tools bundle it, in a venv of its own: tests/test_readers.py
# opens the test warehouse with it (the published file must stay readable by DuckDB 1.1+)
COMPAT_VENV    := .venv-duckdb-compat
DUCKDB_COMPAT_VERSION := 1.1.3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# a make value as one single-quoted shell word
shell_quote = '$(subst ','\'',$(1))'

.PHONY: help install run test compat-duckdb lint lint-python lint-sql check pytest dbt-test docs docs-serve sources contract-doc contract-templates kpi-layers dashboard browser semantic clean lock bench postgres-server test-engines java spark-install test-spark

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON_SYS) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check \
		--only-binary dbt-core-experimental-parser -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)  ## create .venv, install the pinned dependencies and the project (commands kpi-*)

run: $(STAMP)  ## the main job: generate (or INPUT=folder), load, dbt build, docs, dashboard, publish, summary
	$(BIN)/kpi-pipeline --warehouse $(call shell_quote,$(WAREHOUSE_PATH)) \
		--dashboard-out $(call shell_quote,$(DASHBOARD_OUT)) \
		$(if $(INPUT),--input $(call shell_quote,$(INPUT)),--data-dir $(DATA_DIR) --scale $(SCALE) --seed $(SEED)) \
		$(if $(TIMEZONE),--timezone $(call shell_quote,$(TIMEZONE))) \
		$(if $(CURRENCY),--currency $(call shell_quote,$(CURRENCY))) \
		$(if $(HISTORY_COMPLETE),--history-complete $(call shell_quote,$(HISTORY_COMPLETE))) \
		$(if $(VARS),--vars $(call shell_quote,$(VARS))) \
		$(if $(EARLIEST_DATE),--earliest-date $(call shell_quote,$(EARLIEST_DATE))) \
		$(if $(filter true 1 yes,$(INCREMENTAL)),--incremental)

test: $(STAMP) browser compat-duckdb lint check dbt-test semantic  ## every check: linters, project checks, dbt build, semantic layer, pytest (with the dashboard in headless Chromium)
	TEST_WAREHOUSE=$(TEST_WAREHOUSE) TEST_DATA_DIR=$(TEST_DATA_DIR) \
		DASHBOARD_SCREENSHOTS=$(DASHBOARD_SCREENSHOTS) SEMANTIC_MANIFEST_CURRENT=1 \
		$(PY) -m pytest -q --durations=25 -n $(PYTEST_WORKERS) --dist loadfile tests
	@echo "make test: all checks passed"

lint: lint-python lint-sql  ## ruff and sqlfluff

lint-python: $(STAMP)
	$(VENV)/bin/ruff check scripts tests
	$(VENV)/bin/ruff format --check scripts tests

# sqlfluff lints what a file renders to, and a macro file renders to nothing: linting macros/
# checked nothing. Every linted file loads macros/, so a Jinja error there still fails the
# lint (D282). scripts/checks/lint_sql.py is sqlfluff with Jinja's compiled templates cached
# (each file loads all of macros/ again), the same lint in about half the time (D284).
lint-sql: $(STAMP)
	$(PY) -m scripts.checks.lint_sql lint models data-tests analyses --processes 2

# dbt-bouncer checks the manifest against the house rules in dbt-bouncer.yml; it needs
# duckdb<2 (the main venv pins 2.0), so it has a venv of its own, pinned by requirements-bouncer.txt
BOUNCER_VENV  := .venv-bouncer
BOUNCER_STAMP := $(BOUNCER_VENV)/.installed-$(shell sha1sum requirements-bouncer.txt | cut -c1-12)

$(BOUNCER_STAMP): requirements-bouncer.txt
	test -x $(BOUNCER_VENV)/bin/python || $(PYTHON_SYS) -m venv $(BOUNCER_VENV)
	echo '*' > $(BOUNCER_VENV)/.gitignore
	$(BOUNCER_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-bouncer.txt
	rm -f $(BOUNCER_VENV)/.installed-* && touch $@

check: $(STAMP) $(BOUNCER_STAMP)  ## the house rules (dbt-bouncer.yml, then scripts/check_project.py) and source/contract/contract-doc sync
	$(PY) scripts/render_sources.py --check
	$(PY) scripts/render_contract_doc.py --check
	$(PY) scripts/render_kpi_layers.py --check
	$(PY) -m scripts.render_kpi_docs --check
	$(DBT) parse --quiet
	# wide enough that its table of failed checks shows each message
	COLUMNS=200 $(BOUNCER_VENV)/bin/dbt-bouncer run --config-file dbt-bouncer.yml
	$(PY) -m scripts.check_project --manifest target/manifest.json

pytest: $(STAMP) browser  ## the Python tests alone (builds its own small warehouse for the end-to-end ones)
	$(PY) -m pytest -q tests

dbt-test: $(STAMP)  ## full dbt build (models, data tests, unit tests) on a small generated data set
	rm -rf $(TEST_DATA_DIR) $(TEST_WAREHOUSE)
	$(BIN)/kpi-generate --out $(TEST_DATA_DIR) --scale $(TEST_SCALE) --seed $(SEED)
	$(BIN)/kpi-load --input $(TEST_DATA_DIR) --database $(TEST_WAREHOUSE)
	# the generated shop holds its whole order history (its truths count every first order)
	WAREHOUSE_PATH=$(TEST_WAREHOUSE) $(DBT_FROZEN) build --fail-fast --vars "{history_complete: true}"

docs: $(STAMP)  ## dbt docs for the main warehouse: site (target/index.html) and one file (target/static_index.html)
	WAREHOUSE_PATH=$(WAREHOUSE_PATH) $(DBT) docs generate --static

lock:  ## re-resolve requirements.in into requirements.lock (needs the network)
	rm -rf /tmp/ecommerce-kpi-lock && $(PYTHON_SYS) -m venv /tmp/ecommerce-kpi-lock
	/tmp/ecommerce-kpi-lock/bin/pip install --quiet --only-binary dbt-core-experimental-parser -r requirements.in
	{ echo "# Full lock of the resolved dependency set (pip freeze). Install with:"; \
	  echo "#   pip install --only-binary dbt-core-experimental-parser -r requirements.lock"; \
	  /tmp/ecommerce-kpi-lock/bin/pip freeze; } > requirements.lock

clean:  ## remove generated data, warehouses and dbt artifacts (keeps .venv)
	rm -rf data warehouse target logs dbt_packages .pytest_cache dashboard artifacts

sources: $(STAMP)  ## re-render the dbt sources YAML from scripts/raw_contract.py
	$(BIN)/kpi-render-sources

contract-doc: $(STAMP)  ## re-render the contract page docs/raw_contract.md from scripts/raw_contract.py
	$(BIN)/kpi-render-contract-doc

contract-templates: $(STAMP)  ## write header-only CSV files, one per contract table, into CONTRACT_TEMPLATES (data/contract-templates)
	$(BIN)/kpi-render-contract-doc --templates $(call shell_quote,$(CONTRACT_TEMPLATES))

kpi-layers: $(STAMP)  ## re-render the wide KPI layer tables from seeds/kpi_definitions.csv
	$(BIN)/kpi-render-kpi-layers

dashboard: $(STAMP)  ## build the KPI dashboard (dashboard/index.html) from the main warehouse
	$(BIN)/kpi-dashboard --warehouse $(WAREHOUSE_PATH) --out $(DASHBOARD_OUT)

compat-duckdb: $(COMPAT_VENV)/.duckdb-$(DUCKDB_COMPAT_VERSION)  ## DuckDB 1.1 in its own venv, for the BI-reader compatibility test

$(COMPAT_VENV)/.duckdb-$(DUCKDB_COMPAT_VERSION):
	test -x $(COMPAT_VENV)/bin/python || $(PYTHON_SYS) -m venv $(COMPAT_VENV)
	$(COMPAT_VENV)/bin/python -m pip install --quiet --disable-pip-version-check duckdb==$(DUCKDB_COMPAT_VERSION)
	rm -f $(COMPAT_VENV)/.duckdb-* && touch $@

browser:  ## install headless Chromium and chromedriver (Debian packages) for the dashboard test
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		{ $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; }

semantic: $(STAMP)  ## validate the MetricFlow semantic layer against the test warehouse (after dbt-test)
	# the read-only `bi` target attaches the file under the fixed name `ecommerce`,
	# so the semantic manifest works against any warehouse file, and open readers do not block mf
	DBT_TARGET=bi WAREHOUSE_PATH=$(TEST_WAREHOUSE) $(DBT) parse --quiet
	DBT_TARGET=bi WAREHOUSE_PATH=$(TEST_WAREHOUSE) $(MF) validate-configs

docs-serve: $(STAMP)  ## serve the dbt docs site on http://localhost:8080
	WAREHOUSE_PATH=$(WAREHOUSE_PATH) $(DBT) docs serve --port 8080 --no-browser

BENCH_SCALES ?= 1,3,10

bench: $(STAMP)  ## benchmark at BENCH_SCALES (default 1,3,10): generate, load, dbt build, DuckDB floor -> benchmarks/results.{md,json}
	$(BIN)/kpi-bench --scales $(BENCH_SCALES) --seed $(SEED) --out benchmarks/results

.PHONY: test-incremental
test-incremental: $(STAMP)  ## incremental models equal a full refresh after three daily deliveries with late and changed rows
	$(PY) -m pytest -q tests/test_incremental.py

# --- engine parity (issue 7): PostgreSQL 15 from Debian, a throwaway cluster on
# port 54329 (scripts/pg_local.sh), started here and always stopped afterwards
PG_BIN ?= /usr/lib/postgresql/15/bin

postgres-server:  ## install PostgreSQL 15 (Debian package) for the postgres target, if missing
	@test -x $(PG_BIN)/initdb || { $(SUDO) apt-get update -qq && \
		$(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15; }

test-engines: $(STAMP) postgres-server  ## engine parity: the small data set built on DuckDB and PostgreSQL, KPI marts compared
	scripts/pg_local.sh start
	ENGINES=postgres $(PY) -m pytest -q tests/test_engines.py; status=$$?; \
		scripts/pg_local.sh stop; exit $$status

# --- Spark (issue 7): dbt-spark's session method runs a local Spark (pyspark,
# Java 17) inside the dbt process; tables and the Derby metastore live under
# SPARK_WAREHOUSE_DIR (default warehouse/spark)
java:  ## install a Java 17 runtime (Debian package) for Spark, if there is no java
	@command -v java >/dev/null || { $(SUDO) apt-get update -qq && \
		$(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless; }

$(SPARK_STAMP): $(STAMP) requirements-spark.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-spark.txt
	rm -f $(VENV)/.spark-installed-* && touch $@

spark-install: $(SPARK_STAMP) java  ## install dbt-spark and pyspark (requirements-spark.txt) and Java 17 for the spark target

test-spark: $(SPARK_STAMP) java  ## Spark parity: the small data set built on DuckDB and on local Spark, KPI marts compared
	ENGINES=spark $(PY) -m pytest -q tests/test_engines.py
