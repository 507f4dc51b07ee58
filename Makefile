# The two commands of the README:
#   make run   - set up .venv, create the database, load the demo portfolio, print the ageing
#                report, plan today's work and show it by channel with the top suppressions,
#                send the day's e-mails, texts and letters to local sinks (var/sandbox,
#                var/letters), export the dialler list, run the daily resolution batch
#                (interest, promises, plans) and print a debtor portal link with the demo's
#                answers (open it after `.venv/bin/arrears serve --sandbox`)
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
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/arrears db upgrade
	$(BIN)/arrears demo
	$(BIN)/arrears plan --call-capacity 1500
	$(BIN)/arrears send --sandbox --day $$(date -u +%F) --channel sms --channel email
	$(BIN)/arrears send --sandbox --day $$(date -u +%F) --channel letter --batch-size 100 --limit $(DEMO_LETTERS)
	$(BIN)/arrears letters batch
	$(BIN)/arrears dialler export --out var/dialler/calls-$$(date -u +%F).csv
	$(BIN)/arrears daily
	$(BIN)/arrears portal demo-link

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
