"""The model's view: page numbers on lines of their own are not shown to it, offsets stay the input's."""
from __future__ import annotations

import re

import numpy as np

from xxgk.data.labels import OUTSIDE
from xxgk.inference.decode import label_names
from xxgk.inference.extract import predict
from xxgk.inference.view import model_view, page_number_lines


def test_page_number_lines_are_dropped_and_nothing_else():
    text = "行政许可\n— 4 —\n0\n- 3 -\n第3页\n第 3 页 共 8 页\n 12\n－12－\n3/8\n9/8\n-3\n共8页 第3页\n5"
    view, where = model_view(text)
    assert view == "行政许可\n0\n 12\n9/8\n-3\n5"  # a bare number, no page of 8, a negative count stay
    assert view == "".join(text[i] for i in where)


def test_the_empty_line_before_goes_only_when_every_page_number_has_one():
    # a converter printing each page break as an empty line and the number
    assert model_view("a\n\n— 4 —\nb\n\n- 5 -\nc")[0] == "a\nb\nc"
    # one page number after an empty line that is a row break of the table: the empty line stays
    assert model_view("a\n\n— 4 —\nb\n- 5 -\nc")[0] == "a\n\nb\nc"
    assert model_view("a\n\n— 4 —\nb")[0] == "a\n\nb"
    assert page_number_lines("no page numbers\n12\n") == []


def test_the_model_reads_the_view_and_page_number_lines_read_as_outside():
    seen = []

    class Recorder:
        def predict_proba(self, text, regions=None):
            seen.append(text)
            probs = np.zeros((len(text), len(label_names())), dtype=np.float32)
            probs[:, label_names().index("B-V:t3.total.total")] = 1.0  # anything but O
            return probs

    text = "一、总体情况\n行政许可\n\t0\n— 2 —\n\t5\n"
    probs = predict(text, Recorder(), regions=False)
    assert seen == ["一、总体情况\n行政许可\n\t0\n\t5\n"]
    assert probs.shape == (len(text), len(label_names()))
    page = text.index("— 2 —")
    outside = label_names().index(OUTSIDE)
    assert (probs[page:page + 6, outside] == 1).all() and (probs[:page, outside] == 0).all()


def test_a_remark_after_a_count_is_not_shown_and_labels_stay():
    text = "规范性文件\t18（其中修订5件）\t2\n行政许可\t571 (含新增5件)\n（二）部分公开（区分处理的，只计这一情形）\n"
    view, where = model_view(text)
    assert view == "规范性文件\t18\t2\n行政许可\t571\n（二）部分公开（区分处理的，只计这一情形）\n"
    assert view == "".join(text[i] for i in where)


def test_the_running_head_after_page_numbers_is_not_shown():
    text = ("\t2\n\t0\n- 9 -\n某某镇政府信息公开工作年度报告\n\t0\n\t1\n- 10 -\n\f某某镇政府信息公开工作年度报告\n\t0\n"
            "总计\n- 11 -\n总计\n\t5\n")
    view, where = model_view(text)
    assert view == "\t2\n\t0\n\t0\n\t1\n\f\t0\n总计\n总计\n\t5\n"  # a table label after one page number stays
    assert view == "".join(text[i] for i in where)
    # words after a single page number may be the table's: they stay
    assert model_view("\t2\n- 9 -\n某某镇政府信息公开工作年度报告\n\t0\n")[0] == "\t2\n某某镇政府信息公开工作年度报告\n\t0\n"


def test_bare_page_numbers_under_a_running_head_are_not_shown():
    """A PDF printing its page number as a bare ``8`` on a line, the report's title under it: a bare
    number is a cell as often as not, but the same title after two of them, numbered upwards, makes
    them the page breaks; cells on their own lines around them stay."""
    head = "2020年某某厅政府信息公开工作年度报告"
    text = f"\n\n1\n\n8\n{head}\n\n2\n\n9\n\f{head}\n3\n\n4"
    view, where = model_view(text)
    assert view == "\n\n1\n\n2\n\f3\n\n4"
    assert view == "".join(text[i] for i in where)
    assert model_view(f"1\n9\n{head}\n2\n8\n{head}\n3")[0] == f"1\n9\n{head}\n2\n8\n{head}\n3"  # not upwards
    assert model_view(f"1\n8\n{head}\n2")[0] == f"1\n8\n{head}\n2"  # once: may be a cell and a label
    assert model_view("1\n8\n予以公开\n2\n9\n予以公开\n3")[0] == "1\n8\n予以公开\n2\n9\n予以公开\n3"  # short words


