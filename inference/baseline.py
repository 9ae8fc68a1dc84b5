"""A simple deterministic rule-based parser: the baseline of the ablation.

No model: find the template's row labels in order by fuzzy matching (white space and
character widths ignored; a label broken by a wrapped cell matches by its longest
prefix), then read the cells after each label up to the next one and assign them to
the row's columns.  Cells are told apart by the layout's separator: TABs (one row per
line, or one cell per line) keep blank cells in place; without TABs the values are
read in order and blanks cannot be seen.  It reads the common shapes a Word or HTML
table export takes and knows nothing of any particular report.

    record = parse(text)   # a Record in gold-file shape
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..data.gold import Record, Value
from ..data.schema import CHINESE_NUMERALS, SECTIONS, T4_COLUMNS, T4_GROUPS, detect_template, get_template
from .decode import fold_width, parse_value


@dataclass(frozen=True)
class BaselineConfig:
    # a label matched by a prefix must keep at least this share of its characters (and 4),
    # so a label cut by its row's values ("3.补正后申|0 0 0 …|请内容仍不明确") still matches
    min_prefix_share: float = 0.4
    # how far (folded characters) past the previous row the next row's label may be
    row_window: int = 600
    # table 四 values: five per group
    t4_values: int = len(T4_GROUPS) * len(T4_COLUMNS)


CONFIG = BaselineConfig()
MARKS = frozenset({"/", "／", "—", "——", "-", "--", "－", "无", "0"})
_BRACKETS = str.maketrans({"（": "(", "）": ")", "〔": "(", "〕": ")", "【": "(", "】": ")", "“": '"', "”": '"',
                           "，": ",", "：": ":", "、": ".", "．": ".", "|": ""})  # 1、属于… = 1.属于…


class Folded:
    """The text without white space, widths folded; ``index[k]`` = original offset of char k."""

    def __init__(self, text: str):
        chars, index = [], []
        for i, ch in enumerate(text):
            f = "" if ch.isspace() else fold_width(ch).translate(_BRACKETS)
            if f:
                chars.append(f)
                index.append(i)
        self.text, self.index, self.n = "".join(chars), index, len(text)

    def orig(self, k: int) -> int:
        return self.index[k] if k < len(self.index) else self.n


def fold(s: str) -> str:
    return "".join(fold_width(c).translate(_BRACKETS) for c in s if not c.isspace())


def find_label(folded: Folded, texts: tuple[str, ...], start: int, end: int,
               config: BaselineConfig = CONFIG) -> tuple[int, int] | None:
    """Earliest match in ``[start, end)`` of any of ``texts``, longest prefix first → folded (start, end)."""
    for t in sorted({fold(t) for t in texts}, key=len, reverse=True):
        shortest = min(len(t), max(4, round(config.min_prefix_share * len(t))))
        for n in range(len(t), shortest - 1, -1):
            k = folded.text.find(t[:n], start, end)
            if k >= 0:
                return k, k + n
    return None


def is_value(cell: str, field_id: str) -> bool:
    """Whether a cell's text is a value (a count, an amount, a mark) rather than a label."""
    s = fold(cell)
    if not s or s in MARKS:
        return True
    v = parse_value(field_id, s)
    if isinstance(v, int):
        return True
    return bool(re.match(r"^[\d.,]+(万元|元|万)?$", s))


def split_cells(region: str) -> tuple[list[str], bool]:
    """The cells of the row whose label ends where ``region`` starts, and whether blank cells
    can be seen.  Shapes: a row on the label's line with TABs (or Markdown pipes) between
    cells; one cell per TAB-indented line, the row ending at an empty line; otherwise values
    separated by white space or blank lines, read in order (blanks invisible)."""
    if "\t" not in region and "|" in region:
        region = region.replace("|", "\t")
    line, _, rest = region.partition("\n")
    if "\t" in line:
        return [c.strip() for c in line.split("\t")[1:]], True
    if line.strip():
        return region.split(), False
    lines = rest.split("\n")
    if any(x.startswith("\t") for x in lines[:2]):
        cells: list[str] = []
        for x in lines:
            if not x.startswith("\t") and not x.strip():
                if cells:
                    break  # an empty line ends the row
                continue
            cells.append(x.strip())
        return cells, True
    return region.split(), False


