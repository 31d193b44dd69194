# Every target creates .venv on first use, so a fresh machine needs only Python 3.11 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo review test run lint bench bench-extraction bench-startup bench-accuracy bench-stories \
	bench-polling bench-matcher crash clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	@$(BIN)/technopark-monitor demo

# The database in Datasette on 127.0.0.1 (after `make demo`: make review DB=db/demo.db).
DB ?= db/monitor.db
PORT ?= 8001
review: $(STAMP)
	@$(BIN)/technopark-monitor browse --db "$(DB)" --port $(PORT)

run: $(STAMP)
	@$(BIN)/technopark-monitor run

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/pytest -n 2 -q

bench: $(STAMP)
	$(BIN)/python -m bench

bench-extraction: $(STAMP)
	$(BIN)/python -m bench.extraction

# What grouping near-duplicate articles into stories costs per save, against the store without.
bench-stories: $(STAMP)
	$(BIN)/python -m bench.stories

# How fast `--help` and `check` answer, against `python -c pass` in the same run.
bench-startup: $(STAMP)
	$(BIN)/python -m bench.startup

# How well the shipped rules read labelled press (bench/press/ and ../shared/seeds/).
bench-accuracy: $(STAMP)
	$(BIN)/python -m bench.accuracy

# Our `poll` against `reader` on the same loopback feeds, alternating; full articles against the
# floor of fetch + feedparser + trafilatura + insert; the daemon's feed-to-webhook latency
# (QUICK=1: 2 small pairs and a short daemon run, a few minutes).
bench-polling: $(STAMP)
	$(BIN)/python -m bench.polling $(if $(QUICK),--quick)

# The matcher's cost per article, against commit 478d49d (before issue 9's speed work).
bench-matcher: $(STAMP)
	$(BIN)/python -m bench.matcher

# The crash test with many more kills than `make test` runs.
crash: $(STAMP)
	CRASH_RUNS=300 $(BIN)/pytest -q tests/test_crash.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
