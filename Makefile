# Two entry points for a fresh checkout: `make serve` and `make test`. Both bootstrap .venv.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: serve test install bench clean

$(BIN)/pyhexo: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,browser,csl]'
	touch $@

install: $(BIN)/pyhexo

serve: install
	$(BIN)/pyhexo server

test: install
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/bench_build.py --n 1000

clean:
	$(BIN)/pyhexo clean
