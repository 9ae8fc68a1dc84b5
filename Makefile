# Set-up and the two everyday commands (see README):
#   make demo   create .venv if missing, install xxgk, extract the bundled example reports and print their tables
#   make test   create .venv if missing, install xxgk, run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.xxgk-installed
FONT   := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc

.PHONY: demo test install fonts bench clean

install: $(STAMP)

# torch first, pinned: an unpinned torch pulls several GB of CUDA packages.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check torch==2.13.0
	$(BIN)/pip install -q --disable-pip-version-check -e ".[dev]"
	@touch $(STAMP)

# A CJK font for the scanned-report tests (OCR fixtures are drawn with it).
fonts:
	@test -f $(FONT) || { (apt-get update -qq && apt-get install -y -qq fonts-wqy-microhei) >/dev/null 2>&1 \
	  || echo "note: could not install fonts-wqy-microhei; OCR tests will be skipped"; }

demo: $(STAMP)
	$(BIN)/xxgk extract data/examples/raw --out out/examples --show
	$(BIN)/xxgk eval --gold data/examples/gold --pred out/examples --out out/examples-eval

test: $(STAMP) fonts
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/xxgk bench

clean:
	rm -rf out build *.egg-info
