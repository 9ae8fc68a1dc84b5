"""The synthetic corpus: determinism, valid gold, aligned labels, arithmetic shares, layouts, damage."""
from __future__ import annotations

import hashlib
import json
import random
import unicodedata
from pathlib import Path

import pytest

from xxgk.data.gold import load_record, record_from_json
from xxgk.data.labels import OUTSIDE, id2label, span_tags, spans_to_tags, tags_to_spans
from xxgk.data.rules import check_narrative, check_record
from xxgk.data.synth.config import DAMAGES, DEFAULT, LAYOUTS, SynthConfig, parse_layout_weights, with_layout_weights
from xxgk.data.synth.corpus import build_corpus, sample_seed
from xxgk.data.synth.report import generate
from xxgk.data.synth.samples import write_samples

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
NO_DAMAGE = SynthConfig(damage_count_weights=(1.0,))


def _tree_hash(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def _norm(s: str) -> str:
    return "".join(unicodedata.normalize("NFKC", s).split())


def _printed_matches(text: str, gold) -> bool:
    t = _norm(text)
    if isinstance(gold, int):
        t = t.replace(",", "").lstrip("+")
        return t.lstrip("-").isdigit() and int(t) == gold
    return t == gold


def _check_sample(sample) -> None:
    """Everything a sample promises: valid gold, valid spans, every printed value labeled."""
    record = record_from_json(json.loads(json.dumps(sample.gold.to_json(), ensure_ascii=False)))
    assert record.template in ("2019", "2021") and 2019 <= record.year <= 2025 and record.agency
    tags = spans_to_tags(len(sample.text), sample.spans)  # raises on overlap / unknown tag
    assert len(tags) == len(sample.text)
    assert all(s.tag in span_tags() for s in sample.spans)
    meta = record.extra["meta"]
    assert meta["layout"] == sample.layout and meta["damage"] == sample.damage
    assert set(meta) >= {"layout", "damage", "level", "seed", "inconsistent"}
    values: dict[str, str] = {}
    for s in sample.spans:
        assert not sample.text[s.start].isspace() and not sample.text[s.end - 1].isspace(), s
        if s.tag.startswith("V:"):
            assert s.tag[2:] not in values, f"two spans for {s.tag}"
            values[s.tag[2:]] = sample.text[s.start:s.end]
    for field, gold in record.cells.items():
        if gold is None:
            assert field not in values, f"blank cell {field} has characters {values.get(field)!r}"
        elif field in meta["missed"]:
            assert field not in values
        else:
            assert field in values, f"{sample.layout}: no span for {field} = {gold!r}"
            if field not in meta["altered"]:
                assert _printed_matches(values[field], gold), (sample.layout, field, values[field], gold)
    for number, offset in record.sections.items():
        assert next(s.start for s in sample.spans if s.tag == f"H{number}") == offset
    assert sum(s.tag == "YEAR" for s in sample.spans) == 1
    assert sum(s.tag == "AGENCY" for s in sample.spans) == 1
    assert bool(check_record(record)) == meta["inconsistent"]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_gives_valid_samples(layout):
    for k in range(4):
        _check_sample(generate(sample_seed(11, k), layout=layout, template=("2019", "2021")[k % 2]))


def test_random_samples_with_damage_are_valid():
    seen_damage = set()
    for seed in range(60):
        sample = generate(seed)
        _check_sample(sample)
        seen_damage.update(sample.damage)
    assert len(seen_damage) >= 6


@pytest.mark.parametrize("kind", DAMAGES)
def test_each_damage_keeps_labels_aligned(kind):
    config = SynthConfig(damage_count_weights=(0.0, 1.0), damage_weights={kind: 1.0}, damage_excluded={})
    applied = 0
    for seed in range(12):
        sample = generate(seed, layout=("word_tab", "pdf_rows", "crawler_line")[seed % 3], config=config)
        _check_sample(sample)
        applied += sample.damage == [kind]
    assert applied >= 6, f"{kind} rarely changes anything"


def test_ocr_damage_keeps_gold_and_tags_damaged_characters():
    config = SynthConfig(damage_count_weights=(0.0, 1.0), damage_weights={"ocr_digits": 1.0})
    altered = 0
    for seed in range(20):
        sample = generate(seed, layout="word_tab", config=config)
        clean = generate(seed, layout="word_tab", config=NO_DAMAGE)
        assert sample.gold.cells == clean.gold.cells  # OCR misreads the text, not the report
        for field in sample.gold.extra["meta"]["altered"]:
            span = next(s for s in sample.spans if s.tag == f"V:{field}")
            assert not _printed_matches(sample.text[span.start:span.end], sample.gold.cells[field])
            altered += 1
    assert altered > 0


def test_missed_cell_leaves_gold_value_without_characters():
    config = SynthConfig(damage_count_weights=(0.0, 1.0), damage_weights={"missed_cell": 1.0})
    missed = 0
    for seed in range(10):
        sample = generate(seed, config=config)
        for field in sample.gold.extra["meta"]["missed"]:
            assert sample.gold.cells[field] is not None
            assert not any(s.tag == f"V:{field}" for s in sample.spans)
            missed += 1
    assert missed > 0


def test_generate_is_deterministic_and_fixing_layout_or_template_changes_nothing_else():
    a = generate(5)
    b = generate(5, layout=a.layout, template=a.gold.template)
    assert (a.text, a.spans, a.gold.to_json()) == (b.text, b.spans, b.gold.to_json())
    assert generate(6).text != a.text
    with pytest.raises(ValueError, match="unknown layout"):
        generate(1, layout="fax")


def test_inconsistency_share_and_narrative_agree_with_table():
    flawed = 0
    for seed in range(200):
        sample = generate(seed, config=NO_DAMAGE)
        record = sample.gold
        flawed += record.extra["meta"]["inconsistent"]
        if seed < 60:
            assert not check_narrative(record, sample.text), seed  # 收到申请N件 … quote the table
    assert 0.05 <= flawed / 200 <= 0.16, flawed
    none = SynthConfig(inconsistent_share=0.0, damage_count_weights=(1.0,))
    assert not any(check_record(generate(s, config=none).gold) for s in range(30))


def test_values_cover_the_real_conventions():
    """Both templates, years 2019–2025, blanks, marks, remarks, units, negatives, big counts."""
    templates, years, shapes = set(), set(), set()
    for seed in range(300):
        sample = generate(seed, config=NO_DAMAGE)
        record = sample.gold
        templates.add(record.template)
        years.add(record.year)
        for field, v in record.cells.items():
            if v is None:
                shapes.add("blank")
            elif isinstance(v, str) and v in ("/", "—", "无"):
                shapes.add("mark")
            elif isinstance(v, str) and v.endswith(("万元", "元", "万")):
                shapes.add("unit")
            elif isinstance(v, str) and "." in v and len(v.split(".")[1].rstrip("万元")) == 6:
                shapes.add("six decimals")
            elif isinstance(v, int) and v < 0:
                shapes.add("negative")
            elif isinstance(v, int) and v >= 10000:
                shapes.add("ten thousands")
        if "（其中" in sample.text or "(其中" in sample.text or "（含" in sample.text:
            shapes.add("remark")
    assert templates == {"2019", "2021"} and years == set(range(2019, 2026))
    assert shapes >= {"blank", "mark", "unit", "six decimals", "negative", "ten thousands", "remark"}, shapes


def test_build_corpus_twice_gives_identical_files(tmp_path):
    a = build_corpus(60, 3, tmp_path / "a", progress=False)
    build_corpus(60, 3, tmp_path / "b", progress=False)
    assert _tree_hash(tmp_path / "a") == _tree_hash(tmp_path / "b")
    assert set(a) == {"train", "validation", "test"}
    assert (a["train"].num_rows, a["validation"].num_rows, a["test"].num_rows) == (54, 3, 3)
    rows = [r for split in a.values() for r in split]
    assert len({r["layout"] for r in rows}) >= 8
    assert {r["template"] for r in rows} == {"2019", "2021"}
    labels = id2label()
    for row in rows[:10]:
        assert len(row["labels"]) == len(row["text"])
        tags = [labels[i] for i in row["labels"]]
        sample = generate(row["seed"], layout=row["layout"], template=row["template"])
        assert sample.text == row["text"] and tags_to_spans(tags) == sample.spans
        assert record_from_json(json.loads(row["gold"])).cells == sample.gold.cells
        assert row["damage"] == sample.damage and row["year"] == sample.gold.year
    assert any(t != OUTSIDE for t in tags)


def test_build_corpus_restricts_layouts_and_templates(tmp_path):
    dd = build_corpus(12, 1, None, layouts=["markdown", "html_table"], templates=["2021"], progress=False)
    rows = [r for split in dd.values() for r in split]
    assert {r["layout"] for r in rows} <= {"markdown", "html_table"} and {r["template"] for r in rows} == {"2021"}
    with pytest.raises(ValueError, match="unknown layout"):
        build_corpus(2, 1, None, layouts=["fax"], progress=False)


def test_layout_weights_change_shares_only():
    config = with_layout_weights(DEFAULT, parse_layout_weights(["crawler_line=100"]))
    assert config.layout_weights["crawler_line"] == 100 and config.layout_weights["markdown"] == 0.07
    assert DEFAULT.layout_weights["crawler_line"] == 0.08  # the default is not touched
    dd = build_corpus(20, 1, None, progress=False, config=config)
    layouts = [r["layout"] for split in dd.values() for r in split]
    assert layouts.count("crawler_line") >= 17
    for bad, message in ((["crawler_line"], "LAYOUT=NUMBER"), (["crawler_line=x"], "LAYOUT=NUMBER"),
                         (["fax=1"], "unknown layout"), (["crawler_line=-1"], ">= 0")):
        with pytest.raises(ValueError, match=message):
            with_layout_weights(DEFAULT, parse_layout_weights(bad))
    with pytest.raises(ValueError, match="all 0"):
        with_layout_weights(DEFAULT, {k: 0.0 for k in LAYOUTS})


def test_write_samples_small(tmp_path):
    paths = write_samples(tmp_path, per_layout=1, seed=4, layouts=("html_table", "crawler_line"))
    names = sorted(p.name for p in paths)
    assert names == ["README.md", "crawler_line_00.json", "crawler_line_00.txt",
                     "html_table_00.html", "html_table_00.json", "html_table_00.txt"]
    assert "<table" in (tmp_path / "html_table_00.html").read_text(encoding="utf-8")


def test_committed_samples_are_current_and_small():
    """data/samples is what write_samples(data/samples) writes; regenerate it after changing the generator."""
    files = sorted(SAMPLES.glob("*.txt"))
    assert sum(p.stat().st_size for p in SAMPLES.iterdir()) < 5 * 1024 * 1024
    for layout in LAYOUTS:
        assert len([p for p in files if p.stem.rsplit("_", 1)[0] == layout]) >= 8, layout
    rng = random.Random(0)
    for txt in rng.sample(files, 12):
        record = load_record(txt.with_suffix(".json"))
        meta = record.extra["meta"]
        sample = generate(meta["seed"], layout=meta["layout"], template=record.template)
        assert sample.text == txt.read_text(encoding="utf-8"), \
            f"{txt.name} is stale: run xxgk.data.synth.samples.write_samples('data/samples')"
        assert sample.gold.cells == record.cells


def test_collapse_covered_drops_only_merged_over_positions():
    """PDF/Markdown converters drop some covered positions at a row start or after a label;
    never a blank value cell, never a value, and the order stays."""
    from xxgk.data.synth.doc import Cell, Piece, collapse_covered

    label = Cell(0, 0, [Piece("一、本年新收")], colspan=3)
    blank = Cell(0, 4, [], role="value")
    value = Cell(0, 5, [Piece("7", "V:x")], role="value")
    row = [None, label, None, None, blank, value, None]
    for seed in range(50):
        out = collapse_covered(row, random.Random(seed), 1.0)
        cells = [c for c in out if c is not None]
        assert cells == [label, blank, value]
        assert out[-1] is None  # a covered position after a value is kept
        assert len(out) in (4, 5)  # the leading run (1) is dropped, the run after the label (2) shortened
    assert collapse_covered(row, random.Random(0), 0.0) == row
