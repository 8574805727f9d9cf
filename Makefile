# The two commands a newcomer needs: `make run` and `make test`. Both set up .venv on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test bench clean

install: $(STAMP)

# torch first, unless one is already there (a GPU user's own CUDA build): torch==2.13.0 is a CPU
# build, so pip never pulls a multi-GB CUDA build as a side effect of the project's dependencies.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/python -m pip install -q "torch==2.13.0"
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $(STAMP)

run: install
	$(BIN)/python main.py $(ARGS)

test: install
	$(BIN)/python -m pytest $(ARGS)

bench: install
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
