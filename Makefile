# Set-up and the two everyday commands (see README):
#   make demo   create .venv if missing, install xxgk, extract the bundled example reports and print their tables
#   make test   create .venv if missing, install xxgk, run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.xxgk-installed
FONT   := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc

.PHONY: demo test install fonts bench default-model clean

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

# The shipped default model's recipe (models/default/README.md): the corpus, a 3 x 128 model from
# scratch, its layers 0 and 2 fine-tuned, then fine-tuned twice more; models/default is the last
# run's model-last.  112 minutes of training on 2 cores (training/recipes/README.md).
# make default-model CORPUS=corpus RUN=runs/default
CORPUS ?= corpus
RUN    ?= runs/default
default-model: $(STAMP)
	test -d $(CORPUS) || $(BIN)/xxgk data synth --n 20000 --seed 1 --out $(CORPUS)
	$(BIN)/xxgk train --data $(CORPUS) --out $(RUN)/teacher --config training/recipes/1-teacher.json
	$(BIN)/xxgk train --data $(CORPUS) --out $(RUN)/cut --init-from $(RUN)/teacher/model-best \
	  --config training/recipes/2-cut.json
	$(BIN)/xxgk train --data $(CORPUS) --out $(RUN)/student --init-from $(RUN)/cut/model-best \
	  --config training/recipes/3-student.json
	$(BIN)/xxgk train --data $(CORPUS) --out $(RUN)/polish --init-from $(RUN)/student/model-last \
	  --config training/recipes/4-polish.json

clean:
	rm -rf out build *.egg-info
