
import pytest

from xxgk.data import schema
from xxgk.data.labels import Span, label2id, labels, span_tags, spans_to_tags, tags_to_spans

from .conftest import EXAMPLES, SPEC

FIELD_FILES = {"2019": "fields-2019.txt", "2021": "fields-2021.txt"}


@pytest.mark.parametrize("version", schema.TEMPLATES)
def test_field_lists_equal_the_spec(version):
    spec_file = SPEC / FIELD_FILES[version]
    if not spec_file.exists():
        pytest.skip(f"{spec_file} not present (needs ../shared/spec beside the repo)")
    assert list(schema.get_template(version).fields) == spec_file.read_text().split()


def test_field_counts_and_union():
    assert len(schema.TEMPLATE_2019.fields) == 198
    assert len(schema.TEMPLATE_2021.fields) == 200
    assert len(set(schema.all_fields())) == len(schema.all_fields())
    assert set(schema.TEMPLATE_2019.fields) | set(schema.TEMPLATE_2021.fields) == set(schema.all_fields())


def test_2021_has_no_other_services_row_and_three_other_rows():
    rows = [r.key for r in schema.TEMPLATE_2021.table("t3").rows]
    assert "other" not in rows and rows[-5:-2] == ["other.overdue_correction", "other.overdue_fee", "other.misc"]
    assert "other_services" not in [r.key for r in schema.TEMPLATE_2021.table("t2").rows]


def test_label_variants():
    normative = schema.TEMPLATE_2019.table("t2").rows[1]
    assert {"规范性文件", "行政规范性文件"} <= set(normative.texts)
    assert "因政府信息公开工作被申请行政复议和提起行政诉讼情况" in schema.SECTIONS[3].texts


@pytest.mark.parametrize("text,expected", [
    ("信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量", "2019"),
    ("信息内容\t本年制发件数\t本年废止件数\t现行有效件数", "2021"),
    ("信息内容\n本 年 制 发\n件 数\n本年废止件数", "2021"),
    ("一、总体情况 今年我局认真贯彻落实条例", None),
    # a 2019 report printing the variants 上年项目数量 and 本年处理决定数量 (the 2021 form's header of
    # that column too) twice, and 本年新制作数量 once
    ("本年新制作数量\n上年项目数量\n本年增/减\n本年处理决定数量\n上年项目数量\n本年增/减\n本年处理决定数量", "2019"),
])
def test_detect_template(text, expected):
    assert schema.detect_template(text) == expected


def test_detect_template_on_examples():
    for path in sorted((EXAMPLES / "raw").glob("*.txt")):
        assert schema.detect_template(path.read_text(encoding="utf-8")) == "2019"


def test_label_scheme_round_trip():
    assert labels()[0] == "O" and len(labels()) == 1 + 2 * len(span_tags())
    assert label2id()["B-V:t3.granted.total"] % 2 == 1
    text = "规范性文件125118"
    spans = [Span(0, 5, "R:t2.normative"), Span(5, 7, "V:t2.normative.issued"),
             Span(7, 8, "V:t2.normative.repealed"), Span(8, 11, "V:t2.normative.in_force")]
    tags = spans_to_tags(len(text), spans)
    assert tags[5:9] == ["B-V:t2.normative.issued", "I-V:t2.normative.issued", "B-V:t2.normative.repealed",
                         "B-V:t2.normative.in_force"]
    assert tags_to_spans(tags) == spans


def test_spans_to_tags_rejects_overlap_and_unknown_tags():
    with pytest.raises(ValueError, match="overlaps"):
        spans_to_tags(5, [Span(0, 3, "H1"), Span(2, 4, "H2")])
    with pytest.raises(ValueError, match="unknown span tag"):
        spans_to_tags(5, [Span(0, 3, "V:t9.nothing.here")])


def test_cross_template_targets_keep_a_cells_place():
    from xxgk.data.schema import cross_template_targets

    for version in ("2019", "2021"):
        weights: dict[str, float] = {}
        own = set(schema.get_template(version).fields)
        for g, f, w in cross_template_targets(version):
            assert g not in own and f in own
            weights[g] = weights.get(g, 0) + w
        assert all(abs(w - 1) < 1e-9 for w in weights.values())
    to_2019 = {(g, f): w for g, f, w in cross_template_targets("2019")}
    assert to_2019[("t2.regulations.in_force", "t2.regulations.total_published")] == 1  # column position
    assert to_2019[("t3.other.misc.total", "t3.other.total")] == 1  # a row only 2021 has: same column
    to_2021 = {(g, f): w for g, f, w in cross_template_targets("2021")}
    assert to_2021[("t2.licensing.change", "t2.licensing.decisions")] == 1  # the row's only cell
    assert abs(to_2021[("t3.other.total", "t3.other.misc.total")] - 1 / 3) < 1e-9
