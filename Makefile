# boligmon: the two commands are `make demo` and `make test`. Everything else is a step of them.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
ROOT := $(CURDIR)
ENV := . $(ROOT)/scripts/env.sh &&
PY ?= python3
SEED ?= 42
SCALE ?= municipality
DEMO_DATA := $(ROOT)/data/synthetic
TEST_DATA := $(ROOT)/data/synthetic-small
TEST_DB ?= boligmon_test

.PHONY: help demo demo-refresh test install venv apt key profile db-start db-stop db-status db-init \
        synthetic load build docs docs-serve lint pytest dbt-it dbt-test summary clean bench \
        refresh check-manifest test-ops report export pbids outputs report-test

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

demo: install db-init key synthetic demo-refresh outputs summary ## install, start db, generate+load the synthetic municipality, build, test, publish, docs

test: install db-start key lint check-manifest pytest dbt-it dbt-test report-test test-ops ## the whole test suite
	@echo "make test: all suites passed"

install: apt venv profile ## venv with pinned deps; Postgres+PostGIS via apt when missing

apt:
	@$(ENV) if [ "$$BOLIGMON_PG_MODE" = local ]; then bash scripts/pg.sh install; fi

venv: .venv/.installed
.venv/.installed: requirements.lock pyproject.toml
	@echo "[venv] creating .venv with pinned dependencies"
	@test -x .venv/bin/python || $(PY) -m venv .venv
	@.venv/bin/pip install -q -r requirements.lock
	@.venv/bin/pip install -q --no-deps -e .
	@touch $@

profile: .local/profiles.yml
.local/profiles.yml: profiles.example.yml
	@mkdir -p .local && cp profiles.example.yml $@ && echo "[dbt] profile: $@"

key: .local/hmac.key ## demo pseudonymisation key (git-ignored); production sets BOLIGMON_HMAC_KEY(_FILE)
.local/hmac.key:
	@mkdir -p .local && umask 077 && $(PY) -c "import secrets; print(secrets.token_hex(32))" > $@
	@echo "[key] generated demo HMAC key in $@ (keep it secret; losing it breaks pseudonym continuity)"

db-start: ## start the project-local cluster (no-op with PGHOST set)
	@$(ENV) bash scripts/pg.sh start

db-stop: ## stop the project-local cluster
	@$(ENV) bash scripts/pg.sh stop

db-status:
	@$(ENV) bash scripts/pg.sh status

db-init: db-start ## database, PostGIS, schemas and roles (idempotent)
	@$(ENV) bash scripts/pg.sh bootstrap

synthetic: venv ## generate the synthetic municipality (SCALE=small|municipality|national, SEED=42)
	@$(ENV) stamp="$$(cat loaders/synthetic/*.py | sha256sum | cut -c1-16)-$(SEED)-$(SCALE)"; \
	if [ "$$(cat $(DEMO_DATA)/.stamp 2>/dev/null)" = "$$stamp" ]; then \
	  echo "[synthetic] $(DEMO_DATA) is up to date (seed $(SEED), scale $(SCALE))"; \
	else \
	  rm -rf $(DEMO_DATA) && boligmon synth --out $(DEMO_DATA) --seed $(SEED) --scale $(SCALE) \
	  && echo "$$stamp" > $(DEMO_DATA)/.stamp; \
	fi

load: venv key ## load the synthetic inbox into raw.*
	@$(ENV) boligmon load-dir $(DEMO_DATA)/inbox

build: venv profile ## dbt deps + seed + build (models and all tests)
	@$(ENV) dbt deps --quiet && dbt build --vars '{synthetic_truth_dir: "$(DEMO_DATA)/truth"}'

docs: venv profile ## generate dbt docs (auditors) into target/
	@$(ENV) dbt docs generate --quiet && echo "[docs] target/index.html (serve: make docs-serve)"

docs-serve: ## serve the dbt docs at http://localhost:8080 (run make docs first)
	@$(ENV) dbt docs serve --port 8080

report: venv ## static HTML report (maps, time series; offline) -> out/report, read as bi_reader
	@$(ENV) boligmon report

export: venv ## GeoPackage + QGIS styles, CSV, Excel of the public marts -> out/export
	@$(ENV) boligmon export

pbids: venv ## Power BI data source file for this database -> powerbi/boligmon.pbids
	@$(ENV) boligmon pbids

outputs: report export pbids ## all public outputs; prints where they are
	@$(ENV) boligmon outputs

report-test: venv db-start ## report + export tests in headless Chromium on the dbt-test database
	@$(ENV) bash scripts/report_test.sh

demo-refresh: venv profile key
	@$(ENV) bash scripts/refresh.sh $(DEMO_DATA)/inbox

summary:
	@$(ENV) $$VENV/bin/python -m loaders.summary

lint: venv ## ruff + sqlfluff
	@$(ENV) ruff check loaders tests scripts && ruff format --check loaders tests scripts
	@$(ENV) sqlfluff lint models macros tests --processes 2 --disable-progress-bar

pytest: venv key db-start ## Python tests against the real database (throwaway databases)
	@$(ENV) bash scripts/pg.sh bootstrap && pytest -q tests/python; rc=$$?; [ $$rc -eq 0 ] || exit $$rc

dbt-it: venv db-start ## integration tests of packages_local/dbt_expectations
	@$(ENV) bash scripts/pg.sh bootstrap $(TEST_DB)-it && PGDATABASE=$(TEST_DB)-it DBT="$$VENV/bin/dbt" \
	  bash packages_local/dbt_expectations/integration_tests/run.sh

dbt-test: venv profile key db-start ## small synthetic municipality -> raw -> dbt build with all tests
	@$(ENV) bash scripts/dbt_test.sh

refresh: venv profile key db-init ## monthly refresh: new inbox files -> build+test in marts_next -> publish (INBOX=dir)
	@$(ENV) bash scripts/refresh.sh $(or $(INBOX),$(BOLIGMON_INBOX),$(DEMO_DATA)/inbox) $(REFRESH_ARGS)

check-manifest: venv profile ## project rule checks (dbt-project-evaluator rules) on the parsed manifest
	@$(ENV) dbt deps --quiet && dbt parse --quiet && python scripts/check_manifest.py target/manifest.json

test-ops: venv key db-start ## refresh/publication/manifest-check tests (throwaway database; ~8 min)
	@$(ENV) pytest -q -p no:cacheprovider tests/ops

bench: venv db-start ## benchmarks -> docs/benchmarks.md
	@$(ENV) python -m bench.run

clean: ## remove local cluster, venv, generated data and dbt artefacts
	@$(ENV) bash scripts/pg.sh destroy
	rm -rf .local .venv data target dbt_packages logs out