def read_cells(region: str, fields: list[str]) -> dict[str, Value]:
    """Values of one row: its cells up to the first that is not a value, assigned to the columns."""
    cells, blanks_visible = split_cells(region)
    taken: list[str] = []
    for c in cells:
        probe = fields[min(len(taken), len(fields) - 1)]
        if c and not is_value(c, probe):
            if re.fullmatch(r"万元|元|万", fold(c)) and taken:
                taken[-1] += c  # "2192.63 万元" split by white space
                continue
            break
        taken.append(c)
    if blanks_visible:
        while len(taken) > len(fields) and not taken[0]:  # the blank half of a merged label cell
            taken.pop(0)
    else:
        taken = [c for c in taken if c]
    return {f: (parse_value(f, c) if c else None) for f, c in zip(fields, taken)}


def _sections(text: str, folded: Folded) -> dict[str, int]:
    """Headings at the start of a line: 一、总体情况 … 六、其他需要报告的事项."""
    out: dict[str, int] = {}
    for sec in SECTIONS:
        for t in sec.texts:
            pat = fold(f"{CHINESE_NUMERALS[sec.number - 1]}、{t}")
            for m in re.finditer(re.escape(pat), folded.text):
                i = folded.orig(m.start())
                line_start = text.rfind("\n", 0, i) + 1
                if not text[line_start:i].strip() or text[line_start:i].strip().startswith("[bookmark"):
                    out.setdefault(str(sec.number), i)
                    break
            if str(sec.number) in out:
                break
    return out


_TITLE = re.compile(r"([\u4e00-\u9fff]{2,30}?)?((?:19|20)\d\d)年度?([\u4e00-\u9fff]{0,30}?)政府信息公开工作年度报告")


def _title(text: str, sections: dict[str, int]) -> tuple[int | None, str]:
    """Year and agency from the title line (``XX镇2020年政府信息公开工作年度报告``); else the
    first year named in 一、总体情况 and a line ending in 人民政府 before it."""
    lines = ["".join(line.split()) for line in text[:sections.get("1", 600)].splitlines()]
    for line in lines:
        m = _TITLE.search(line)
        if m:
            return int(m.group(2)), m.group(1) or m.group(3) or ""
    start = sections.get("1", 0)
    m = re.search(r"((?:19|20)\d\d)年", text[start:start + 400])
    agency = next((line[:-4] for line in lines if re.fullmatch(r"[\u4e00-\u9fff]{2,30}人民政府", line)), "")
    return (int(m.group(1)) if m else None), agency


def parse(text: str, config: BaselineConfig = CONFIG) -> Record:
    """Text of a report → Record; cells it cannot find stay blank (None)."""
    template = get_template(detect_template(text) or "2019")
    folded = Folded(text)
    sections = _sections(text, folded)
    cells: dict[str, Value] = dict.fromkeys(template.fields)
    # every row label of tables 二 and 三, in printed order
    rows: list[tuple[str, list[str], int, int]] = []  # (row, fields, folded start, folded end)
    first_header = find_label(folded, template.tables[0].blocks[0].columns[0].texts, 0, len(folded.text), config)
    cursor = first_header[1] if first_header else 0
    for table in template.tables[:2]:
        for block in table.blocks:
            for row in block.rows:
                hit = find_label(folded, row.texts, cursor, cursor + config.row_window, config)
                if hit is None:
                    continue
                rows.append((f"{table.key}.{row.key}", [f"{table.key}.{row.key}.{c.key}" for c in block.columns], *hit))
                cursor = hit[1]
    t4_start = find_label(folded, ("行政复议",), cursor, len(folded.text), config)
    ends = [r[2] for r in rows[1:]] + [t4_start[0] if t4_start else len(folded.text)]
    for (_, fields, _, end), nxt in zip(rows, ends):
        region = text[folded.orig(end - 1) + 1:folded.orig(nxt)]
        cells.update(read_cells(region, fields))
    if t4_start:
        _table4(text, folded, t4_start[1], cells, config)
    year, agency = _title(text, sections)
    return Record(template=template.version, cells=cells, year=year, agency=agency, sections=sections)


def _table4(text: str, folded: Folded, start: int, cells: dict[str, Value], config: BaselineConfig) -> None:
    """Table 四: fifteen values after its last column label (the usual one-row shape)."""
    stop = find_label(folded, ("存在的主要问题",), start, len(folded.text), config)
    end = stop[0] if stop else len(folded.text)
    labels = [fold(t) for c in T4_COLUMNS for t in c.texts] + [fold(g.text) for g in T4_GROUPS]
    last = max((m.end() for lab in labels for m in re.finditer(re.escape(lab), folded.text[start:end])), default=0)
    fields = [f"t4.{g.key}.{c.key}" for g in T4_GROUPS for c in T4_COLUMNS]
    region = text[folded.orig(start + last - 1) + 1:folded.orig(end)]
    cells.update(read_cells(region, fields[:config.t4_values]))