def test_bare_page_numbers_before_form_feeds_are_not_shown():
    """PDF text with a form feed at each page break and the page number on the line before it, among
    cells one per line (``\n3\n\f3``: page 3, then a cell 3): two or more, numbered upwards, are the
    page numbers; a number before a single form feed may be a cell."""
    text = "0\n\n3\n\f3\n\n4\n\n4\n\f\n0\n5"
    view, where = model_view(text)
    assert view == "0\n\f3\n\n4\n\f\n0\n5"  # with the empty line before each (see page_number_lines)
    assert view == "".join(text[i] for i in where)
    assert model_view("0\n3\n\f3\n1")[0] == "0\n3\n\f3\n1"  # once
    assert model_view("0\n4\n\f3\n3\n\f0")[0] == "0\n4\n\f3\n3\n\f0"  # not upwards


def test_an_indent_every_line_has_is_not_shown():
    """A Word export that starts every line with a tab: the tab rows' cells (``\t0``) then start
    with two, and the model missed most of them (the five dev reports so printed: 74.7 % of cells;
    without the common tab: 100 %).  The indent every line with words has goes; nothing goes when
    one such line starts otherwise."""
    text = "\t一、总体情况\n\t\t0\n\t\n\t\t1\n  \n\t规章"
    view, where = model_view(text)
    assert view == "一、总体情况\n\t0\n\n\t1\n\n规章"
    assert view == "".join(text[i] for i in where)
    assert model_view("一、总体情况\n\t0\n\t规章")[0] == "一、总体情况\n\t0\n\t规章"
    assert model_view("    一、总体情况\n      0\n\n    规章\n")[0] == "一、总体情况\n  0\n\n规章\n"


def test_a_thousands_comma_is_not_shown_and_reads_as_the_digit_after_it():
    text = "予以公开\t1,143\t12,34\t1，200，000\n"
    view, where = model_view(text)
    assert view == "予以公开\t1143\t12,34\t1200000\n"  # 12,34 is no thousands grouping

    class Reader:
        def predict_proba(self, text, regions=None):
            probs = np.zeros((len(text), len(label_names())), dtype=np.float32)
            probs[:, label_names().index(OUTSIDE)] = 1.0
            for m in re.finditer(r"\d+", text):  # each run of digits one value
                probs[m.start():m.end()] = 0
                probs[m.start(), label_names().index("B-V:t3.granted.total")] = 1.0
                probs[m.start() + 1:m.end(), label_names().index("I-V:t3.granted.total")] = 1.0
            return probs

    probs = predict(text, Reader(), regions=False)
    comma = text.index(",")
    assert label_names()[int(probs[comma].argmax())] == "I-V:t3.granted.total"


def test_ocr_confusions_inside_numbers_are_shown_as_digits():
    text = "行政处罚\t3|\t3O\t1OO\t2,27b\tO\nICP备05012345号 Il SB\n行政强制\tO\n"
    view, where = model_view(text)
    # a look-alike alone in a cell of a row of numbers is a digit too; one in a row of words, or
    # alone by a label, stays as printed
    assert view == "行政处罚\t31\t30\t100\t2276\t0\nICP备05012345号 Il SB\n行政强制\tO\n"
    assert len(where) == len(text) - 1  # only the thousands comma is left out
    assert model_view("0     1         D         0")[0] == "0     1         0         0"  # space-aligned
    # a Markdown row's pipes are cell borders, not 1s; a pipe glued to a number elsewhere is a 1
    assert model_view("|0|0|1|\n| 0 | O | 2 |\n|2\n")[0] == "|0|0|1|\n| 0 | 0 | 2 |\n12\n"
    # a pipe alone in a cell of a row of numbers with no other pipe on its line is OCR's 1
    assert model_view("0    0    |    0\n0\t|\t1\n")[0] == "0    0    1    0\n0\t1\t1\n"
    assert model_view("0 |  | 0 | 1\n")[0] == "0 |  | 0 | 1\n"  # a table's pipes


def test_a_count_unit_in_a_cell_is_not_shown_and_prose_keeps_its_units():
    text = "规章\t0件\t12条\t\n\t3 件\n行政许可  5件  7件\n| 2件 | 0 |\n今年收到申请5件，办结5件。\n"
    view, _ = model_view(text)
    assert view == "规章\t0\t12\t\n\t3 \n行政许可  5  7\n| 2 | 0 |\n今年收到申请5件，办结5件。\n"
