# Everything a developer needs, from a fresh clone, with nothing installed by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
export DEBUG ?= 1

.PHONY: run test test-semantic lint format security demo worker bench bench-matching bench-pages bench-load soak venv clean messages

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,postgres,server]"
	@touch $(STAMP)

venv: $(STAMP)

run: venv
	$(BIN)/lodestar migrate --noinput
	$(BIN)/lodestar demo --if-empty
	$(BIN)/lodestar runserver 127.0.0.1:$(PORT)

demo: venv
	$(BIN)/lodestar migrate --noinput
	$(BIN)/lodestar demo --reset

# The task worker and the scheduler of periodic jobs, together, for development (Ctrl-C stops
# both: the scheduler runs in the background and stops with the worker). In production run them
# as two services:
# `lodestar db_worker` and `lodestar run_scheduler` (or `lodestar run_scheduler --once` from cron
# every minute).
worker: venv
	@$(BIN)/lodestar run_scheduler & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null; wait $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(BIN)/lodestar db_worker

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# One test process more than cores: many tests wait on a browser, a subprocess or a socket, and
# the spare process keeps both cores busy meanwhile (on 2 cores the suite took 9 min, not 10).
# worksteal: an idle process takes tests queued behind another's long one (a browser journey).
TEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))

test: lint
	DEBUG=0 $(BIN)/lodestar makemigrations --check --dry-run
	DEBUG=0 $(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal -q $(PYTEST_ARGS)

# Static analysis of our code (bandit, configured in pyproject.toml) and known vulnerabilities in
# the installed dependencies (pip-audit). A vulnerability fails; an unreachable advisory service
# (no network) is reported and skipped, so offline CI still runs.

security: venv
	$(BIN)/bandit -c pyproject.toml -r lodestar -q
	@report=$$(mktemp); errors=$$(mktemp); \
	$(BIN)/pip-audit --progress-spinner off --skip-editable -f json -o $$report 2>$$errors; \
	status=$$?; $(BIN)/python scripts/pip_audit_verdict.py $$report $$errors $$status; verdict=$$?; \
	rm -f $$report $$errors; exit $$verdict

# Benchmarks stop by themselves (timeouts, memory ceiling); results go to var/bench/.
# Options pass through: make bench-matching ARGS="--sizes large --solvers optimal".
bench-matching: venv
	$(BIN)/python -m bench.matching.run $(ARGS)
	$(BIN)/python -m bench.matching.choosing

# The pages that must stay fast with 5 000 participants: matching review and recommendations.
bench-pages: venv
	$(BIN)/python -m bench.platform.review_page
	$(BIN)/python -m bench.platform.recommendations_page
	$(BIN)/python -m bench.platform.dashboard

# The load test: a generated program of 10 000 participants, gunicorn, SQLite then PostgreSQL.
bench-load: venv
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python -m bench.load.run $(ARGS)

bench: venv bench-matching bench-pages bench-load

# Fault tests too slow for `make test`: kill -9 of the server mid-write and of the worker mid-task.
soak: venv
	$(BIN)/python -m bench.soak.run $(ARGS)

messages: venv
	cd lodestar && ../$(BIN)/lodestar makemessages -l fr --ignore "static/*"

# The optional `semantic` extra (sentence embeddings for text criteria) in a venv of its own:
# torch is large, so the main venv and CI go without it and test the lexical fallback. TORCH
# chooses the build, e.g. TORCH=torch==2.13.0 for a CPU wheel already on this machine's disk.
TORCH ?= torch
SEMANTIC := .venv-semantic
test-semantic:
	@test -x $(SEMANTIC)/bin/python || $(PYTHON) -m venv $(SEMANTIC)
	$(SEMANTIC)/bin/python -m pip install --quiet --upgrade pip
	$(SEMANTIC)/bin/python -m pip install --quiet "$(TORCH)"
	$(SEMANTIC)/bin/python -m pip install --quiet -e ".[dev,postgres,server,semantic]"
	$(SEMANTIC)/bin/pytest -q -p no:cacheprovider tests/matching

clean:
	rm -rf $(VENV) $(SEMANTIC) var/*.sqlite3*
