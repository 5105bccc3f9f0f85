# Two entry points a fresh clone needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# the default database (./agentsim.db, or AGENTSIM_DB), so `agentsim replay latest` and `agentsim view`
# afterwards find the demo's episode
demo: $(STAMP)
	$(BIN)/agentsim run chest-pain-stemi
	$(BIN)/agentsim replay latest --speed 0
	@echo "Replay it again: $(BIN)/agentsim replay latest --step · browse it: $(BIN)/agentsim view"

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy agentsim
	$(BIN)/python -m pytest -p no:cacheprovider -rs

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) demo.db
