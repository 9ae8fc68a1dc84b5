"""Source text around a cell, so a reader of ``report.md`` can see why it is wrong.

Best effort and deliberately simple: use the prediction's own span when it
gives one (``extra["details"][field]["span"] = [start, end]``); otherwise find
the row label after the start of the table's section and the gold value
shortly after it.  The located value is marked 【like this】; white space is
folded to single spaces so a snippet fits on one line.
"""
from __future__ import annotations

import re

from ..data.gold import Record
from ..data.schema import get_template, split_field

SNIPPET_CHARS = 60  # context kept on each side of the located value
VALUE_WINDOW = 400  # how far after the row label the value is looked for
_SPACE = re.compile(r"\s+")


def _flat(s: str) -> str:
    return _SPACE.sub(" ", s).strip()


def _label_pattern(text: str) -> re.Pattern:
    """A label that may be broken by white space anywhere (商业\\n企业)."""
    return re.compile(r"\s*".join(map(re.escape, _SPACE.sub("", text))))


def _pred_span(pred: Record | None, field: str, size: int) -> tuple[int, int] | None:
    details = pred.extra.get("details") if pred is not None else None
    span = details.get(field, {}).get("span") if isinstance(details, dict) and isinstance(details.get(field), dict) \
        else None
    if (isinstance(span, (list, tuple)) and len(span) == 2 and all(isinstance(x, int) for x in span)
            and 0 <= span[0] <= span[1] <= size):
        return span[0], span[1]
    return None


def _find_label(text: str, gold: Record, field: str) -> tuple[int, int, int] | None:
    """(start, end) of the row label after the table's section heading, and the column's index in its block."""
    table_key, row_key, col_key = split_field(field)
    table = get_template(gold.template).table(table_key)
    found = next(((b, r) for b in table.blocks for r in b.rows if r.key == row_key), None)
    if found is None:
        return None
    block, label = found
    start = gold.sections.get(str(table.section), 0)
    hits = [m for t in label.texts if (m := _label_pattern(t).search(text, start))]
    if not hits:
        return None
    best = min(hits, key=lambda m: (m.start(), -m.end()))
    return best.start(), best.end(), [c.key for c in block.columns].index(col_key)


def locate(text: str, gold: Record, field: str, pred: Record | None = None) -> tuple[int, int] | None:
    """Character span of the cell's value in ``text``.

    The prediction's span when it gives one; else, after the row label, the
    column's token when it reads as the gold value (right when no blank cell
    precedes it), else the first occurrence of the gold value.
    """
    span = _pred_span(pred, field, len(text))
    if span:
        return span
    label = _find_label(text, gold, field)
    value = gold.cells.get(field)
    if label is None or value is None:
        return None
    end, column = label[1], label[2]
    tokens = list(re.finditer(r"\S+", text[end:end + VALUE_WINDOW]))
    if column < len(tokens) and tokens[column].group() == str(value):
        return end + tokens[column].start(), end + tokens[column].end()
    m = re.compile(r"(?<![\d.])" + re.escape(str(value)) + r"(?![\d.])").search(text, end, end + VALUE_WINDOW)
    return (m.start(), m.end()) if m else None


def snippet(text: str, gold: Record, field: str, pred: Record | None = None, width: int = SNIPPET_CHARS) -> str | None:
    """One line of source text around the cell, value marked 【…】; None when nothing was found."""
    span = locate(text, gold, field, pred)
    if span:
        a, b = span
        return (_flat(text[max(0, a - width):a]) + " 【" + _flat(text[a:b]) + "】 " + _flat(text[b:b + width])).strip()
    label = _find_label(text, gold, field)
    if label:  # blank gold cell, or value not found: show the row as printed
        return _flat(text[label[0]:label[1] + 2 * width])
    return None
